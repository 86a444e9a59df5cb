using FormulaTel.Games.Forza;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>Forza sends no session id: sessions are derived per source from IsRaceOn, the game's clock and silence.</summary>
public sealed class ForzaSessionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_steady_stream_is_one_session_numbered_from_zero()
    {
        var sessions = new ForzaSessions();
        var first = sessions.ObserveRacing("a", 1000, 0f, 1, Start);
        var second = sessions.ObserveRacing("a", 1016, 0.016f, 1, Start.AddMilliseconds(16));
        Assert.True(first.IsNew);
        Assert.False(second.IsNew);
        Assert.Equal(first.SessionUid, second.SessionUid);
        Assert.Equal((0u, 1u), (first.FrameId, second.FrameId));
        Assert.Equal(0.016, second.SessionTimeS, 6);
    }

    [Fact]
    public void Racing_again_after_the_menus_is_a_new_session_but_a_resumed_race_is_not()
    {
        var sessions = new ForzaSessions();
        var race = sessions.ObserveRacing("a", 1000, 30f, 1, Start);
        sessions.ObserveNotRacing("a", 1100, Start.AddMilliseconds(100)); // paused
        var resumed = sessions.ObserveRacing("a", 1200, 30.1f, 1, Start.AddMilliseconds(200));
        Assert.Equal(race.SessionUid, resumed.SessionUid);

        sessions.ObserveNotRacing("a", 1300, Start.AddMilliseconds(300)); // back to the menus
        var next = sessions.ObserveRacing("a", 1400, 0f, 1, Start.AddMilliseconds(400)); // a new race's clock
        Assert.True(next.IsNew);
        Assert.NotEqual(race.SessionUid, next.SessionUid);

        sessions.ObserveNotRacing("a", 1500, Start.AddMilliseconds(500));
        var sled = sessions.ObserveRacing("a", 1600, null, 1, Start.AddMilliseconds(600)); // Sled: no race clock to tell
        Assert.True(sled.IsNew);
    }

    [Fact]
    public void A_clock_that_runs_backwards_or_jumps_or_a_silent_source_starts_a_new_session()
    {
        var sessions = new ForzaSessions(gap: TimeSpan.FromSeconds(5));
        var first = sessions.ObserveRacing("a", 50_000, null, 1, Start);
        var backwards = sessions.ObserveRacing("a", 40_000, null, 1, Start.AddMilliseconds(16));
        Assert.True(backwards.IsNew);
        var jumped = sessions.ObserveRacing("a", 46_000, null, 1, Start.AddMilliseconds(32));
        Assert.True(jumped.IsNew);
        var silent = sessions.ObserveRacing("a", 46_016, null, 1, Start.AddSeconds(6));
        Assert.True(silent.IsNew);
        Assert.Equal(4, new[] { first, backwards, jumped, silent }.Select(p => p.SessionUid).Distinct().Count());
    }

    [Fact]
    public void Sources_are_kept_apart_and_held_up_to_a_cap_the_oldest_making_room_counted()
    {
        var sessions = new ForzaSessions(maxSources: 3);
        var a = sessions.ObserveRacing("a", 1000, null, 1, Start);
        var b = sessions.ObserveRacing("b", 1000, null, 1, Start.AddSeconds(1));
        Assert.NotEqual(a.SessionUid, b.SessionUid);
        sessions.ObserveRacing("c", 1000, null, 1, Start.AddSeconds(2));
        sessions.ObserveRacing("d", 1000, null, 1, Start.AddSeconds(3));
        Assert.Equal(3, sessions.Sources);
        Assert.Equal(1, sessions.Evicted);
        // "a" was heard least recently: it was let go and comes back as a new session.
        Assert.True(sessions.ObserveRacing("a", 1016, null, 1, Start.AddSeconds(3)).IsNew);
        Assert.False(sessions.ObserveRacing("d", 1016, null, 1, Start.AddSeconds(3)).IsNew);
    }

    [Fact]
    public void The_same_datagrams_give_the_same_session_id()
    {
        Assert.Equal(ForzaSessions.SessionUid("a", 1000, 7), ForzaSessions.SessionUid("a", 1000, 7));
        Assert.NotEqual(ForzaSessions.SessionUid("a", 1000, 7), ForzaSessions.SessionUid("b", 1000, 7));
        Assert.NotEqual(ForzaSessions.SessionUid("a", 1000, 7), ForzaSessions.SessionUid("a", 1001, 7));
        Assert.NotEqual(0ul, ForzaSessions.SessionUid("", 0, 0));
    }

    [Fact]
    public void The_lap_distance_counts_from_where_the_lap_began()
    {
        var sessions = new ForzaSessions();
        Assert.Equal(0f, sessions.ObserveRacing("a", 1000, 10f, 1, Start, new(0, 500f)).LapDistanceM);
        Assert.Equal(250f, sessions.ObserveRacing("a", 1016, 10.1f, 1, Start, new(0, 750f)).LapDistanceM);
        Assert.Equal(0f, sessions.ObserveRacing("a", 1032, 10.2f, 1, Start, new(1, 5000f)).LapDistanceM); // a new lap
        Assert.Equal(100f, sessions.ObserveRacing("a", 1048, 10.3f, 1, Start, new(1, 5100f)).LapDistanceM);
    }
}
