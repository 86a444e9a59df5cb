using FormulaTel.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Testing;

/// <summary>Web with its real wiring on a real loopback port, fed by a real rpc.</summary>
public sealed class WebTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebTestHost(WebApplication app, int port)
    {
        _app = app;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Last changes to the builder, e.g. a logging provider that captures.</param>
    /// <param name="port">A fixed port, e.g. to start web again at the same address; a free one otherwise.</param>
    /// <param name="servePage">Serve the page's own static assets (blazor.web.js, app.css) for a browser.</param>
    public static async Task<WebTestHost> StartAsync(Uri rpcAddress, Dictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, int? port = null, bool servePage = false)
    {
        var listen = port ?? FreePort.Tcp();
        var builder = servePage
            ? WebApplication.CreateBuilder(new WebApplicationOptions
            {
                // web's static assets come from its manifest beside the test assemblies, read in Development.
                ApplicationName = typeof(Extensions).Assembly.GetName().Name,
                EnvironmentName = Environments.Development,
                ContentRootPath = Path.Combine(Fixtures.RepositoryRoot, "FormulaTel.Web"),
            })
            : WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{listen}",
            ["Web:RpcAddress"] = rpcAddress.ToString(),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        // The same calls as web's Program.cs.
        builder.AddServiceDefaults();
        builder.AddWeb();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapWeb();
        await app.StartAsync();
        return new WebTestHost(app, listen);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
