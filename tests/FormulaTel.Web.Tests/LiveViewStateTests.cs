using FormulaTel.Protos.V1;
using FormulaTel.Web.Live;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Web.Tests;

/// <summary>What the store works out for the full live view: sectors and bests, lap traces and delta, the map, events.</summary>
public class LiveViewStateTests
{
    private const float LapLength = 1000;
    private readonly FakeTimeProvider _time = new();
    private readonly CarStateStore _store;
    private readonly CarKey _car = new(SessionKeys.For("rig", 1), 0);

    public LiveViewStateTests()
    {
        _store = new CarStateStore(_time);
        _store.Apply(new TelemetryFrame { Envelope = Frames.Envelope("rig", 1, 0, player: true), Session = new Session { Track = "Test", TrackLengthM = LapLength, TotalLaps = 10 } });
    }

    private void Lap(uint lap, float distance, uint currentMs, uint lastMs = 0, uint s1 = 0, uint s2 = 0) =>
        _store.Apply(new TelemetryFrame
        {
            Envelope = Frames.Envelope("rig", 1, 0, player: true),
            Lap = new LapData { LapNumber = lap, LapDistanceM = distance, CurrentLapTimeMs = currentMs, LastLapTimeMs = lastMs, Sector1TimeMs = s1, Sector2TimeMs = s2, Position = 1 },
        });

    private void Telemetry(float speed) =>
        _store.Apply(new TelemetryFrame { Envelope = Frames.Envelope("rig", 1, 0, player: true), CarTelemetry = new CarTelemetry { SpeedKph = speed, Throttle = 1 } });

    private void Motion(float x, float z) =>
        _store.Apply(new TelemetryFrame { Envelope = Frames.Envelope("rig", 1, 0, player: true), Motion = new Motion { WorldPositionXM = x, WorldPositionZM = z } });

    /// <summary>Drives a lap of <paramref name="lapMs"/> at even pace, sampling every 2 m (60 Hz at 120 m/s).</summary>
    private void DriveLap(uint lap, uint lapMs, uint previousLapMs, uint s1, uint s2)
    {
        for (var d = 0f; d < LapLength; d += 2)
        {
            var t = (uint)(d / LapLength * lapMs);
            Lap(lap, d, t, previousLapMs, d > 333 ? s1 : 0, d > 666 ? s2 : 0);
            Telemetry(200 + d / 10);
            var angle = d / LapLength * 2 * Math.PI;
            Motion((float)(500 * Math.Cos(angle)), (float)(300 * Math.Sin(angle)));
        }
    }

    [Fact]
    public void A_completed_lap_gives_last_sectors_and_personal_bests_and_the_best_trace_gives_a_delta()
    {
        DriveLap(1, 90_000, 0, 30_000, 31_000);
        Lap(2, 1, 10, lastMs: 90_000, s1: 0, s2: 0);
        var state = _store.Get(_car)!;
        Assert.Equal((30_000u, 31_000u, 29_000u), (state.LastSector1Ms, state.LastSector2Ms, state.LastSector3Ms));
        Assert.Equal((90_000u, 30_000u, 31_000u, 29_000u), (state.BestLapTimeMs, state.BestSector1Ms, state.BestSector2Ms, state.BestSector3Ms));

        // Lap 2, one second up on the best lap at half distance.
        DriveLap(2, 88_000, 90_000, 29_500, 31_500);
        Lap(3, 1, 10, lastMs: 88_000);
        state = _store.Get(_car)!;
        Assert.Equal(88_000u, state.BestLapTimeMs);
        Assert.Equal((29_500u, 31_000u, 27_000u), (state.BestSector1Ms, state.BestSector2Ms, state.BestSector3Ms)); // each sector's own best

        var (current, best) = _store.Traces(_car);
        Assert.Equal(2u, best!.LapNumber);
        Assert.Equal(88_000u, best.LapTimeMs);
        Assert.InRange(best.Points.Count, 95, 101); // every 10 m
        Assert.Equal(3u, current!.LapNumber);

        Lap(3, 500, 43_000);
        Assert.Equal(-1_000, _store.Get(_car)!.DeltaToBestMs); // 44 s at 500 m on the best lap
    }

    [Fact]
    public void The_map_outline_is_learned_from_where_the_cars_drive()
    {
        Assert.Empty(_store.View(_car.SessionKey)!.Outline);
        DriveLap(1, 90_000, 0, 30_000, 31_000);
        var outline = _store.View(_car.SessionKey)!.Outline;
        Assert.Equal(TrackOutline.Bins + 1, outline.Count); // closed: the first point again
        Assert.All(outline, p => Assert.InRange(p.X * p.X / (500 * 500) + p.Z * p.Z / (300 * 300), 0.95, 1.05)); // on the ellipse driven
        Assert.Equal(outline[0], outline[^1]);
    }

