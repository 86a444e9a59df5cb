using FormulaTel.Ingest;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Ingest.Udp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Testing;

/// <summary>Ingest with its real wiring (<see cref="Extensions.AddIngest"/>) on a free UDP port.</summary>
public sealed class IngestTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private IngestTestHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;
    public IngestMetrics Metrics => Services.GetRequiredService<IngestMetrics>();
    public RpcPublisher Publisher => Services.GetRequiredService<RpcPublisher>();
    public FrameBuffer Buffer => Services.GetRequiredService<FrameBuffer>();
    public int UdpPort { get; private set; }

    public static async Task<IngestTestHost> StartAsync(Uri rpcAddress, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingest:UdpPort"] = "0",
            ["Ingest:RpcAddress"] = rpcAddress.ToString(),
            ["Ingest:MaxReconnectDelay"] = "00:00:00.500",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddIngest();
        var host = builder.Build();
        await host.StartAsync();
        var ingest = new IngestTestHost(host);
        ingest.UdpPort = (await Eventually.Within(host.Services.GetRequiredService<UdpReceiver>().Bound, "UDP bind")).Port;
        return ingest;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
