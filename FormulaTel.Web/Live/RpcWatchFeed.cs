using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using Grpc.Core;

namespace FormulaTel.Web.Live;

/// <summary>
/// Feeds the store from rpc's Watch stream (the embedded stack's feed), reconnecting by itself whenever rpc
/// goes away.
/// </summary>
public sealed partial class RpcWatchFeed(
    TelemetryGateway.TelemetryGatewayClient client,
    CarStateStore store,
    ILogger<RpcWatchFeed> logger) : BackgroundService, IFrameFeed
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public bool Connected { get; private set; }

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public string Description => "rpc's watch stream";

    private long _framesReceived;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StreamingClients.RunUntilStoppedAsync(async (connected, token) =>
        {
            using var call = client.Watch(new WatchRequest(), cancellationToken: token);
            await call.ResponseHeadersAsync;
            Connected = true;
            connected();
            LogConnected(logger);
            await foreach (var batch in call.ResponseStream.ReadAllAsync(token))
            {
                foreach (var frame in batch.Frames)
                {
                    store.Apply(frame);
                }

                Interlocked.Add(ref _framesReceived, batch.Frames.Count);
            }
        }, (delay, e) =>
        {
            Connected = false;
            LogDisconnected(logger, delay.TotalMilliseconds, e.Message);
        }, MaxDelay, TimeProvider.System, stoppingToken);
        Connected = false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching rpc for live telemetry")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch stream from rpc failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, double delayMs, string reason);
}
