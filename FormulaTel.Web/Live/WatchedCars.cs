using System.Diagnostics.Metrics;

namespace FormulaTel.Web.Live;

/// <summary>
/// The cars someone is looking at (a hub subscription, a live page), each held by a disposable handle and counted by
/// key: the first handle on a car starts its full-rate feed, disposing the last one stops it. Capped at
/// Web:MaxWatchedCars distinct cars; a watch past the cap is refused and counted.
/// </summary>
public sealed class WatchedCars
{
    public const int DefaultMax = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<CarKey, int> _holders = [];
    private readonly int _max;
    private long _refused;

    public WatchedCars(IConfiguration? configuration = null, IMeterFactory? meters = null)
    {
        _max = configuration?.GetValue<int?>("Web:MaxWatchedCars") ?? DefaultMax;
        meters?.Create(CarStateStore.MeterName).CreateObservableCounter("formulatel.web.watches.refused", () => Interlocked.Read(ref _refused), "{watch}",
            "Watches refused because Web:MaxWatchedCars distinct cars were already watched.");
    }

    /// <summary>Raised (outside the lock) when a car becomes watched or stops being watched.</summary>
    public event Action? Changed;

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Watches <paramref name="car"/> until the handle is disposed; null when the cap is reached.</summary>
    public IDisposable? Watch(CarKey car)
    {
        bool first;
        lock (_lock)
        {
            var holders = _holders.GetValueOrDefault(car);
            if (holders == 0 && _holders.Count >= _max)
            {
                Interlocked.Increment(ref _refused);
                return null;
            }

            _holders[car] = holders + 1;
            first = holders == 0;
        }

        if (first)
        {
            Changed?.Invoke();
        }

        return new Handle(this, car);
    }

    public bool IsWatched(CarKey car)
    {
        lock (_lock)
        {
            return _holders.ContainsKey(car);
        }
    }

    public IReadOnlyList<CarKey> Cars()
    {
        lock (_lock)
        {
            return [.. _holders.Keys];
        }
    }

    private void Release(CarKey car)
    {
        bool last;
        lock (_lock)
        {
            var holders = _holders.GetValueOrDefault(car);
            last = holders == 1;
            if (last)
            {
                _holders.Remove(car);
            }
            else if (holders > 1)
            {
                _holders[car] = holders - 1;
            }
        }

        if (last)
        {
            Changed?.Invoke();
        }
    }

    private sealed class Handle(WatchedCars owner, CarKey car) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(car);
            }
        }
    }
}
