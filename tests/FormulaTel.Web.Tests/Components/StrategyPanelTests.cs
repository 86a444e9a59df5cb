using Bunit;
using FormulaTel.Insights;
using FormulaTel.Web.Components.Live;
using FormulaTel.Web.Live;

namespace FormulaTel.Web.Tests.Components;

/// <summary>The Strategy panel's rules, rendered by bUnit from real estimates of synthetic stints.</summary>
public sealed class StrategyPanelTests : IDisposable
{
    private readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    private static StrategyView View(int laps, int totalLaps, double fuelStart = 100)
    {
        var samples = Enumerable.Range(1, laps).Select(lap => new LapSample(lap, [0.022 * lap, 0.022 * lap, 0.018 * lap, 0.018 * lap], lap, fuelStart - 1.5 * lap)).ToList();
        var tyres = TyreLife.Predict(samples);
        return new StrategyView(laps, totalLaps, laps, TyreLife.DefaultLimit, tyres, Fuel.Predict(samples, totalLaps), PitWindow.Predict(tyres, laps, totalLaps));
    }

    [Fact]
    public void Before_a_lap_is_finished_the_panel_says_when_estimates_start()
    {
        var panel = _context.Render<StrategyPanel>();
        Assert.Contains("once the car has finished a lap", panel.Find("[data-testid=strategy] .missing").TextContent);
    }

    [Fact]
    public void Each_tyre_says_when_it_reaches_the_limit_with_its_band_and_why()
    {
        var panel = _context.Render<StrategyPanel>(p => p.Add(c => c.View, View(8, 50)));
        var rl = panel.Find("[data-testid=tyre-prediction-rl]").TextContent;
        Assert.Contains("70 % on lap 32, likely", rl);
        Assert.Contains("based on 8 laps, 2.2 %/lap", rl);
        // Soonest first: the rears wear faster.
        Assert.StartsWith("RL", panel.FindAll("[data-testid=tyre-prediction] .strategy-tyre")[0].TextContent.Trim());
    }

    [Fact]
    public void Fuel_says_the_laps_it_lasts_and_the_saving_when_short()
    {
        var enough = _context.Render<StrategyPanel>(p => p.Add(c => c.View, View(20, 50)));
        Assert.Contains("46.7 laps left for 30 to go", enough.Find("[data-testid=fuel-prediction]").TextContent);
        Assert.Contains("+16.7 laps spare", enough.Find("[data-testid=fuel-prediction]").TextContent);

        var shortRace = _context.Render<StrategyPanel>(p => p.Add(c => c.View, View(20, 70)));
        Assert.Contains("save 0.10 kg a lap", shortRace.Find("[data-testid=fuel-prediction]").TextContent);
    }

    [Fact]
    public void The_pit_window_shows_its_laps_or_that_no_stop_is_needed()
    {
        var race = _context.Render<StrategyPanel>(p => p.Add(c => c.View, View(10, 50)));
        Assert.Matches(@"Box window: laps \d+–\d+", race.Find("[data-testid=pit-window]").TextContent);
        Assert.Contains("RL likely reaches the limit", race.Find("[data-testid=pit-window]").TextContent);

        var sprint = _context.Render<StrategyPanel>(p => p.Add(c => c.View, View(10, 20)));
        Assert.Contains("No stop needed", sprint.Find("[data-testid=pit-window]").TextContent);
    }

    [Fact]
    public void The_timing_tower_shows_each_cars_laps_left_on_its_tyres()
    {
        CarState[] cars = [new() { SessionKey = "rig/1", CarIndex = 3, Position = 1, TyreCompound = "Medium", TyreAgeLaps = 12 }, new() { SessionKey = "rig/1", CarIndex = 7, Position = 2, TyreCompound = "Hard", TyreAgeLaps = 3 }];
        var tower = _context.Render<TimingTower>(p => p.Add(c => c.Cars, cars).Add(c => c.TyreOutlooks, new Dictionary<int, TyreOutlook> { [3] = new(9, 7, 11) }));
        var rows = tower.FindAll("[data-testid=timing-row]");
        var left = rows[0].QuerySelector("[data-testid=tyre-laps-left]")!;
        Assert.Equal("· 9 left", left.TextContent.Trim());
        Assert.Contains("likely 7–11", left.GetAttribute("title"));
        // No estimate yet for the second car: its age alone.
        Assert.Null(rows[1].QuerySelector("[data-testid=tyre-laps-left]"));
    }
}
