using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.Playwright;

namespace FormulaTel.AppHost.Tests;

/// <summary>The Strategy panel in Debian's Chromium, filling as the simulator's race runs at ten times the wall clock.</summary>
[Collection(HistoryStackCollection.Name)]
public sealed class StrategyPanelBrowserTests(HistoryStackFixture stack)
{
    [Fact]
    public async Task The_strategy_panel_fills_with_tyre_fuel_and_pit_window_estimates_during_a_race()
    {
        var session = await stack.SimulatedSessionAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1200 } });
        await page.GotoAsync(new Uri(stack.WebAddress, $"/live/{SessionKeys.Slug(session.SessionKey)}/{session.PlayerCarIndex}").ToString());

        await Eventually.Until(async () => await page.GetByTestId("strategy").CountAsync() == 1, "the strategy panel", TimeSpan.FromSeconds(60));
        // A few laps in: each tyre's limit lap with its band and why, fuel against the laps to go, the pit window.
        await Eventually.Until(async () => await page.GetByTestId("tyre-prediction").Locator(".strategy-tyre").CountAsync() == 4,
            "four tyre predictions", TimeSpan.FromSeconds(120));
        var tyre = await page.GetByTestId("tyre-prediction-rl").InnerTextAsync();
        Assert.Matches(@"70 % on lap \d+, likely \d+–\d+", tyre);
        Assert.Matches(@"based on \d+ laps, [\d.]+ %/lap", tyre);
        await Eventually.Until(async () => (await page.GetByTestId("fuel-prediction").InnerTextAsync()).Contains("laps left for", StringComparison.Ordinal),
            "the fuel estimate", TimeSpan.FromSeconds(60));
        Assert.Matches(@"Box window: laps \d+–\d+|No stop needed", await page.GetByTestId("pit-window").InnerTextAsync());
        // The timing tower: each car's tyre age and the laps its tyres have left.
        await Eventually.Until(async () => await page.GetByTestId("tyre-laps-left").CountAsync() >= 10, "laps left on the tower's tyres", TimeSpan.FromSeconds(60));
        Assert.Matches(@"· \d+ left", await page.GetByTestId("tyre-laps-left").First.InnerTextAsync());
        await page.GetByTestId("strategy").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "live-strategy.png") });
    }
}
