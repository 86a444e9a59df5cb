using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// Caps each hub connection's calls (Web:Hub:InvocationsPerSecond, bursts to Web:Hub:InvocationBurst) with a token
/// bucket of its own, made when it connects and disposed when it leaves. A call over the cap gets a hub error and is
/// counted; the connection stays open.
/// </summary>
public sealed class LiveHubRateFilter(LiveHubLimits limits) : IHubFilter
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new();

    /// <summary>Connections holding a bucket (one per open connection).</summary>
    public int Buckets => _buckets.Count;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var bucket = _buckets.GetOrAdd(invocationContext.Context.ConnectionId, _ => NewBucket());
        using var lease = bucket.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            throw limits.Refuse("rate_limited", $"Too many calls: at most {limits.InvocationsPerSecond} a second per connection (Web:Hub:InvocationsPerSecond).");
        }

        return await next(invocationContext);
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _buckets.TryAdd(context.Context.ConnectionId, NewBucket());
        return next(context);
    }

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
