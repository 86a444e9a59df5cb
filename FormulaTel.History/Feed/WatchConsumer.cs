using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Feed;

/// <summary>
/// Reads every session's frames from rpc's watch stream (the embedded stack's feed; periodic payloads at most
/// History:FramesPerSecond a second per car) into the lap builder,
/// reconnecting by itself; ends idle sessions as it goes and every lap in progress when it stops.
/// Starts once the database is ready: nothing is taken in that could not be stored.
/// </summary>
public sealed partial class WatchConsumer(
    TelemetryGateway.TelemetryGatewayClient client,
    IOptions<HistoryOptions> options,
    LapBuilder builder,
    StoreReadiness readiness,
    HistoryMetrics metrics,
    TimeProvider time,
    ILogger<WatchConsumer> logger) : BackgroundService, IHistoryFeed
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleSweep = TimeSpan.FromSeconds(5);
    private readonly Lock _builder = new();

    public bool Connected { get; private set; }

    public void Forget(SessionKey session)
    {
        lock (_builder)
        {
            builder.Forget(session);
        }
    }

    public string Description => "rpc's watch stream";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var sweep = new PeriodicTimer(IdleSweep, time);
        var sweeping = SweepAsync(sweep, stoppingToken);
        await StreamingClients.RunUntilStoppedAsync(async (connected, token) =>
        {
            var request = new WatchRequest();
            if (options.Value.FramesPerSecond > 0)
            {
                request.MaxFramesPerSecond = options.Value.FramesPerSecond;
            }

            using var call = client.Watch(request, cancellationToken: token);
            await call.ResponseHeadersAsync;
            Connected = true;
            connected();
            LogConnected(logger);
            await foreach (var batch in call.ResponseStream.ReadAllAsync(token))
            {
                lock (_builder)
                {
                    foreach (var frame in batch.Frames)
                    {
                        builder.Apply(frame);
                    }
                }

                metrics.FramesReadAdd(batch.Frames.Count);
            }
        }, (delay, e) =>
        {
            Connected = false;
            LogDisconnected(logger, delay.TotalMilliseconds, e.Message);
        }, MaxDelay, time, stoppingToken);

        Connected = false;
        await sweeping;
        lock (_builder)
        {
            // Stopping: the laps in progress are stored as cut short; a restart's first frames carry on from here.
            builder.EndAll();
        }
    }

    private async Task SweepAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lock (_builder)
                {
                    builder.EndIdleSessions();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching rpc for every session's frames")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch stream from rpc failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, double delayMs, string reason);
}
