using FormulaTel.Insights;

namespace FormulaTel.Insights.Tests;

public sealed class CalloutsTests
{
    private static readonly double[] Rates = [0.022, 0.022, 0.018, 0.018];

    [Fact]
    public void A_tyre_is_called_a_few_laps_before_the_limit_and_once_per_stint()
    {
        // The rears reach 70 % during lap 32.
        var at28 = TyreLife.Predict([.. Stints.Linear(1, 28, Rates)]);
        Assert.DoesNotContain(Callouts.For(28, 1, 0.7, at28, null, null), c => c.Key.StartsWith("tyre-", StringComparison.Ordinal));
        var at29 = TyreLife.Predict([.. Stints.Linear(1, 29, Rates)]);
        var called = Callouts.For(29, 1, 0.7, at29, null, null);
        Assert.Contains(called, c => c.Text == "RL reaches 70 % in 3 laps");
        var at30 = Callouts.For(30, 1, 0.7, TyreLife.Predict([.. Stints.Linear(1, 30, Rates)]), null, null);
        // The same wheel in the same stint keeps its key, so the ticker says it once.
        Assert.Equal(called.Single(c => c.Text.StartsWith("RL", StringComparison.Ordinal)).Key, at30.Single(c => c.Text.StartsWith("RL", StringComparison.Ordinal)).Key);
    }

    [Fact]
    public void The_window_and_a_fuel_shortfall_are_called()
    {
        var laps = Stints.Linear(1, 20, Rates).ToList();
        var tyres = TyreLife.Predict(laps);
        var callouts = Callouts.For(20, 1, 0.7, tyres, Fuel.Predict(laps, 70), PitWindow.Predict(tyres, 20, 70));
        Assert.Contains(callouts, c => c.Text.StartsWith("Box window opens lap ", StringComparison.Ordinal));
        Assert.Contains(callouts, c => c.Text == "Fuel: save 0.10 kg a lap");
    }
}
