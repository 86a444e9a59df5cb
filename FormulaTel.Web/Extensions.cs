using FormulaTel.ServiceDefaults;
using FormulaTel.Protos.V1;
using FormulaTel.Web.Live;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Radzen;

namespace FormulaTel.Web;

/// <summary>Web's wiring, in one place.</summary>
public static class Extensions
{
    /// <summary>The rate limiter policy on the hub's endpoint: new connections a minute per address.</summary>
    public const string LiveHubConnectPolicy = "live-hub-connect";

    public static IHostApplicationBuilder AddWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // The hub is open to the LAN: small messages, one call at a time per client, and each client's call rate
        // capped (LiveHubRateFilter); new connections per address are rate limited at the endpoint (MapWeb).
        builder.Services.AddSingleton(sp => new LiveHubLimits(builder.Configuration, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.AddSingleton<LiveHubRateFilter>();
        builder.Logging.AddFilter(LiveHubRateFilter.DispatcherLogCategory, LogLevel.Critical);
        builder.Services.AddSignalR(hub =>
        {
            hub.MaximumParallelInvocationsPerClient = 1;
            hub.StreamBufferCapacity = 4;
            hub.EnableDetailedErrors = false;
            hub.AddFilter<LiveHubRateFilter>();
        });
        builder.Services.AddOptions<HubOptions>().Configure<LiveHubLimits>((hub, limits) => hub.MaximumReceiveMessageSize = limits.MaxMessageBytes);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LiveHubConnectPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<LiveHubLimits>().ConnectsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<LiveHubLimits>().Count("connect_rate");
                return ValueTask.CompletedTask;
            };
        });
        builder.Services.AddRadzenComponents();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CarStateStore>();
        builder.Services.AddSingleton<WatchedCars>();
        builder.Services.AddSingleton(sp => new LiveSubscriptions(sp.GetRequiredService<WatchedCars>(), sp.GetRequiredService<LiveHubLimits>().MaxSubscriptionsPerConnection));
        builder.Services.AddSingleton<LiveCoalescer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveCoalescer>());

        // rpc's gRPC endpoint; "_grpc.rpc" is the endpoint named grpc of the resource rpc (service discovery).
        var rpcAddress = builder.Configuration["Web:RpcAddress"] ?? "http://_grpc.rpc";
        builder.Services.AddStreamingGrpcClient<TelemetryGateway.TelemetryGatewayClient>(rpcAddress).WithRpcKey(builder.Configuration);
        // The feed: Kafka when a connection string names the brokers (full stack), rpc's watch stream otherwise.
        // Kafka down: the page still serves (degraded), so it is not a reason to take web out of service.
        if (builder.AddKafkaClients(failureStatus: HealthStatus.Degraded))
        {
            builder.Services.AddSingleton<KafkaFeed>();
            builder.Services.AddSingleton<IFrameFeed>(sp => sp.GetRequiredService<KafkaFeed>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaFeed>());
        }
        else
        {
            builder.Services.AddSingleton<RpcWatchFeed>();
            builder.Services.AddSingleton<IFrameFeed>(sp => sp.GetRequiredService<RpcWatchFeed>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RpcWatchFeed>());
        }

        // The session pages read the history service's API ("http://history" through service discovery).
        builder.Services.AddHttpClient<FormulaTel.Web.History.HistoryClient>(http =>
            http.BaseAddress = new Uri(builder.Configuration["Web:HistoryAddress"] ?? "http://history"));

        builder.Services.AddHealthChecks().AddCheck<FeedHealthCheck>("feed");
        return builder;
    }

    public static WebApplication MapWeb(this WebApplication app)
    {
        var hubLimits = app.Services.GetRequiredService<LiveHubLimits>();
        app.UseStaticFiles();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapHub<LiveHub>(LiveHub.Path, connection =>
        {
            // What web buffers per connection, each way: a few messages' worth, not the 64 KB default.
            connection.ApplicationMaxBufferSize = 4 * hubLimits.MaxMessageBytes;
            connection.TransportMaxBufferSize = 64 * 1024;
        }).RequireRateLimiting(LiveHubConnectPolicy);
        // History's API through web, for the session pages' downloads (history is not exposed by itself).
        app.MapGet("/history/api/{**path}", (string path, HttpContext context, FormulaTel.Web.History.HistoryClient history) =>
            history.ForwardAsync("/api/" + path + context.Request.QueryString, context));
        app.MapGet("/stats", (IFrameFeed feed, CarStateStore store, LiveHubLimits hub) =>
            new WebStats(feed.Description, feed.Connected, feed.FramesReceived, store.Sessions().Count, store.SessionsEvicted, hub.Refused));
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        return app;
    }
}

/// <summary>Degraded (not unhealthy: the page still serves) while the feed is down.</summary>
internal sealed class FeedHealthCheck(IFrameFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.Connected
            ? HealthCheckResult.Healthy($"reading {feed.Description}; {feed.FramesReceived} frames received")
            : HealthCheckResult.Degraded($"not connected to {feed.Description}; retrying"));
}

/// <summary>Web's running totals (GET /stats): what its feed took in and the sessions it holds.</summary>
public sealed record WebStats(string Feed, bool Connected, long FramesReceived, int Sessions, long SessionsEvicted, long HubCallsRefused);
