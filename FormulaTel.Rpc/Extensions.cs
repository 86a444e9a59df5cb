using FormulaTel.Rpc.Gateway;
using FormulaTel.Rpc.Publishing;
using FormulaTel.Rpc.Security;

namespace FormulaTel.Rpc;

/// <summary>rpc's wiring, in one place.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddRpc(this IHostApplicationBuilder builder)
    {
        // Who may call (API keys per role) and how much: checked before a call reaches the gateway (docs/security.md).
        builder.Services.AddOptions<RpcAccessOptions>()
            .Bind(builder.Configuration.GetSection(RpcAccessOptions.SectionName))
            .Validate(o => o.AllowAnonymous || (o.PublishKeys.Any(k => k.Length > 0) && o.WatchKeys.Any(k => k.Length > 0)),
                "rpc has no API keys: set Rpc:Access:PublishKeys:0 (ingest's) and Rpc:Access:WatchKeys:0 (web's and history's) — the AppHost " +
                "generates them — or Rpc:Access:AllowAnonymous=true where everything that can reach rpc is trusted (docs/security.md)")
            .ValidateOnStart();
        builder.Services.AddSingleton<RpcAccessInterceptor>();
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<RpcAccessInterceptor>();
            // Ingest's batches of 512 frames are well under 1 MB; anything near this is not a publisher of ours.
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RpcMetrics>();
        builder.Services.AddOptions<SpecMetricsOptions>().Bind(builder.Configuration.GetSection(SpecMetricsOptions.SectionName));
        builder.Services.AddSingleton<SpecMetrics>();
        builder.Services.AddSingleton<LocalFanOut>();

        // Kafka when a connection string names the brokers (full stack); rpc's own watchers alone otherwise.
        // rpc cannot acknowledge without Kafka, so its health follows Kafka's.
        if (builder.AddKafkaClients())
        {
            builder.Services.AddSingleton<KafkaPublisher>();
            builder.Services.AddSingleton<ITelemetryPublisher, KafkaThenLocalPublisher>();
        }
        else
        {
            builder.Services.AddSingleton<ITelemetryPublisher>(sp => sp.GetRequiredService<LocalFanOut>());
        }
        return builder;
    }

    public static WebApplication MapRpc(this WebApplication app)
    {
        app.MapGrpcService<TelemetryGatewayService>();
        app.MapGet("/", () => "FormulaTel rpc: gRPC service formulatel.v1.TelemetryGateway (Publish, Watch).");
        app.MapGet("/stats", (RpcMetrics metrics, SpecMetrics telemetry, LocalFanOut fanOut) => new RpcStats(
            metrics.FramesReceivedTotal, metrics.FramesRejectedTotal, fanOut.WatcherCount, metrics.WatchFramesDroppedTotal,
            metrics.KafkaFramesPublishedTotal, metrics.KafkaFramesDroppedTotal, telemetry.CarsRefused, metrics.CallsRefusedTotal));
        return app;
    }
}

/// <summary>rpc's running totals (GET /stats), the same counts as its metrics, for scripts and the load harness.</summary>
public sealed record RpcStats(
    long FramesReceived,
    long FramesRejected,
    int Watchers,
    long WatchFramesDropped,
    long KafkaFramesPublished,
    long KafkaFramesDropped,
    long TelemetryCarsRefused,
    long CallsRefused);
