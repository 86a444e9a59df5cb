using FormulaTel.Insights;

namespace FormulaTel.Insights.Tests;

public sealed class TyreLifeTests
{
    private static readonly double[] Rates = [0.022, 0.022, 0.018, 0.018];

    [Fact]
    public void Linear_wear_reaches_the_limit_where_the_line_crosses_it()
    {
        // 2.2 %/lap on the rears: 70 % on lap 31.8, so during lap 32; fronts at 1.8 %/lap on lap 38.9.
        var tyres = TyreLife.Predict([.. Stints.Linear(1, 8, Rates)]);
        Assert.Equal(4, tyres.Count);
        Assert.Equal(0.022, tyres[0].WearPerLap, 6);
        Assert.Equal(32, tyres[0].ReachesLimit.Lap);
        Assert.Equal(39, tyres[2].ReachesLimit.Lap);
        Assert.InRange(32, tyres[0].ReachesLimit.Earliest, tyres[0].ReachesLimit.Latest);
        Assert.Contains("based on 8 laps, 2.2 %/lap", tyres[0].ReachesLimit.Why);
    }

    [Fact]
    public void The_band_narrows_as_laps_come_in_and_holds_the_answer_when_readings_are_noisy()
    {
        var random = new Random(3);
        var noisy = Stints.Linear(1, 20, Rates).Select(l => l with { TyreWear = [.. l.TyreWear.Select(w => w + (random.NextDouble() - 0.5) * 0.01)] }).ToList();
        var early = TyreLife.Predict(noisy[..4])[0].ReachesLimit;
        var late = TyreLife.Predict(noisy[..16])[0].ReachesLimit;
        Assert.True(late.Latest - late.Earliest <= early.Latest - early.Earliest, $"{early} then {late}");
        Assert.InRange(32, late.Earliest, late.Latest);
    }

    [Fact]
    public void A_pit_stop_starts_a_stint_of_its_own()
    {
        // 12 laps on one set, a stop at the end of lap 12, fresh tyres wearing half as fast.
        var laps = Stints.Linear(1, 12, Rates, kind: lap => lap == 12 ? LapKind.Pit : LapKind.Racing)
            .Concat(Stints.Linear(13, 20, [.. Rates.Select(r => r / 2)], start: 12));
        var tracker = Stints.Track(laps);
        Assert.Equal(1, tracker.Stops);
        Assert.Equal(8, tracker.Stint.Count);
        var tyres = TyreLife.Predict(tracker.Stint);
        Assert.Equal(0.011, tyres[0].WearPerLap, 6);
        // 70 % at 1.1 %/lap from lap 12: lap 75.6.
        Assert.Equal(76, tyres[0].ReachesLimit.Lap);
    }

    [Fact]
    public void A_flashback_takes_back_the_laps_after_it()
    {
        // Laps 1–10, then the game goes back to lap 7 and the laps are driven again with the same wear.
        var laps = Stints.Linear(1, 10, Rates).Concat(Stints.Linear(7, 12, Rates));
        var tracker = Stints.Track(laps);
        Assert.Equal(4, tracker.LapsTakenBack);
        Assert.Equal(Enumerable.Range(1, 12), tracker.Laps.Select(l => l.Lap));
        Assert.Equal(32, TyreLife.Predict(tracker.Stint)[0].ReachesLimit.Lap);
    }

    [Fact]
    public void Safety_car_laps_wear_less_and_count_less()
    {
        // Laps 6–9 behind the safety car wear a quarter as much; the estimate stays near the racing rate.
        var laps = new List<LapSample>();
        double wear = 0;
        for (var lap = 1; lap <= 14; lap++)
        {
            var sc = lap is >= 6 and <= 9;
            wear += sc ? 0.0055 : 0.022;
            laps.Add(new LapSample(lap, [wear, wear, wear, wear], lap, 100 - lap, sc ? LapKind.SafetyCar : LapKind.Racing));
        }

        var rate = TyreLife.Predict(laps)[0].WearPerLap;
        var unweighted = TyreLife.Predict([.. laps.Select(l => l with { Kind = LapKind.Racing })])[0].WearPerLap;
        Assert.True(Math.Abs(rate - 0.022) < Math.Abs(unweighted - 0.022), $"{rate} weighted, {unweighted} not");
    }

    [Fact]
    public void A_prior_from_stored_stints_steadies_an_early_estimate_and_says_so()
    {
        // Two laps that read fast (3 %/lap); stored stints here say 2.2 %/lap.
        LapSample[] laps = [new(1, [0.03, 0.03, 0.03, 0.03], 1, 99), new(2, [0.06, 0.06, 0.06, 0.06], 2, 98)];
        var alone = TyreLife.Predict(laps)[0];
        var withPrior = TyreLife.Predict(laps, priorWearPerLap: 0.022, priorSource: "last week here")[0];
        Assert.True(Math.Abs(withPrior.WearPerLap - 0.022) < Math.Abs(alone.WearPerLap - 0.022));
        Assert.Contains("last week here 2.2 %/lap", withPrior.ReachesLimit.Why);
    }

    [Fact]
    public void Too_few_laps_predict_nothing()
    {
        Assert.Empty(TyreLife.Predict([]));
        Assert.Empty(TyreLife.Predict([.. Stints.Linear(1, 1, Rates)]));
    }
}
