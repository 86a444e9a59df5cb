using System.Net;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc;
using FormulaTel.Rpc.Publishing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Testing;

/// <summary>
/// The real rpc service (its own wiring, <see cref="Extensions.AddRpc"/>) on a real loopback port speaking
/// HTTP/2 without TLS, as under Aspire. Can be stopped and started again on the same port.
/// </summary>
public sealed class RpcTestHost : IAsyncDisposable
{
    private WebApplication? _app;

    private readonly Dictionary<string, string?> _settings;

    private RpcTestHost(int port, Dictionary<string, string?>? settings)
    {
        Port = port;
        _settings = settings ?? [];
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("rpc is not running.");

    public RpcMetrics Metrics => Services.GetRequiredService<RpcMetrics>();

    public LocalFanOut FanOut => Services.GetRequiredService<LocalFanOut>();

    /// <param name="settings">Configuration, e.g. ConnectionStrings:kafka to publish to Kafka.</param>
    public static async Task<RpcTestHost> StartAsync(int? port = null, Dictionary<string, string?>? settings = null)
    {
        var host = new RpcTestHost(port ?? FreePort.Tcp(), settings);
        await host.StartAsync();
        return host;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Tests not about rpc's keys call it without one; those about keys configure them (RpcAccessTests).
        if (!_settings.ContainsKey("Rpc:Access:PublishKeys:0"))
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rpc:Access:AllowAnonymous"] = "true" });
        }

        builder.Configuration.AddInMemoryCollection(_settings);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.Protocols = HttpProtocols.Http2));
        builder.AddRpc();
        var app = builder.Build();
        app.MapRpc();
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }

    public TelemetryGateway.TelemetryGatewayClient CreateClient() =>
        new(GrpcChannel.ForAddress(Address));

    public async ValueTask DisposeAsync() => await StopAsync();
}
