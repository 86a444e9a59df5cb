using System.Globalization;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>/live in Debian's Chromium, fed by the AppHost's simulator through ingest, rpc and web.</summary>
[Collection(EmbeddedStackCollection.Name)]
public class LiveViewBrowserTests(EmbeddedStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task The_speed_readout_moves()
    {
        var simulated = await stack.SimulatedSessionAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(stack.WebAddress, "/live").ToString());

        // Interactive once Blazor's circuit is up; then pick the simulator's session explicitly.
        var picker = page.GetByTestId("session-picker");
        await Eventually.Until(async () => (await picker.Locator($"option[value='{simulated.SessionKey}']").CountAsync()) == 1, "session listed in the picker", TimeSpan.FromSeconds(60));
        await picker.SelectOptionAsync(simulated.SessionKey);

        var speed = page.GetByTestId("speed");
        var seen = new List<string>();
        await Eventually.Until(async () =>
        {
            var text = await speed.InnerTextAsync();
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && (seen.Count == 0 || seen[^1] != text))
            {
                seen.Add(text);
            }

            return seen.Count >= 3; // changed at least twice
        }, "the speed readout to change twice", TimeSpan.FromSeconds(60));

        foreach (var id in new[] { "rpm", "gear", "throttle", "brake", "track", "lap" })
        {
            Assert.False(string.IsNullOrWhiteSpace(await page.GetByTestId(id).InnerTextAsync()), $"{id} is empty");
        }

        Assert.Equal("Silverstone", await page.GetByTestId("track").InnerTextAsync());
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "live.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"speed readouts seen: {string.Join(", ", seen)}; screenshot: {screenshot}");
    }
}
