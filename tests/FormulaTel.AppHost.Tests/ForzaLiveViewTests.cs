using System.Globalization;
using System.Net;
using FormulaTel.Games.Forza;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>
/// A Forza Motorsport (2023) car from the simulator, sent to the stack's UDP port beside the F1 simulator: through
/// the same ingest, rpc and web it reaches the live view in Chromium as a session of its own, its game named, and
/// what Forza does not send said so.
/// </summary>
[Collection(EmbeddedStackCollection.Name)]
public sealed class ForzaLiveViewTests(EmbeddedStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task A_forza_car_reaches_the_live_view_with_its_game_shown_and_what_forza_does_not_send_said_so()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var simulator = new Simulator(new SimulatorOptions
        {
            Target = new IPEndPoint(IPAddress.Loopback, stack.UdpPort),
            Forza = ForzaFormat.Fm2023Dash,
            SessionUid = 4242,
        });
        var sending = Task.Run(() => simulator.RunAsync(stop.Token));
        try
        {
            await using var hub = new HubConnectionBuilder().WithUrl(new Uri(stack.WebAddress, LiveHub.Path)).Build();
            await hub.StartAsync();
            var forza = await hub.SessionWhenAsync(s => s.Game == "Forza Motorsport (2023)", "the Forza session listed by web", TimeSpan.FromSeconds(60));
            Assert.Contains(GameFeatures.Drs, forza.NotSent);
            var key = forza.SessionKey;
            forza = await hub.SessionWhenAsync(s => s.SessionKey == key && s.Cars.Count == 1, "the Forza car listed", TimeSpan.FromSeconds(30));
            Assert.Equal(("You", true), (forza.Cars[0].Name, forza.Cars[0].IsPlayer));
            Assert.DoesNotContain(GameFeatures.TyreWear, forza.NotSent);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
            await page.GotoAsync(new Uri(stack.WebAddress, $"/live/{SessionKeys.Slug(forza.SessionKey)}/0").ToString());

            await Eventually.Until(async () => await page.GetByTestId("game").CountAsync() == 1
                && await page.GetByTestId("game").InnerTextAsync() == "Forza Motorsport (2023)", "the game named in the header", TimeSpan.FromSeconds(60));
            await Eventually.Until(async () => await page.GetByTestId("track").InnerTextAsync() == $"Track {ForzaPacketWriter.TrackOrdinal}", "FM 2023's track", TimeSpan.FromSeconds(30));
            var speeds = new HashSet<string>();
            await Eventually.Until(async () =>
            {
                var text = await page.GetByTestId("speed").InnerTextAsync();
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    speeds.Add(text);
                }

                return speeds.Count >= 3;
            }, "the speed readout moving", TimeSpan.FromSeconds(60));

            foreach (var what in new[] { GameFeatures.Drs, GameFeatures.Ers, GameFeatures.Weather })
            {
                Assert.Equal("not sent by this game", await page.GetByTestId($"not-sent-{what}").InnerTextAsync());
            }

            Assert.Matches(@"\d+ %\s+of the tank", await page.GetByTestId("fuel").InnerTextAsync());
            Assert.Contains("wear", await page.GetByTestId("tyres").InnerTextAsync());
            Assert.Equal(1, await page.GetByTestId("timing-row").CountAsync());

            var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "live-forza.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"speeds seen: {string.Join(", ", speeds)}; screenshot: {screenshot}");
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }
    }
}