    [Fact]
    public void Events_become_ticker_lines_newest_first_with_driver_names()
    {
        _store.Apply(Frames.Participant("rig", 1, 0, "NORRIS", player: true));
        _store.Apply(Frames.Participant("rig", 1, 4, "PIASTRI"));
        void Event(uint car, RaceEvent e) => _store.Apply(new TelemetryFrame { Envelope = Frames.Envelope("rig", 1, car), Event = e });
        Event(0, new RaceEvent { Kind = RaceEventKind.RaceEventFastestLap, LapTimeS = 81.046f });
        Event(0, new RaceEvent { Kind = RaceEventKind.RaceEventOvertake, OtherCar = 4 });
        Event(4, new RaceEvent { Kind = RaceEventKind.RaceEventPenalty, TimeS = 5 });
        Event(0, new RaceEvent { Kind = RaceEventKind.RaceEventButtons }); // not for the ticker
        Event(0, new RaceEvent { Kind = RaceEventKind.RaceEventSafetyCar, SafetyCarType = 2, SafetyCarEvent = 0 });

        Assert.Equal(
            ["Virtual safety car deployed", "Penalty: PIASTRI, 5 s", "NORRIS overtakes PIASTRI", "Fastest lap: NORRIS 1:21.046"],
            _store.View(_car.SessionKey)!.Events.Select(e => e.Text));

        for (var i = 0; i < 30; i++)
        {
            Event(0, new RaceEvent { Kind = RaceEventKind.RaceEventOvertake, OtherCar = 4 });
        }

        Assert.Equal(CarStateStore.MaxEvents, _store.View(_car.SessionKey)!.Events.Count);
    }

    [Fact]
    public void Status_damage_and_the_session_fill_the_car_and_header()
    {
        _store.Apply(new TelemetryFrame
        {
            Envelope = Frames.Envelope("rig", 1, 0, player: true),
            CarTelemetry = new CarTelemetry { TyreSurfaceTemperatureC = new Wheels { RearLeft = 90, RearRight = 91, FrontLeft = 92, FrontRight = 93 }, TyrePressurePsi = new Wheels { FrontLeft = 23 } },
        });
        _store.Apply(new TelemetryFrame { Envelope = Frames.Envelope("rig", 1, 0, player: true), CarDamage = new CarDamage { TyreWear = new Wheels { RearLeft = 0.1f, FrontRight = 0.4f } } });
        _store.Apply(new TelemetryFrame
        {
            Envelope = Frames.Envelope("rig", 1, 0, player: true),
            CarStatus = new CarStatus { FuelInTankKg = 50, ErsDeployMode = ErsDeployMode.Overtake, VisualTyreCompound = TyreCompound.Soft, ActualTyreCompound = "C5", TyreAgeLaps = 3, DrsAllowed = true },
        });
        _store.Apply(new TelemetryFrame
        {
            Envelope = Frames.Envelope("rig", 1, 0, player: true),
            Session = new Session { Track = "Spa", Weather = Weather.LightRain, SafetyCarStatus = SafetyCarStatus.SafetyCarFull, WeatherForecast = { new WeatherForecast { TimeOffsetMin = 5, Weather = Weather.HeavyRain, RainProbability = 0.7f } } },
        });

        var state = _store.Get(_car)!;
        Assert.Equal((90f, 0.1f), (state.Tyres![0].SurfaceC, state.Tyres[0].Wear));
        Assert.Equal((93f, 0.4f, 23f), (state.Tyres[3].SurfaceC, state.Tyres[3].Wear, state.Tyres[2].PressurePsi));
        Assert.Equal(("Overtake", "Soft", "C5", 3u, true), (state.ErsDeployMode, state.TyreCompound, state.TyreCompoundActual, state.TyreAgeLaps, state.DrsAllowed));
        var info = _store.View(_car.SessionKey)!.Info;
        Assert.Equal(("Spa", "Light rain", "SC"), (info.Track, info.Weather, info.SafetyCar));
        Assert.Equal("Heavy rain", Assert.Single(info.Forecast).Weather);
    }

    [Fact]
    public void A_sessions_url_slug_is_stable_unescaped_and_distinct_per_source()
    {
        var a = SessionKeys.Slug(SessionKeys.For("192.168.1.20:51234", 7563322787381458285));
        Assert.Equal(a, SessionKeys.Slug(SessionKeys.For("192.168.1.20:51234", 7563322787381458285)));
        Assert.Matches("^7563322787381458285-[0-9a-f]{8}$", a);
        Assert.NotEqual(a, SessionKeys.Slug(SessionKeys.For("192.168.1.21:51234", 7563322787381458285)));
        Assert.Equal(Uri.EscapeDataString(a), a);
    }
}
