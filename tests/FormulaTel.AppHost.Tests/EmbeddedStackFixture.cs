using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FormulaTel.AppHost.Tests;

/// <summary>
/// The AppHost's embedded stack, started once for the end-to-end tests: rpc, ingest (on a free UDP port), web and
/// the simulator as real processes under Aspire, on randomised ports.
/// </summary>
public class EmbeddedStackFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public int UdpPort { get; } = FreePort.Udp();

    /// <summary>Where this stack's ingest records (a temporary folder, not the user's).</summary>
    public string RecordingDirectory { get; } = Directory.CreateTempSubdirectory("formulatel-stack-recordings-").FullName;

    /// <summary>Where this stack's history keeps its database (a temporary folder, not the user's).</summary>
    public string HistoryDirectory { get; } = Directory.CreateTempSubdirectory("formulatel-stack-history-").FullName;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack is not running.");

    public Uri WebAddress { get; private set; } = null!;

    /// <summary>AppHost arguments beyond the embedded stack's, for fixtures that need more.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    public virtual async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FormulaTel_AppHost>(
            [
                "FORMULATEL_STACK=embedded",
                $"FormulaTel:UdpPort={UdpPort}",
                $"FormulaTel:RecordingDirectory={RecordingDirectory}",
                $"FormulaTel:HistoryDirectory={HistoryDirectory}",
                // Free ports for the proxied endpoints, so the tests never clash with a running `dotnet run`.
                "DcpPublisher:RandomizePorts=true",
                .. ExtraArguments,
            ],
            (options, _) => options.DisableDashboard = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(startup.Token);
        foreach (var resource in new[] { "rpc", "ingest", "web", "history" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        WebAddress = _app.GetEndpoint("web", "http");
    }

    /// <summary>The simulator's session as web's hub lists it: the one with a full field (tests add sessions of their own).</summary>
    public async Task<SessionSummary> SimulatedSessionAsync()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(WebAddress, LiveHub.Path)).Build();
        await hub.StartAsync();
        return await hub.SessionWhenAsync(s => s.Cars.Count == 20 && s.Track.Length > 0, "the simulator's session", TimeSpan.FromSeconds(60));
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        Directory.Delete(RecordingDirectory, recursive: true);
        Directory.Delete(HistoryDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedStackCollection : ICollectionFixture<EmbeddedStackFixture>
{
    public const string Name = "embedded stack";
}
