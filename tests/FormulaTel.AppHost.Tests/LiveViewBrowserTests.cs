using System.Globalization;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>/live in Debian's Chromium, fed by the AppHost's simulator through ingest, rpc and web.</summary>
[Collection(EmbeddedStackCollection.Name)]
public class LiveViewBrowserTests(EmbeddedStackFixture stack, ITestOutputHelper output)
{
    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task The_speed_readout_moves()
    {
        // The simulator's session: the one with a full field (other tests add sessions of their own).
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(stack.WebAddress, LiveHub.Path)).Build();
        await hub.StartAsync();
        SessionSummary? simulated = null;
        await Eventually.Until(async () =>
        {
            simulated = (await hub.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).FirstOrDefault(s => s.Cars.Count == 20 && s.Track.Length > 0);
            return simulated is not null;
        }, "the simulator's session", TimeSpan.FromSeconds(60));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(stack.WebAddress, "/live").ToString());

        // Interactive once Blazor's circuit is up; then pick the simulator's session explicitly.
        var picker = page.GetByTestId("session-picker");
        await Eventually.Until(async () => (await picker.Locator($"option[value='{simulated!.SessionKey}']").CountAsync()) == 1, "session listed in the picker", TimeSpan.FromSeconds(60));
        await picker.SelectOptionAsync(simulated!.SessionKey);

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
