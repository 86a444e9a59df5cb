using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Web.Tests;

/// <summary>At most 60 updates a second per car, the latest value winning, measured on a fake clock.</summary>
public class LiveCoalescerTests
{
    private readonly FakeTimeProvider _time = new();

    private (CarStateStore Store, LiveCoalescer Coalescer, List<CarState> Sent) Create()
    {
        var services = new ServiceCollection().AddLogging().AddSignalR().Services.BuildServiceProvider();
        var store = new CarStateStore(_time);
        var coalescer = new LiveCoalescer(store, services.GetRequiredService<IHubContext<LiveHub, ILiveClient>>(), new LiveSubscriptions(), _time, NullLogger<LiveCoalescer>.Instance);
        var sent = new List<CarState>();
        coalescer.CarUpdated += sent.Add;
        return (store, coalescer, sent);
    }

    [Fact]
    public async Task A_car_is_pushed_at_most_once_per_sixtieth_of_a_second_with_its_latest_state()
    {
        var (store, coalescer, sent) = Create();
        store.Apply(Frames.Telemetry("rig", 1, 0, 100));
        await coalescer.FlushAsync();
        Assert.Equal([100f], sent.Select(s => s.SpeedKph));

        // Three updates within the same 1/60 s: none goes out yet...
        for (var speed = 101; speed <= 103; speed++)
        {
            store.Apply(Frames.Telemetry("rig", 1, 0, speed));
            var wait = await coalescer.FlushAsync();
            Assert.True(wait <= LiveCoalescer.MinInterval && wait > TimeSpan.Zero);
        }

        Assert.Single(sent);

        // ...and once due, only the latest does.
        _time.Advance(LiveCoalescer.MinInterval);
        await coalescer.FlushAsync();
        Assert.Equal([100f, 103f], sent.Select(s => s.SpeedKph));
    }

    [Fact]
    public async Task Cars_are_limited_independently()
    {
        var (store, coalescer, sent) = Create();
        store.Apply(Frames.Telemetry("rig", 1, 0, 100));
        await coalescer.FlushAsync();
        store.Apply(Frames.Telemetry("rig", 1, 1, 200));
        store.Apply(Frames.Telemetry("rig", 1, 0, 101));
        await coalescer.FlushAsync();
        // Car 1 was never sent, so it goes at once; car 0 waits for its interval.
        Assert.Equal([(0, 100f), (1, 200f)], sent.Select(s => (s.CarIndex, s.SpeedKph)));
    }

    [Fact]
    public async Task Session_list_changes_are_announced()
    {
        var (store, coalescer, _) = Create();
        var announced = new List<IReadOnlyList<SessionSummary>>();
        coalescer.SessionsUpdated += announced.Add;
        store.Apply(Frames.Session("rig", 1, 0, "Spa"));
        await coalescer.FlushAsync();
        await coalescer.FlushAsync();
        Assert.Single(announced);
        Assert.Equal("Spa", announced[0].Single().Track);
    }

    [Fact]
    public async Task A_client_that_has_not_taken_its_last_update_is_skipped_not_waited_for_and_then_gets_the_latest()
    {
        var store = new CarStateStore(_time);
        var hub = new RecordingHubContext();
        var subscriptions = new LiveSubscriptions();
        var coalescer = new LiveCoalescer(store, hub, subscriptions, _time, NullLogger<LiveCoalescer>.Instance);
        var car = new CarKey(SessionKeys.For("rig", 1), 0);
        subscriptions.Add("slow", car);
        subscriptions.Add("fast", car);
        hub.Stall("slow");

        for (var speed = 100; speed < 110; speed++)
        {
            store.Apply(Frames.Telemetry("rig", 1, 0, speed));
            var flush = coalescer.FlushAsync();
            Assert.True(flush.IsCompleted, "a stalled client must not hold up the flush");
            await flush;
            _time.Advance(LiveCoalescer.MinInterval);
        }

        Assert.Equal(Enumerable.Range(100, 10).Select(s => (float)s), hub.Sent("fast").Select(s => s.SpeedKph));
        Assert.Equal([100f], hub.Sent("slow").Select(s => s.SpeedKph)); // only the one it is stuck on
        Assert.Equal(9, coalescer.SkippedForSlowClients);

        // Once it takes that one, it gets the latest state, not the nine it missed.
        hub.Release("slow");
        await coalescer.FlushAsync();
        Assert.Equal([100f, 109f], hub.Sent("slow").Select(s => s.SpeedKph));
    }

    /// <summary>A typed hub context whose connections take sends at once, or stall until released.</summary>
    private sealed class RecordingHubContext : IHubContext<LiveHub, ILiveClient>, IHubClients<ILiveClient>
    {
        private readonly Dictionary<string, List<CarState>> _sent = [];
        private readonly Dictionary<string, TaskCompletionSource> _stalled = [];

        public IHubClients<ILiveClient> Clients => this;

        public IGroupManager Groups => throw new NotSupportedException();

        public List<CarState> Sent(string connection) => _sent.GetValueOrDefault(connection) ?? [];

        public void Stall(string connection) => _stalled[connection] = new TaskCompletionSource();

        public void Release(string connection)
        {
            _stalled.Remove(connection, out var stalled);
            stalled!.SetResult();
        }

        public ILiveClient Client(string connectionId) => new Proxy(this, connectionId);

        public ILiveClient All => throw new NotSupportedException();

        public ILiveClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        ILiveClient IHubClients<ILiveClient>.Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public ILiveClient Group(string groupName) => new Proxy(this, null);

        public ILiveClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        ILiveClient IHubClients<ILiveClient>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public ILiveClient User(string userId) => throw new NotSupportedException();

        public ILiveClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        private sealed class Proxy(RecordingHubContext context, string? connection) : ILiveClient
        {
            public Task CarState(CarState state)
            {
                (context._sent.TryGetValue(connection!, out var list) ? list : context._sent[connection!] = []).Add(state);
                return context._stalled.TryGetValue(connection!, out var stalled) ? stalled.Task : Task.CompletedTask;
            }

            public Task Sessions(IReadOnlyList<SessionSummary> sessions) => Task.CompletedTask; // session lists to the group
        }
    }
}
