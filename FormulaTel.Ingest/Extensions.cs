using FormulaTel.Ingest.Forwarding;
using FormulaTel.Games;
using FormulaTel.Games.Forza;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Udp;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;

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
        // "Ingest:ForwardTo" and "Ingest:AllowedSources" as one value ("a:20777,b:20778"), e.g. from an AppHost
        // parameter or an environment variable, as well as a list.
        builder.Services.PostConfigure<IngestOptions>(o =>
        {
            if (builder.Configuration[$"{IngestOptions.SectionName}:{nameof(IngestOptions.ForwardTo)}"] is { Length: > 0 } list)
            {
                o.ForwardTo.Add(list);
            }

            if (builder.Configuration[$"{IngestOptions.SectionName}:{nameof(IngestOptions.AllowedSources)}"] is { Length: > 0 } sources)
            {
                o.AllowedSources.Add(sources);
            }
        });
        builder.Services.AddOptions<RecordingOptions>()
            .Bind(builder.Configuration.GetSection(RecordingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<FrameBuffer>();

        // The game families ingest reads; each datagram goes to the one that recognises it.
        builder.Services.AddSingleton(_ => new ForzaSessions());
        builder.Services.AddSingleton(sp => KnownGames.Create(sp.GetRequiredService<ForzaSessions>()));
        builder.Services.AddSingleton<IDatagramLabeler>(sp => sp.GetRequiredService<GameDecoders>());

        // Every received datagram is also handed, unchanged, to the recorder and the forwarder. They are hosted
        // before the receiver so that they stop after it and take in what it received last.
        builder.Services.AddSingleton<RecordingMetrics>();
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddSingleton<IDatagramSink>(sp => sp.GetRequiredService<Recorder>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Recorder>());
        builder.Services.AddSingleton<Forwarder>();
        builder.Services.AddSingleton<IDatagramSink>(sp => sp.GetRequiredService<Forwarder>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Forwarder>());

        builder.Services.AddSingleton<SourceGate>();
        builder.Services.AddSingleton<UdpReceiver>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UdpReceiver>());

#pragma warning disable EXTEXP0001
        builder.Services
            .AddGrpcClient<GatewayPublishClient>((sp, o) =>
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
            .RemoveAllResilienceHandlers()
            .WithRpcKey(builder.Configuration);
#pragma warning restore EXTEXP0001

        builder.Services.AddSingleton<RpcPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RpcPublisher>());
        return builder;
    }
}
