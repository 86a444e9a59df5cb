using System.Collections.Concurrent;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using Grpc.Core;

namespace FormulaTel.Web.Live;

/// <summary>
/// Feeds the store from rpc's Watch stream (the embedded stack's feed), reconnecting by itself whenever rpc goes
/// away. Web takes in only what is looked at: one overview stream of every session at Web:OverviewFramesPerSecond
/// per car (enough for the timing tower, the map and the session list; rare frames such as events in full), and a
/// full-rate stream per watched car (<see cref="WatchedCars"/>) for its gauges and lap trace.
/// </summary>
public sealed partial class RpcWatchFeed : BackgroundService, IFrameFeed
{
    public const int DefaultOverviewFramesPerSecond = 10;

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly TelemetryGateway.TelemetryGatewayClient _client;
    private readonly CarStateStore _store;
    private readonly WatchedCars _watched;
    private readonly ILogger<RpcWatchFeed> _logger;
    private readonly uint _overviewRate;
    private readonly ConcurrentDictionary<CarKey, CancellationTokenSource> _carFeeds = new();
    // Cars whose full-rate stream is open: the overview leaves their periodic frames to it.
    private readonly ConcurrentDictionary<CarKey, object> _streaming = new();
    private readonly SemaphoreSlim _watchedChanged = new(0);
    private long _framesReceived;

    public RpcWatchFeed(TelemetryGateway.TelemetryGatewayClient client, CarStateStore store, WatchedCars watched, IConfiguration configuration, ILogger<RpcWatchFeed> logger)
    {
        _client = client;
        _store = store;
        _watched = watched;
        _logger = logger;
        _overviewRate = (uint)Math.Max(0, configuration.GetValue("Web:OverviewFramesPerSecond", DefaultOverviewFramesPerSecond));
        watched.Changed += () => _watchedChanged.Release();
    }

    public bool Connected { get; private set; }

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public string Description => "rpc's watch stream";

    /// <summary>Cars with a full-rate stream open now.</summary>
    public int CarStreams => _streaming.Count;

    public async Task FollowingAsync(CarKey car, TimeSpan patience)
    {
        // A session not heard from yet cannot be followed yet: no reason to hold the caller.
        if (_store.Identity(car.SessionKey) is null)
        {
            return;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!_streaming.ContainsKey(car) && _watched.IsWatched(car) && waited.Elapsed < patience)
        {
            await Task.Delay(10);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var following = FollowWatchedCarsAsync(stoppingToken);
        await StreamingClients.RunUntilStoppedAsync(async (connected, token) =>
        {
            using var call = _client.Watch(new WatchRequest { MaxFramesPerSecond = _overviewRate }, cancellationToken: token);
            await call.ResponseHeadersAsync;
            Connected = true;
            connected();
            LogConnected(_logger, _overviewRate);
            await foreach (var batch in call.ResponseStream.ReadAllAsync(token))
            {
                foreach (var frame in batch.Frames)
                {
                    if (!_streaming.IsEmpty && PeriodicPayloads.Contains(frame.PayloadCase) && frame.Envelope is { } envelope
                        && _streaming.ContainsKey(new CarKey(SessionKeys.For(envelope.SourceId, envelope.SessionUid), (int)envelope.CarIndex)))
                    {
                        continue;
                    }

                    _store.Apply(frame);
                }

                Interlocked.Add(ref _framesReceived, batch.Frames.Count);
            }
        }, (delay, e) =>
        {
            Connected = false;
            LogDisconnected(_logger, delay.TotalMilliseconds, e.Message);
        }, MaxDelay, TimeProvider.System, stoppingToken);
        Connected = false;
        await following;
    }

    /// <summary>Starts a car's full-rate stream when it becomes watched and stops it when it is not any more.</summary>
    private async Task FollowWatchedCarsAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wanted = _watched.Cars().ToHashSet();
                foreach (var (car, feed) in _carFeeds)
                {
                    if (!wanted.Contains(car) && _carFeeds.TryRemove(car, out _))
                    {
                        await feed.CancelAsync();
                        feed.Dispose();
                    }
                }

                foreach (var car in wanted)
                {
                    if (!_carFeeds.ContainsKey(car))
                    {
                        var feed = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        _carFeeds[car] = feed;
                        _ = FollowCarAsync(car, feed.Token);
                    }
                }

                // Woken by a change; also once a second, for cars whose session was not known yet.
                await _watchedChanged.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FollowCarAsync(CarKey car, CancellationToken cancellationToken)
    {
        // This stream's own mark, so a stream ending never unmarks the next one for the same car.
        var mark = new object();
        var own = new KeyValuePair<CarKey, object>(car, mark);
        try
        {
            // The filter needs the session's source and uid: known once the overview has brought the session in.
            (string SourceId, ulong SessionUid)? identity;
            while ((identity = _store.Identity(car.SessionKey)) is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }

            var request = new WatchRequest { SourceId = identity.Value.SourceId, SessionUid = identity.Value.SessionUid, CarIndex = (uint)car.CarIndex };
            await StreamingClients.RunUntilStoppedAsync(async (connected, token) =>
            {
                using var call = _client.Watch(request, cancellationToken: token);
                await call.ResponseHeadersAsync;
                _streaming[car] = mark;
                connected();
                try
                {
                    await foreach (var batch in call.ResponseStream.ReadAllAsync(token))
                    {
                        foreach (var frame in batch.Frames)
                        {
                            // Rare frames come with the overview already.
                            if (PeriodicPayloads.Contains(frame.PayloadCase))
                            {
                                _store.Apply(frame);
                            }
                        }

                        Interlocked.Add(ref _framesReceived, batch.Frames.Count);
                    }
                }
                finally
                {
                    _streaming.TryRemove(own);
                }
            }, (delay, e) => LogCarDisconnected(_logger, car.SessionKey, car.CarIndex, delay.TotalMilliseconds, e.Message), MaxDelay, TimeProvider.System, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _streaming.TryRemove(own);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching rpc for live telemetry (the overview at {Rate} frames a second per car)")]
    private static partial void LogConnected(ILogger logger, uint rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch stream from rpc failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Full-rate stream of {SessionKey} car {Car} failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogCarDisconnected(ILogger logger, string sessionKey, int car, double delayMs, string reason);
}
