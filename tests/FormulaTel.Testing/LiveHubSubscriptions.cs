using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace FormulaTel.Testing;

/// <summary>The hub follows only cars web already holds: a test that sends a car's first frames subscribes once they arrive.</summary>
public static class LiveHubSubscriptions
{
    /// <summary>Subscribes as soon as web holds the car; retries ten times a second (well inside the hub's call rate).</summary>
    public static async Task<CarState?> SubscribeWhenLiveAsync(this HubConnection hub, string sessionKey, int carIndex, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
        while (true)
        {
            try
            {
                return await hub.InvokeAsync<CarState?>("Subscribe", sessionKey, carIndex);
            }
            catch (HubException e) when (IsNotLiveYet(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// The first session from GetSessions that <paramref name="match"/> takes, asked ten times a second (well inside
    /// the hub's call rate) until one does or the timeout passes.
    /// </summary>
    public static async Task<SessionSummary> SessionWhenAsync(this HubConnection hub, Func<SessionSummary, bool> match, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if ((await hub.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).FirstOrDefault(match) is { } session)
            {
                return session;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    private static bool IsNotLiveYet(HubException e) =>
        e.Message.Contains("No live session", StringComparison.Ordinal) || e.Message.Contains("has no car", StringComparison.Ordinal);
}
