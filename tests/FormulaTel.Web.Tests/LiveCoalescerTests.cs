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
        var coalescer = new LiveCoalescer(store, services.GetRequiredService<IHubContext<LiveHub>>(), _time, NullLogger<LiveCoalescer>.Instance);
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
}
