using FormulaTel.Web.Live;
using Microsoft.Extensions.Configuration;

namespace FormulaTel.Web.Tests;

public class WatchedCarsTests
{
    private static WatchedCars Capped(int max) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Web:MaxWatchedCars"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Build());

    [Fact]
    public void A_car_is_watched_while_any_handle_on_it_lives_and_changes_are_raised_on_the_first_and_last()
    {
        var watched = new WatchedCars();
        var changes = 0;
        watched.Changed += () => changes++;
        var car = new CarKey("s", 1);

        var page = watched.Watch(car)!;
        var hub = watched.Watch(car)!;
        Assert.Equal((true, 1), (watched.IsWatched(car), changes));
        page.Dispose();
        page.Dispose(); // twice is once
        Assert.Equal((true, 1), (watched.IsWatched(car), changes));
        hub.Dispose();
        Assert.Equal((false, 2), (watched.IsWatched(car), changes));
        Assert.Empty(watched.Cars());
    }

    [Fact]
    public void Past_the_cap_a_new_car_is_refused_and_counted_until_one_is_let_go()
    {
        var watched = Capped(2);
        var first = watched.Watch(new CarKey("s", 0))!;
        Assert.NotNull(watched.Watch(new CarKey("s", 1)));
        Assert.NotNull(watched.Watch(new CarKey("s", 1))); // a car already watched is never refused

        Assert.Null(watched.Watch(new CarKey("s", 2)));
        Assert.Equal(1, watched.Refused);
        first.Dispose();
        Assert.NotNull(watched.Watch(new CarKey("s", 2)));
    }

    [Fact]
    public void Hub_subscriptions_hold_a_watch_per_car_and_give_it_back_on_unsubscribe_or_disconnect()
    {
        var watched = Capped(1);
        var subscriptions = new LiveSubscriptions(watched);
        var car = new CarKey("s", 4);
        Assert.Equal(LiveSubscriptions.Result.Added, subscriptions.Add("a", car));
        Assert.Equal(LiveSubscriptions.Result.Added, subscriptions.Add("b", car));
        Assert.Equal(LiveSubscriptions.Result.WatchCap, subscriptions.Add("a", new CarKey("s", 5)));

        subscriptions.Remove("a", car);
        Assert.True(watched.IsWatched(car));
        subscriptions.RemoveConnection("b");
        Assert.False(watched.IsWatched(car));
        // "a" follows nothing now, so nothing is kept for it.
        Assert.Equal((0, 0), (subscriptions.Cars, subscriptions.Connections));
        subscriptions.RemoveConnection("a");
        Assert.Equal((0, 0), (subscriptions.Cars, subscriptions.Connections));
    }
}
