using System.Collections.Concurrent;

namespace FormulaTel.Web.Live;

/// <summary>
/// Which hub connections follow which cars. Kept here rather than in SignalR groups so the coalescer can send to each
/// connection on its own and skip one that has not taken its last update (a group send waits for its slowest member).
/// </summary>
public sealed class LiveSubscriptions
{
    private readonly ConcurrentDictionary<CarKey, ConcurrentDictionary<string, byte>> _byCar = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CarKey, byte>> _byConnection = new();

    public void Add(string connectionId, CarKey car)
    {
        _byCar.GetOrAdd(car, _ => new()).TryAdd(connectionId, 0);
        _byConnection.GetOrAdd(connectionId, _ => new()).TryAdd(car, 0);
    }

    public void Remove(string connectionId, CarKey car)
    {
        if (_byCar.TryGetValue(car, out var connections))
        {
            connections.TryRemove(connectionId, out _);
        }

        if (_byConnection.TryGetValue(connectionId, out var cars))
        {
            cars.TryRemove(car, out _);
        }
    }

    public void RemoveConnection(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var cars))
        {
            foreach (var car in cars.Keys)
            {
                Remove(connectionId, car);
            }
        }
    }

    /// <summary>The connections following a car, enumerated live (ConcurrentDictionary.Keys would copy them each time).</summary>
    public IEnumerable<string> Of(CarKey car)
    {
        if (_byCar.TryGetValue(car, out var connections))
        {
            foreach (var (connection, _) in connections)
            {
                yield return connection;
            }
        }
    }

    public bool Follows(string connectionId, CarKey car) => _byCar.TryGetValue(car, out var connections) && connections.ContainsKey(connectionId);

    public int Connections => _byConnection.Count;
}
