using System.Globalization;
using System.Net.Http.Json;
using FormulaTel.Testing;
using FormulaTel.Web.History;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>The embedded stack with the simulator at ten times the wall clock, so laps are stored within seconds.</summary>
public sealed class HistoryStackFixture : EmbeddedStackFixture
{
    protected override IEnumerable<string> ExtraArguments => ["FormulaTel:SimulatorTimeScale=10"];

    public HttpClient HistoryApi { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        HistoryApi = new HttpClient { BaseAddress = App.GetEndpoint("history", "http") };
    }

    /// <summary>The simulator's stored session once every car has at least <paramref name="laps"/> laps in it.</summary>
    public async Task<StoredSession> SessionWithLapsAsync(int laps)
    {
        StoredSession? found = null;
        await Eventually.Until(async () =>
        {
            var page = await HistoryApi.GetFromJsonAsync<SessionPage>("/api/sessions");
            found = page?.Items.FirstOrDefault(s => s.Cars == 20 && s.Laps >= 20 * laps);
            return found is not null;
        }, $"a stored session with {laps} laps a car", TimeSpan.FromSeconds(120));
        return found!;
    }

    public override async Task DisposeAsync()
    {
        HistoryApi?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HistoryStackCollection : ICollectionFixture<HistoryStackFixture>
{
    public const string Name = "history stack";
}

/// <summary>The session pages in Debian's Chromium against laps the simulator drove and history stored.</summary>
[Collection(HistoryStackCollection.Name)]
public sealed class SessionPagesBrowserTests(HistoryStackFixture stack, ITestOutputHelper output)
{
    private const string TraceLines = "[data-testid=compare-trace] g.rz-line-series path";
    private const string DeltaLines = "[data-testid=compare-delta] g.rz-line-series path";

    [Fact]
    public async Task Sessions_lists_the_simulated_session_and_its_page_shows_the_laps_the_simulator_drove()
    {
        var session = await stack.SessionWithLapsAsync(2);
        var detail = (await stack.HistoryApi.GetFromJsonAsync<StoredSessionDetail>($"/api/sessions/{session.Id}"))!;
        var player = detail.Cars.Single(c => c.IsPlayer);
        var laps = (await stack.HistoryApi.GetFromJsonAsync<List<StoredLap>>($"/api/sessions/{session.Id}/laps?car={player.CarIndex}"))!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        await page.GotoAsync(new Uri(stack.WebAddress, "/sessions").ToString());
        var row = page.GetByTestId("session-row").Filter(new LocatorFilterOptions { HasText = "Silverstone" }).First;
        Assert.Contains("F1 23", await row.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("sessions.png"), FullPage = true });

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Eventually.Until(() => page.Url.EndsWith($"/sessions/{session.Id}", StringComparison.Ordinal), "the session's page");
        await Eventually.Until(async () => await page.GetByTestId("results").Locator("tbody tr").CountAsync() == 20, "the results of 20 cars");
        // Every lap the API has for the player is a row, with the lap time the simulator timed.
        await Eventually.Until(async () => await page.GetByTestId("lap-row").CountAsync() >= laps.Count, $"a row for each of the player's {laps.Count} laps");
        var rows = (await page.GetByTestId("lap-row").AllInnerTextsAsync())
            .Select(r => r.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        foreach (var lap in laps.Where(l => l.LapTimeMs > 0))
        {
            var cells = rows.First(r => r[0] == lap.LapNumber.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Web.Live.LiveText.LapTime(lap.LapTimeMs), cells[1]);
        }

        // The interactive charts: a line per car on the lap chart, lap time, wear and fuel for this car.
        await Eventually.Until(async () => await page.Locator("[data-testid=lap-chart] g.rz-line-series").CountAsync() == 20, "the lap chart's 20 cars", TimeSpan.FromSeconds(30));
        foreach (var chart in new[] { "lap-time-chart", "wear-chart", "fuel-chart" })
        {
            await Eventually.Until(async () => await page.Locator($"[data-testid={chart}] g.rz-line-series path").CountAsync() >= 1, $"a line on {chart}");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("session.png"), FullPage = true });

        // The raw recording ingest made of this session, through web: a zstd pcapng.
        var recording = page.GetByTestId("recordings").Locator("a");
        await Eventually.Until(async () => await recording.CountAsync() == 1, "the session's one recording");
        Assert.Contains($"_{session.SessionUid}_", await recording.InnerTextAsync(), StringComparison.Ordinal);
        using (var web = new HttpClient { BaseAddress = stack.WebAddress })
        {
            // Still being recorded: its start is enough to know what it is.
            using var response = await web.GetAsync(await recording.GetAttributeAsync("href"), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var head = new byte[4];
            await body.ReadExactlyAsync(head);
            Assert.Equal([0x28, 0xB5, 0x2F, 0xFD], head);
        }

        // Ticking two laps compares them.
        var boxes = page.GetByTestId("lap-row").Locator("input[type=checkbox]");
        await boxes.Nth(0).CheckAsync();
        await boxes.Nth(1).CheckAsync();
        await page.GetByTestId("compare-ticked").ClickAsync();
        // The compare page turns the ticked laps into its bookmarkable URL once its circuit is up (same document).
        await Eventually.Until(() => page.Url.Contains("/compare?laps=", StringComparison.Ordinal), "the compare page with the ticked laps", TimeSpan.FromSeconds(60));
        await Eventually.Until(async () => await page.Locator(TraceLines).CountAsync() == 2, "two traces from the ticked laps", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Compare_with_two_laps_draws_two_traces_a_delta_and_the_map_and_hover_shows_the_values_also_on_a_tablet()
    {
        var session = await stack.SessionWithLapsAsync(2);
        var laps = (await stack.HistoryApi.GetFromJsonAsync<List<StoredLap>>($"/api/sessions/{session.Id}/laps"))!
            .Where(l => l.Status == "complete" && l.LapTimeMs > 0).ToList();
        var (a, b) = (laps[0], laps.First(l => l.CarIndex != laps[0].CarIndex));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var url = new Uri(stack.WebAddress, $"/compare?laps={a.Id},{b.Id}").ToString();
        await page.GotoAsync(url);
        await Eventually.Until(async () => await page.Locator(TraceLines).CountAsync() == 2 && await page.Locator(DeltaLines).CountAsync() == 1,
            "two traces and a delta line", TimeSpan.FromSeconds(30));
        foreach (var channel in new[] { "throttle", "brake", "gear", "steering" })
        {
            Assert.Equal(2, await page.Locator($"[data-testid=compare-{channel}] g.rz-line-series path").CountAsync());
        }

        Assert.Equal(2, await page.GetByTestId("compare-legend").Locator("tbody tr").CountAsync());
        Assert.Contains(Web.Live.LiveText.LapTime(b.LapTimeMs), await page.GetByTestId("compare-legend").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.GetByTestId("compare-map").Locator("polyline").CountAsync() > 50, "the map in 50 m stretches");

        // Hovering the speed chart shows both laps' values at that distance.
        var chart = (await page.Locator("[data-testid=compare-trace] .rz-chart").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(chart.X + chart.Width * 0.4f, chart.Y + chart.Height * 0.5f);
        var tooltip = page.Locator("[data-testid=compare-trace] .rz-chart-tooltip").First;
        await Eventually.Until(async () => await tooltip.CountAsync() == 1 && (await tooltip.InnerTextAsync()).Contains(" m", StringComparison.Ordinal),
            "the hover tooltip", TimeSpan.FromSeconds(15));
        Assert.Equal(2, await tooltip.Locator(".rz-chart-tooltip-item").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("compare.png"), FullPage = true });

        // A tablet: the same page, one column, nothing wider than the screen.
        var tablet = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 820, Height = 1180 }, IsMobile = true, HasTouch = true });
        await tablet.GotoAsync(url);
        await Eventually.Until(async () => await tablet.Locator(TraceLines).CountAsync() == 2, "the tablet's traces", TimeSpan.FromSeconds(30));
        Assert.True(await tablet.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on a tablet");
        await tablet.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("compare-tablet.png"), FullPage = true });

        // Bad ids say so.
        await page.GotoAsync(new Uri(stack.WebAddress, "/compare?laps=999999999,x").ToString());
        await Eventually.Until(async () => await page.GetByTestId("compare-notice").CountAsync() == 1, "a notice for a malformed id");
        Assert.Contains("\"x\" is not a lap id", await page.GetByTestId("compare-notice").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync(new Uri(stack.WebAddress, "/compare?laps=999999999").ToString());
        await Eventually.Until(async () => await page.GetByTestId("compare-notice").CountAsync() == 1, "a notice for an unknown lap");
        Assert.Contains("no stored lap 999999999", await page.GetByTestId("compare-notice").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bests_lists_every_driver_and_compare_with_my_best_opens_from_the_live_view()
    {
        var session = await stack.SessionWithLapsAsync(3);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        // The simulated race goes on while the test reads: a new best can land between the API call and the page,
        // so the page is read again (fresh) until it shows the bests of an API answer taken just before it.
        List<StoredBest> bests = [];
        await Eventually.Until(async () =>
        {
            bests = (await stack.HistoryApi.GetFromJsonAsync<List<StoredBest>>("/api/bests?track=Silverstone"))!;
            await page.GotoAsync(new Uri(stack.WebAddress, "/bests?track=Silverstone").ToString());
            await Eventually.Until(async () => await page.GetByTestId("best-row").CountAsync() >= bests.Count, "a best row per driver", TimeSpan.FromSeconds(30));
            var fastest = bests.MinBy(b => b.BestLapMs)!;
            return await page.GetByTestId("best-row").CountAsync() == bests.Count
                && (await page.GetByTestId("best-row").First.InnerTextAsync()).Contains(Web.Live.LiveText.LapTime(fastest.BestLapMs), StringComparison.Ordinal);
        }, "the bests page showing the stored bests, fastest first", TimeSpan.FromSeconds(60));
        Assert.Equal(20, bests.Count);
        await Eventually.Until(async () => await page.Locator("[data-testid=bests-chart] g.rz-bar-series").CountAsync() == 2, "the chart's best and theoretical bars");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("bests.png"), FullPage = true });

        // From the live view: the player's last stored lap against their best here.
        var live = await stack.SimulatedSessionAsync();
        await page.GotoAsync(new Uri(stack.WebAddress, $"/live/{Web.Live.SessionKeys.Slug(live.SessionKey)}/{live.PlayerCarIndex}").ToString());
        var link = page.GetByTestId("compare-with-best");
        // Once the page is live (its trace drawn from the circuit's updates), not while it is still the prerendered copy.
        await Eventually.Until(async () => await link.CountAsync() == 1 && await page.GetByTestId("trace").Locator(".missing").CountAsync() == 0
            && await page.Locator("polyline.trace-current").CountAsync() > 0, "the live lap trace with its compare link", TimeSpan.FromSeconds(60));
        var bestBefore = (await stack.HistoryApi.GetFromJsonAsync<StoredCompareLaps>(
            $"/api/compare-with-best?source={Uri.EscapeDataString(live.SourceId)}&sessionUid={live.SessionUid}&car={live.PlayerCarIndex}"))!;
        await link.ClickAsync();
        try
        {
            await Eventually.Until(() => page.Url.Contains("/compare?laps=", StringComparison.Ordinal), "the compare page with the live car's laps", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"{page.Url}: {await page.InnerTextAsync("body")}");
            throw;
        }

        var shown = page.Url[(page.Url.IndexOf("laps=", StringComparison.Ordinal) + 5)..].Split(',').Select(long.Parse).ToList();
        var found = (await stack.HistoryApi.GetFromJsonAsync<StoredCompareLaps>(
            $"/api/compare-with-best?source={Uri.EscapeDataString(live.SourceId)}&sessionUid={live.SessionUid}&car={live.PlayerCarIndex}"))!;
        Assert.Equal(session.Id, found.SessionId);
        // The car may set a new best while the link is followed: the page shows the best of just before or just after.
        Assert.True(shown.Contains(found.BestLapId!.Value) || shown.Contains(bestBefore.BestLapId!.Value),
            $"the compare page ({string.Join(',', shown)}) shows the driver's best ({bestBefore.BestLapId} before the click, {found.BestLapId} after)");
        await Eventually.Until(async () => await page.Locator(TraceLines).CountAsync() == shown.Count, "the traces of the live car's laps", TimeSpan.FromSeconds(60));
        output.WriteLine($"screenshots in {Path.GetDirectoryName(Screenshot("x"))}");
    }

    [Fact]
    public async Task A_session_deleted_from_its_page_once_confirmed_is_gone_and_the_others_stay()
    {
        var kept = await stack.SessionWithLapsAsync(1);
        // A session of its own to delete: two cars sent from the test, twenty times faster than the clock.
        const ulong uid = 424_242;
        using (var sending = new CancellationTokenSource())
        {
            var simulator = new FormulaTel.Simulation.Simulator(new FormulaTel.Simulation.SimulatorOptions
            {
                Target = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, stack.UdpPort), Cars = 2, SessionUid = uid, TimeScale = 20,
            });
            var running = simulator.RunAsync(sending.Token);
            await Eventually.Until(async () => (await stack.HistoryApi.GetFromJsonAsync<SessionPage>("/api/sessions?pageSize=50"))!.Items
                .Any(s => s.SessionUid == "424242" && s.Laps >= 2), "the test's own session stored", TimeSpan.FromSeconds(90));
            await sending.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        var doomed = (await stack.HistoryApi.GetFromJsonAsync<SessionPage>("/api/sessions?pageSize=50"))!.Items.Single(s => s.SessionUid == "424242");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(stack.WebAddress, $"/sessions/{doomed.Id}").ToString());

        // Dismissed: nothing happens.
        string? asked = null;
        void Dismiss(object? sender, IDialog dialog)
        {
            asked = dialog.Message;
            _ = dialog.DismissAsync();
        }

        page.Dialog += Dismiss;
        await page.GetByTestId("delete-session").ClickAsync();
        await Eventually.Until(() => asked is not null, "the confirmation");
        page.Dialog -= Dismiss;
        Assert.Contains("cannot be undone", asked, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await stack.HistoryApi.GetAsync($"/api/sessions/{doomed.Id}")).StatusCode);

        // Confirmed: gone, with a word on /sessions; the simulator's session stays.
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByTestId("delete-session").ClickAsync();
        await Eventually.Until(() => page.Url.EndsWith($"/sessions?deleted={doomed.Id}", StringComparison.Ordinal), "back on /sessions", TimeSpan.FromSeconds(60));
        Assert.Contains($"Session {doomed.Id} deleted", await page.GetByTestId("session-deleted").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await stack.HistoryApi.GetAsync($"/api/sessions/{doomed.Id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await stack.HistoryApi.GetAsync($"/api/sessions/{kept.Id}")).StatusCode);
    }

    private static string Screenshot(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
