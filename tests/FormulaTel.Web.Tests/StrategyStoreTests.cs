using FormulaTel.Protos.V1;
using FormulaTel.Web.Live;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Web.Tests;

/// <summary>Spec frames lap after lap become the strategy's samples: wear, fuel, tyre age, and laps behind the safety car or through the pits.</summary>
public sealed class StrategyStoreTests
{
    private readonly CarStateStore _store = new(new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    private readonly CarKey _car = new(SessionKeys.For("rig", 9), 0);

    private void Session(SafetyCarStatus safetyCar = SafetyCarStatus.SafetyCarNone) => _store.Apply(new TelemetryFrame
    {
        Envelope = Frames.Envelope("rig", 9, 0, player: true),
        Session = new Session { Track = "Monza", TotalLaps = 40, SafetyCarStatus = safetyCar },
    });

    /// <summary>
    /// A lap as the game sends it: the lap data as it begins (which finishes the one before), then, as it is driven,
    /// the wear, fuel and tyre age it ends with.
    /// </summary>
    private void Drive(uint lap, double wear, float fuel, uint age, PitStatus pit = PitStatus.None)
    {
        var envelope = Frames.Envelope("rig", 9, 0, player: true);
        var w = (float)wear;
        _store.Apply(new TelemetryFrame { Envelope = envelope, Lap = new LapData { LapNumber = lap, LastLapTimeMs = lap > 1 ? 90_000u : 0, PitStatus = pit } });
        _store.Apply(new TelemetryFrame { Envelope = envelope, CarTelemetry = new CarTelemetry { SpeedKph = 280 } });
        _store.Apply(new TelemetryFrame { Envelope = envelope, CarDamage = new CarDamage { TyreWear = new Wheels { RearLeft = w, RearRight = w, FrontLeft = w * 0.8f, FrontRight = w * 0.8f } } });
        _store.Apply(new TelemetryFrame { Envelope = envelope, CarStatus = new CarStatus { FuelInTankKg = fuel, TyreAgeLaps = age } });
    }

    [Fact]
    public void Finished_laps_become_estimates_for_the_car()
    {
        Session();
        Assert.Null(_store.Strategy(_car));
        for (uint lap = 1; lap <= 9; lap++)
        {
            Drive(lap, 0.021 * lap, 100 - 1.5f * lap, lap);
        }

        // Laps 1–8 finished (lap 9 under way).
        var view = _store.Strategy(_car)!;
        Assert.Equal((8, 40, 8), (view.LapsDone, view.TotalLaps, view.StintLaps));
        Assert.Equal(0.021, view.Tyres[0].WearPerLap, 3);
        Assert.Equal(34, view.Tyres[0].ReachesLimit.Lap); // 16.8 % after lap 8, 2.1 %/lap: 70 % during lap 34
        Assert.Equal(1.5, view.Fuel!.KgPerLap, 3);
        Assert.NotNull(view.PitWindow);

        // The player's car: the ticker says when the window opens, once.
        var events = _store.View(_car.SessionKey)!.Events.Where(e => e.Kind == "Strategy").ToList();
        Assert.Matches(@"^Box window opens lap \d+$", Assert.Single(events, e => e.Text.StartsWith("Box window", StringComparison.Ordinal)).Text);
    }

    [Fact]
    public void The_timing_tower_gets_each_cars_laps_until_its_first_tyre_is_at_the_limit()
    {
        Session();
        for (uint lap = 1; lap <= 9; lap++)
        {
            Drive(lap, 0.021 * lap, 100 - 1.5f * lap, lap);
        }

        // 70 % during lap 34, eight laps finished: 26 to go.
        var outlook = _store.TyreOutlooks(_car.SessionKey)[0];
        Assert.Equal(26, outlook.LapsLeft);
        Assert.InRange(26, outlook.AtLeast, outlook.AtMost);
        Assert.Empty(_store.TyreOutlooks(SessionKeys.For("rig", 10)));
    }

    [Fact]
    public void The_ticker_calls_a_tyre_a_few_laps_before_the_limit()
    {
        Session();
        // 7 %/lap: 70 % during lap 11; called once it is three laps away (after lap 8).
        for (uint lap = 1; lap <= 9; lap++)
        {
            Drive(lap, 0.07 * lap - 0.001, 100 - 1.5f * lap, lap);
        }

        var events = _store.View(_car.SessionKey)!.Events.Where(e => e.Kind == "Strategy").Select(e => e.Text).ToList();
        Assert.Contains("RL reaches 70 % in 3 laps", events);
        Assert.Single(events, e => e.StartsWith("RL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stop_starts_a_new_stint_and_a_safety_car_lap_is_marked()
    {
        Session();
        for (uint lap = 1; lap <= 6; lap++)
        {
            Drive(lap, 0.02 * lap, 100 - 1.5f * lap, lap, pit: lap == 6 ? PitStatus.Pitting : PitStatus.None);
        }

        // Fresh tyres from lap 7; a safety car out during lap 9.
        for (uint lap = 7; lap <= 11; lap++)
        {
            Session(lap == 9 ? SafetyCarStatus.SafetyCarFull : SafetyCarStatus.SafetyCarNone);
            Drive(lap, 0.02 * (lap - 6), 100 - 1.5f * lap, lap - 6);
        }

        var view = _store.Strategy(_car)!;
        Assert.Equal(4, view.StintLaps); // laps 7–10 finished on the new set
        Assert.InRange(view.Tyres[0].WearPerLap, 0.015, 0.025);
    }
}
