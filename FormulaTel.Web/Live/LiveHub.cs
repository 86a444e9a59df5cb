using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// The live SignalR hub at /hubs/live (docs/live-hub.md). Clients list sessions, subscribe to cars, and receive
/// what <see cref="ILiveClient"/> names: "CarState" for each subscribed car at most 60 times a second, and
/// "Sessions" (the session list) whenever it changes.
/// </summary>
public sealed class LiveHub(CarStateStore store, LiveSubscriptions subscriptions, IFrameFeed feed) : Hub<ILiveClient>
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

    /// <summary>Starts the car's updates, once its full-rate feed is open (a moment at most); returns its current state, if any.</summary>
    public async Task<CarState?> Subscribe(string sessionKey, int carIndex)
    {
        if (string.IsNullOrEmpty(sessionKey) || carIndex is < 0 or > 63)
        {
            throw new HubException("Subscribe needs a session key from GetSessions and a car index 0..63.");
        }

        var key = new CarKey(sessionKey, carIndex);
        if (!subscriptions.Add(Context.ConnectionId, key))
        {
            throw new HubException("Web is already following as many cars as it is set to (Web:MaxWatchedCars); unsubscribe from one first.");
        }

        await feed.FollowingAsync(key, TimeSpan.FromSeconds(2));
        return store.Get(key);
    }

    public void Unsubscribe(string sessionKey, int carIndex) =>
        subscriptions.Remove(Context.ConnectionId, new CarKey(sessionKey, carIndex));
}
