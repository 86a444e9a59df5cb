using FormulaTel.Rpc.Gateway;
using FormulaTel.Rpc.Publishing;

namespace FormulaTel.Rpc;

/// <summary>rpc's wiring, in one place.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddRpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(o =>
        {
            // A batch of 512 full frames stays well under this; anything bigger is a broken publisher.
            o.MaxReceiveMessageSize = 16 * 1024 * 1024;
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
            metrics.KafkaFramesPublishedTotal, metrics.KafkaFramesDroppedTotal, telemetry.CarsRefused));
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
    long TelemetryCarsRefused);
