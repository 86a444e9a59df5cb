using FormulaTel.Ingest.Games.F1;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Ingest.Udp;
using FormulaTel.Protos.V1;

namespace FormulaTel.Ingest;

/// <summary>Ingest's wiring, in one place.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(IngestOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<F1ActiveCars>();
        builder.Services.AddSingleton<F1FrameMapper>();
        builder.Services.AddSingleton<FrameBuffer>();

        builder.Services.AddSingleton<UdpReceiver>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UdpReceiver>());

#pragma warning disable EXTEXP0001
        builder.Services
            .AddGrpcClient<TelemetryGateway.TelemetryGatewayClient>((sp, o) =>
                o.Address = new Uri(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestOptions>>().Value.RpcAddress))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A dead rpc behind a live TCP connection is noticed within seconds.
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            // The publish stream lives for hours: the default resilience handler's timeouts would cut it.
            // (Marked experimental, but it is the documented way to opt one client out of the defaults.)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddSingleton<RpcPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RpcPublisher>());
        return builder;
    }
}
