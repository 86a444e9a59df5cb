using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>The full live view in Debian's Chromium with the simulator running: every panel, the pickers, bookmarks.</summary>
[Collection(EmbeddedStackCollection.Name)]
public sealed class LiveViewPanelsTests(EmbeddedStackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Panels = ["car", "tyres", "timing", "map", "trace", "session"];

    /// <summary>What shows a panel changing: its text, plus the drawn positions for the map and the trace.</summary>
    private static async Task<string> PanelSnapshotAsync(IPage page, string panel)
    {
        var root = page.GetByTestId(panel);
        var text = await root.InnerTextAsync();
        return panel switch
        {
            "map" => text + await root.Locator("circle").First.GetAttributeAsync("cx"),
            "trace" => text + await root.Locator("polyline.trace-current").First.GetAttributeAsync("points"),
            _ => text,
        };
    }

    [Fact]
    public async Task Every_panel_shows_data_and_updates_the_picker_switches_cars_and_a_bookmark_opens_the_same_view()
    {
        var session = await stack.SimulatedSessionAsync();
        var slug = SessionKeys.Slug(session.SessionKey);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        await page.GotoAsync(new Uri(stack.WebAddress, $"/live/{slug}/{session.PlayerCarIndex}").ToString());

        // Every panel has data: its root is there and says nothing is missing.
        foreach (var panel in Panels)
        {
            await Eventually.Until(async () => await page.GetByTestId(panel).CountAsync() == 1 && await page.GetByTestId(panel).Locator(".missing").CountAsync() == 0,
                $"the {panel} panel showing data", TimeSpan.FromSeconds(90));
        }

        Assert.Equal(20, await page.GetByTestId("timing-row").CountAsync());
        Assert.Equal("Silverstone", await page.GetByTestId("track").InnerTextAsync());
        Assert.Equal(4, await page.GetByTestId("tyres").Locator(".tyre").CountAsync());

        // …and every panel updates.
        var first = new Dictionary<string, string>();
        foreach (var panel in Panels)
        {
            first[panel] = await PanelSnapshotAsync(page, panel);
        }

        foreach (var panel in Panels.Where(p => p != "session"))
        {
            await Eventually.Until(async () => await PanelSnapshotAsync(page, panel) != first[panel], $"the {panel} panel to update", TimeSpan.FromSeconds(60));
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("live-desktop.png"), FullPage = true });

        // The car picker switches cars, and the URL says which.
        var other = session.Cars.First(c => c.CarIndex != session.PlayerCarIndex).CarIndex;
        await page.GetByTestId("car-picker").SelectOptionAsync(other.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.Until(() => page.Url.EndsWith($"/live/{slug}/{other}", StringComparison.Ordinal), "the URL to name the picked car");
        await Eventually.Until(async () => await page.Locator($"[data-testid=timing-row][data-car='{other}']").GetAttributeAsync("class") == "selected", "the picked car highlighted in the timing tower");

        // A bookmarked URL, opened fresh on a tablet, shows the same session and car.
        var tablet = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 820, Height = 1180 }, IsMobile = true, HasTouch = true });
        await tablet.GotoAsync(page.Url);
        await Eventually.Until(async () => await tablet.GetByTestId("car-picker").InputValueAsync() == other.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && await tablet.GetByTestId("session-picker").InputValueAsync() == session.SessionKey, "the bookmark to open the same view", TimeSpan.FromSeconds(60));
        await Eventually.Until(async () => await tablet.GetByTestId("speed").CountAsync() == 1 && await tablet.GetByTestId("trace").Locator(".missing").CountAsync() == 0, "the tablet view filled");
        await tablet.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("live-tablet.png"), FullPage = true });

        // Clicking a timing row picks that car too. A click can land on the prerendered copy (before the page's
        // circuit is up) or on a row being redrawn, and do nothing: click again until the URL follows.
        var row = tablet.Locator($"[data-testid=timing-row][data-car='{session.PlayerCarIndex}']");
        var picked = $"/live/{slug}/{session.PlayerCarIndex}";
        await Eventually.Until(async () =>
        {
            await row.ClickAsync();
            try
            {
                await Eventually.Until(() => tablet.Url.EndsWith(picked, StringComparison.Ordinal), "the URL after one click", TimeSpan.FromSeconds(5));
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, "a timing row click to pick the car", TimeSpan.FromSeconds(60));
        output.WriteLine($"screenshots in {Path.GetDirectoryName(Screenshot("x"))}");
    }

    [Fact]
    public async Task A_bookmark_of_a_session_that_is_not_live_says_so_and_offers_the_live_ones()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(stack.WebAddress, "/live/123-deadbeef/4").ToString());
        await Eventually.Until(async () => await page.GetByTestId("not-live").CountAsync() == 1, "the not-live notice", TimeSpan.FromSeconds(60));
        await stack.SimulatedSessionAsync();
        await Eventually.Until(async () => await page.GetByTestId("session-picker").Locator("option").CountAsync() >= 2, "live sessions offered");
    }

    private static string Screenshot(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
