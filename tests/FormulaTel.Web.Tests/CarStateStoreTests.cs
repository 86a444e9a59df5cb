using FormulaTel.Web.Live;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Web.Tests;

public class CarStateStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Telemetry_and_lap_frames_build_a_cars_state()
    {
        var store = new CarStateStore(_time);
        store.Apply(Frames.Telemetry("rig", 1, 3, 250));
        store.Apply(Frames.Lap("rig", 1, 3, lap: 4, position: 2));

        var state = store.Get(new CarKey(SessionKeys.For("rig", 1), 3))!;
        Assert.Equal(250, state.SpeedKph);
        Assert.Equal(11000u, state.EngineRpm);
        Assert.Equal(6, state.Gear);
        Assert.Equal(0.9f, state.Throttle);
        Assert.Equal(0.1f, state.Brake);
        Assert.Equal(4u, state.LapNumber);
        Assert.Equal(2u, state.Position);
        Assert.Equal(7u, state.FrameId);
        Assert.Equal([new CarKey(SessionKeys.For("rig", 1), 3)], store.TakeDirty());
        Assert.Empty(store.TakeDirty());
    }

    [Fact]
    public void Past_the_cap_the_session_heard_from_least_recently_gives_way_and_is_counted()
    {
        var store = new CarStateStore(_time, maxSessions: 3);
        for (ulong session = 1; session <= 3; session++)
        {
            store.Apply(Frames.Telemetry("rig", session, 0, 200));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Session 1 is heard from again; 2 is now the quietest, then 3.
        store.Apply(Frames.Telemetry("rig", 1, 0, 210));
        store.Apply(Frames.Telemetry("rig", 4, 0, 220));
        _time.Advance(TimeSpan.FromSeconds(1));
        store.Apply(Frames.Telemetry("rig", 5, 0, 230));

        Assert.Equal(["rig/1", "rig/4", "rig/5"], store.Sessions().Select(s => s.SessionKey).Order());
        Assert.Equal(2, store.SessionsEvicted);
        Assert.Null(store.Get(new CarKey(SessionKeys.For("rig", 2), 0)));
    }

    [Fact]
    public void Sessions_list_names_tracks_and_the_player_and_default_to_the_newest()
    {
        var store = new CarStateStore(_time);
        store.Apply(Frames.Session("sim", 10, 0, "Silverstone"));
        store.Apply(Frames.Participant("sim", 10, 0, "NORRIS", player: true));
        store.Apply(Frames.Participant("sim", 10, 1, "PIASTRI"));
        _time.Advance(TimeSpan.FromSeconds(5));
        store.Apply(Frames.Session("game", 20, 7, "Monza"));
        store.Apply(Frames.Telemetry("game", 20, 7, 300, player: true));

        var sessions = store.Sessions();
        Assert.Equal(["Monza", "Silverstone"], sessions.Select(s => s.Track));
        Assert.Equal(7, sessions[0].PlayerCarIndex);
        Assert.Equal(["NORRIS", "PIASTRI"], sessions[1].Cars.Select(c => c.Name));
        Assert.True(sessions[1].Cars[0].IsPlayer);
        Assert.Equal("F1 23", sessions[0].Game);
        Assert.Equal(new CarKey(SessionKeys.For("game", 20), 7), store.DefaultCar());
    }

    [Fact]
    public void Sessions_not_heard_from_expire()
    {
        var store = new CarStateStore(_time);
        store.Apply(Frames.Telemetry("rig", 1, 0, 100));
        var version = store.SessionsVersion;
        _time.Advance(CarStateStore.SessionExpiry + TimeSpan.FromSeconds(1));
        Assert.Empty(store.Sessions());
        Assert.NotEqual(version, store.SessionsVersion);
        Assert.Null(store.DefaultCar());
    }

    [Fact]
    public void Frames_without_an_envelope_are_ignored()
    {
        var store = new CarStateStore(_time);
        store.Apply(new Protos.V1.TelemetryFrame { CarTelemetry = new() });
        Assert.Empty(store.Sessions());
    }
}
