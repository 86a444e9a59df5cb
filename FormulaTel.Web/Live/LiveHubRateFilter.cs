using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// Caps each hub connection's calls (Web:Hub:InvocationsPerSecond, bursts to Web:Hub:InvocationBurst) with a token
/// bucket of its own, made when it connects and disposed when it leaves. A call over the cap is counted and gets a
/// hub error once the bucket would have had room for it: a connection's calls run one at a time, so a client that
/// floods is held to the rate and costs web next to nothing, however fast it sends. The connection stays open.
/// One address holds at most Web:Hub:MaxConnectionsPerAddress connections; past it a new one is closed at once.
/// </summary>
/// <remarks>
/// SignalR logs every exception a hub method throws as an error; a refusal is an answer, counted rather than logged, so
/// its own log category is quiet (Extensions.AddWeb) and this filter logs what is not a refusal.
/// </remarks>
public sealed partial class LiveHubRateFilter(LiveHubLimits limits, ILogger<LiveHubRateFilter> logger) : IHubFilter
{
    /// <summary>The category SignalR logs a failed hub call in, once per call: quiet, since refusals are counted.</summary>
    public const string DispatcherLogCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new();
    private readonly ConcurrentDictionary<string, int> _perAddress = new();

    /// <summary>Connections holding a bucket (one per open connection).</summary>
    public int Buckets => _buckets.Count;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var bucket = _buckets.GetOrAdd(invocationContext.Context.ConnectionId, _ => NewBucket());
        using var lease = bucket.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            limits.Count("rate_limited");
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1.0 / limits.InvocationsPerSecond);
            await Task.Delay(wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1), invocationContext.Context.ConnectionAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new HubException($"Too many calls: at most {limits.InvocationsPerSecond} a second per connection (Web:Hub:InvocationsPerSecond).");
        }

        try
        {
            return await next(invocationContext);
        }
        catch (Exception e) when (e is not HubException and not OperationCanceledException)
        {
            LogCallFailed(logger, invocationContext.HubMethodName, e);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private static partial void LogCallFailed(ILogger logger, string method, Exception exception);

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var address = Address(context.Context);
        if (_perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > limits.MaxConnectionsPerAddress)
        {
            limits.Count("address_cap");
            context.Context.Abort();
            return Task.CompletedTask;
        }

        _buckets.TryAdd(context.Context.ConnectionId, NewBucket());
        return next(context);
    }

    private static string Address(HubCallerContext context) =>
        context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            if (_buckets.TryRemove(context.Context.ConnectionId, out var bucket))
            {
                bucket.Dispose();
            }

            // Given back for every connection counted, admitted or not; nothing kept for an address with none.
            var address = Address(context.Context);
            if (_perAddress.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0)
            {
                _perAddress.TryRemove(new KeyValuePair<string, int>(address, 0));
            }
        }
    }

    private TokenBucketRateLimiter NewBucket() => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = limits.InvocationBurst,
        TokensPerPeriod = limits.InvocationsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
