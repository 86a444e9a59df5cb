using FormulaTel.Insights;

namespace FormulaTel.Insights.Tests;

public sealed class FuelAndPitWindowTests
{
    private static readonly double[] Rates = [0.022, 0.022, 0.018, 0.018];

    [Fact]
    public void Fuel_lasts_its_laps_and_the_saving_makes_up_a_shortfall()
    {
        // 100 kg, 1.5 kg a lap, after 20 laps: 70 kg, 46.7 laps of fuel.
        var laps = Stints.Linear(1, 20, Rates).ToList();
        var enough = Fuel.Predict(laps, totalLaps: 50)!;
        Assert.Equal(1.5, enough.KgPerLap, 6);
        Assert.Equal(70 / 1.5, enough.LapsOfFuel, 6);
        Assert.Equal(0, enough.SavePerLapKg);

        // A 70-lap race: 50 to go need 75 kg at this rate, 5 kg more than the tank holds: save 0.1 kg a lap.
        var shortRace = Fuel.Predict(laps, totalLaps: 70)!;
        Assert.Equal(50, shortRace.LapsToGo);
        Assert.Equal(0.1, shortRace.SavePerLapKg, 6);
        Assert.True(shortRace.Margin < 0);
    }

    [Fact]
    public void Pit_and_safety_car_laps_and_refuels_do_not_move_the_fuel_rate()
    {
        var laps = Stints.Linear(1, 10, Rates, kind: lap => lap is 4 or 5 ? LapKind.SafetyCar : lap == 7 ? LapKind.Pit : LapKind.Racing)
            .Select(l => l.Kind == LapKind.SafetyCar ? l with { FuelKg = l.FuelKg + 0.9 } : l).ToList();
        Assert.Equal(1.5, Fuel.Predict(laps, 50)!.KgPerLap, 6);
    }

    [Fact]
    public void The_pit_window_closes_when_the_first_tyre_is_likely_at_the_limit()
    {
        var tyres = TyreLife.Predict([.. Stints.Linear(1, 10, Rates)]);
        var window = PitWindow.Predict(tyres, currentLap: 10, totalLaps: 50)!;
        Assert.Equal(tyres[0].ReachesLimit.Earliest, window.Closes);
        Assert.Equal(window.Closes - PitWindow.Width, window.Opens);
        Assert.Contains("RL", window.Why);

        // Tyres that last to the flag: no stop needed.
        Assert.Null(PitWindow.Predict(tyres, currentLap: 10, totalLaps: 25));
    }
}
