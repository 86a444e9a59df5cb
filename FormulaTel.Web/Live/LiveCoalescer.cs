using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// Pushes changed cars to the hub connections following them and to in-process listeners (the Blazor pages), each
/// car at most 60 times a second: the latest state wins, intermediate ones are skipped. Pushes as soon as a car is
/// due, so an isolated update goes out at once rather than on the next tick. Each connection is sent to on its own
/// and never waited for: one that has not taken its last update is skipped and gets the latest state once it has,
/// so a slow client never slows the others.
/// </summary>
public sealed partial class LiveCoalescer : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1.0 / 60);
    private static readonly TimeSpan SessionsInterval = TimeSpan.FromSeconds(1);

    private readonly CarStateStore _store;
    private readonly IHubContext<LiveHub, ILiveClient> _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveCoalescer> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<CarKey, long> _lastSent = [];
    private readonly HashSet<CarKey> _pending = [];
    private readonly LiveSubscriptions _subscriptions;
    private readonly Dictionary<string, Task> _sending = [];
    private readonly HashSet<(string Connection, CarKey Car)> _behind = [];
    private long _skipped;
    private int _sentSessionsVersion = -1;
    private long _lastSessionsSent;

    public LiveCoalescer(CarStateStore store, IHubContext<LiveHub, ILiveClient> hub, LiveSubscriptions subscriptions, TimeProvider time, ILogger<LiveCoalescer> logger)
    {
        _store = store;
        _subscriptions = subscriptions;
        _hub = hub;
        _time = time;
        _logger = logger;
        store.Changed += () => _wake.Writer.TryWrite(true);
    }

    /// <summary>In-process listeners (Blazor circuits); called on the coalescer's thread, so keep them short.</summary>
    public event Action<CarState>? CarUpdated;

    public event Action<IReadOnlyList<SessionSummary>>? SessionsUpdated;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = await FlushAsync();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(wait);
                try
                {
                    await _wake.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // A car became due, or the periodic session check.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFlushFailed(_logger, e);
            }
        }
    }

    /// <summary>Sends what is due; returns how long until something else may be.</summary>
    public async Task<TimeSpan> FlushAsync()
    {
        var now = _time.GetTimestamp();
        _pending.UnionWith(_store.TakeDirty());
        var sends = new List<Task>();
        var nextDue = SessionsInterval;
        foreach (var key in _pending.ToArray())
        {
            var since = _lastSent.TryGetValue(key, out var last) ? _time.GetElapsedTime(last, now) : TimeSpan.MaxValue;
            if (since < MinInterval)
            {
                var due = MinInterval - since;
                nextDue = due < nextDue ? due : nextDue;
                continue;
            }

            _pending.Remove(key);
            _lastSent[key] = now;
            if (_store.Get(key) is { } state)
            {
                foreach (var connection in _subscriptions.Of(key))
                {
                    Send(connection, key, state);
                }

                CarUpdated?.Invoke(state);
            }
        }

        // Connections that were behind and have caught up get their cars' latest states.
        foreach (var (connection, car) in _behind.ToArray())
        {
            if (IsFree(connection))
            {
                _behind.Remove((connection, car));
                if (_store.Get(car) is { } state && _subscriptions.Follows(connection, car))
                {
                    Send(connection, car, state);
                }
            }
            else
            {
                nextDue = nextDue < MinInterval ? nextDue : MinInterval;
            }
        }

        if (_store.SessionsVersion != _sentSessionsVersion || _time.GetElapsedTime(_lastSessionsSent, now) >= SessionsInterval)
        {
            var version = _store.SessionsVersion;
            var sessions = _store.Sessions();
            if (version != _sentSessionsVersion)
            {
                _sentSessionsVersion = version;
                sends.Add(_hub.Clients.Group(LiveHub.AllSessionsGroup).Sessions(sessions));
                SessionsUpdated?.Invoke(sessions);
            }

            _lastSessionsSent = now;
            ForgetStale();
        }

        await Task.WhenAll(sends);
        return nextDue;
    }

    /// <summary>Updates skipped because a connection had not taken the previous one (it gets the latest later).</summary>
    public long SkippedForSlowClients => Interlocked.Read(ref _skipped);

    private bool IsFree(string connection)
    {
        if (_sending.TryGetValue(connection, out var task) && !task.IsCompleted)
        {
            return false;
        }

        _sending.Remove(connection);
        return true;
    }

    private void Send(string connection, CarKey car, CarState state)
    {
        if (!IsFree(connection))
        {
            Interlocked.Increment(ref _skipped);
            _behind.Add((connection, car));
            return;
        }

        var task = _hub.Clients.Client(connection).CarState(state);
        if (!task.IsCompleted)
        {
            _sending[connection] = task;
            _ = task.ContinueWith(t => LogSendFailed(_logger, connection, t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void ForgetStale()
    {
        // Sends that finished (connections that went away included), checked once a second.
        foreach (var connection in _sending.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToArray())
        {
            _sending.Remove(connection);
        }

        if (_lastSent.Count < 4096)
        {
            return;
        }

        foreach (var key in _lastSent.Keys.Where(k => _store.Get(k) is null).ToArray())
        {
            _lastSent.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A live update to connection {Connection} failed")]
    private static partial void LogSendFailed(ILogger logger, string connection, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pushing live updates failed; continuing")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
