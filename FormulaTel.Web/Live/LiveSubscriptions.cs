using System.Collections.Concurrent;

namespace FormulaTel.Web.Live;

/// <summary>
/// Which hub connections follow which cars. Kept here rather than in SignalR groups so the coalescer can send to each
/// connection on its own and skip one that has not taken its last update (a group send waits for its slowest member).
/// Each followed car holds a <see cref="WatchedCars"/> handle, so its full-rate feed runs while anyone follows it.
/// A connection follows at most <paramref name="maxPerConnection"/> cars; nothing is kept for a connection that
/// follows none.
/// </summary>
public sealed class LiveSubscriptions(WatchedCars? watched = null, int maxPerConnection = LiveHubLimits.DefaultMaxSubscriptionsPerConnection)
{
    public enum Result
    {
        Added,

        /// <summary>The connection already follows as many cars as it may.</summary>
        ConnectionCap,

        /// <summary>Web already watches Web:MaxWatchedCars distinct cars.</summary>
        WatchCap,
    }

    private readonly WatchedCars _watched = watched ?? new WatchedCars();
    private readonly Lock _carsLock = new();
    private readonly ConcurrentDictionary<CarKey, ConcurrentDictionary<string, byte>> _byCar = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CarKey, IDisposable>> _byConnection = new();

    public Result Add(string connectionId, CarKey car)
    {
        var cars = _byConnection.GetOrAdd(connectionId, _ => new());
        lock (cars)
        {
            if (!cars.ContainsKey(car))
            {
                if (cars.Count >= maxPerConnection)
                {
                    DropIfEmpty(connectionId, cars);
                    return Result.ConnectionCap;
                }

                if (_watched.Watch(car) is not { } handle)
                {
                    DropIfEmpty(connectionId, cars);
                    return Result.WatchCap;
                }

                cars[car] = handle;
            }
        }

        lock (_carsLock)
        {
            _byCar.GetOrAdd(car, _ => new()).TryAdd(connectionId, 0);
        }

        return Result.Added;
    }

    public void Remove(string connectionId, CarKey car)
    {
        if (_byConnection.TryGetValue(connectionId, out var cars))
        {
            lock (cars)
            {
                if (cars.TryRemove(car, out var handle))
                {
                    handle.Dispose();
                }

                DropIfEmpty(connectionId, cars);
            }
        }

        Forget(connectionId, car);
    }

    // Called under the connection's lock, so a concurrent Add on the same connection cannot lose its entry.
    private void DropIfEmpty(string connectionId, ConcurrentDictionary<CarKey, IDisposable> cars)
    {
        if (cars.IsEmpty)
        {
            _byConnection.TryRemove(new KeyValuePair<string, ConcurrentDictionary<CarKey, IDisposable>>(connectionId, cars));
        }
    }

    // Nothing left behind for a car nobody follows (the next follower adds it again).
    private void Forget(string connectionId, CarKey car)
    {
        lock (_carsLock)
        {
            if (_byCar.TryGetValue(car, out var connections) && connections.TryRemove(connectionId, out _) && connections.IsEmpty)
            {
                _byCar.TryRemove(car, out _);
            }
        }
    }

    public void RemoveConnection(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var cars))
        {
            lock (cars)
            {
                foreach (var (car, handle) in cars)
                {
                    handle.Dispose();
                    Forget(connectionId, car);
                }

                cars.Clear();
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

    /// <summary>Connections following at least one car.</summary>
    public int Connections => _byConnection.Count;

    /// <summary>Cars followed by at least one connection.</summary>
    public int Cars => _byCar.Count;
}
