using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// The live SignalR hub at /hubs/live (docs/live-hub.md). Clients list sessions, subscribe to cars, and receive
/// what <see cref="ILiveClient"/> names: "CarState" for each subscribed car at most 60 times a second, and
/// "Sessions" (the session list) whenever it changes.
/// </summary>
/// <remarks>
/// Anyone who can reach web can call the hub, so a call may only follow a car web already holds, a connection follows
/// a bounded number of cars, and calls are rate limited (<see cref="LiveHubRateFilter"/>); each refusal is a hub error
/// the client can read, counted by <see cref="LiveHubLimits"/>.
/// </remarks>
public sealed class LiveHub(CarStateStore store, LiveSubscriptions subscriptions, IFrameFeed feed, LiveHubLimits limits) : Hub<ILiveClient>
{
    public const string Path = "/hubs/live";
    public const string CarStateMethod = nameof(ILiveClient.CarState);
    public const string SessionsMethod = nameof(ILiveClient.Sessions);
    public const string AllSessionsGroup = "sessions";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AllSessionsGroup);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Live sessions, most recently started first.</summary>
    public IReadOnlyList<SessionSummary> GetSessions() => store.Sessions();

    /// <summary>
    /// Starts the updates of a car of a live session (from GetSessions), once its full-rate feed is open (a moment at
    /// most); returns its current state, if any.
    /// </summary>
    public async Task<CarState?> Subscribe(string sessionKey, int carIndex)
    {
        if (string.IsNullOrEmpty(sessionKey) || sessionKey.Length > LiveHubLimits.MaxSessionKeyLength || carIndex is < 0 or > 63)
        {
            throw limits.Refuse("bad_request", "Subscribe needs a session key from GetSessions and a car index 0..63.");
        }

        var key = new CarKey(sessionKey, carIndex);
        if (!store.Knows(key))
        {
            throw store.Identity(sessionKey) is null
                ? limits.Refuse("unknown_session", "No live session has that key; take one from GetSessions (sessions end two minutes after their last frame).")
                : limits.Refuse("unknown_car", $"Session {sessionKey} has no car {carIndex}; GetSessions lists its cars.");
        }

        switch (subscriptions.Add(Context.ConnectionId, key))
        {
            case LiveSubscriptions.Result.ConnectionCap:
                throw limits.Refuse("connection_cap", $"This connection already follows {limits.MaxSubscriptionsPerConnection} cars (Web:Hub:MaxSubscriptionsPerConnection); unsubscribe from one first.");
            case LiveSubscriptions.Result.WatchCap:
                throw limits.Refuse("watch_cap", "Web is already following as many cars as it is set to (Web:MaxWatchedCars); unsubscribe from one first.");
        }

        await feed.FollowingAsync(key, TimeSpan.FromSeconds(2));
        return store.Get(key);
    }

    public void Unsubscribe(string sessionKey, int carIndex) =>
        subscriptions.Remove(Context.ConnectionId, new CarKey(sessionKey, carIndex));
}
