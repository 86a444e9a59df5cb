using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.Playwright;

namespace FormulaTel.AppHost.Tests;

/// <summary>An open live view after web restarts: it must carry on by itself, with no reload by hand.</summary>
public sealed class LiveViewReconnectTests
{
    private const ulong Session = 4242;

    [Fact]
    public async Task An_open_live_view_carries_on_by_itself_after_web_restarts()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        var port = FreePort.Tcp();
        var web = await WebTestHost.StartAsync(rpc.Address, port: port, servePage: true);
        using var feeding = new CancellationTokenSource();
        var feed = FeedAsync(rpc, feeding.Token);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{port}/live/{SessionKeys.Slug(SessionKeys.For("restart-rig", Session))}/0");
            var speed = page.GetByTestId("speed");
            await Moves(speed, "the speed moving before the restart");

            await web.DisposeAsync();
            web = await WebTestHost.StartAsync(rpc.Address, port: port, servePage: true);

            // The same page, untouched: it reconnects (or reloads itself) and the speed moves again.
            await Moves(speed, "the speed moving again after web restarted");
        }
        finally
        {
            await feeding.CancelAsync();
            await feed;
            await web.DisposeAsync();
        }
    }

    private static async Task Moves(ILocator speed, string what)
    {
        var seen = new HashSet<string>();
        await Eventually.Until(async () =>
        {
            if (await speed.CountAsync() == 1)
            {
                seen.Add(await speed.InnerTextAsync());
            }

            return seen.Count >= 3;
        }, what, TimeSpan.FromSeconds(90));
    }

    /// <summary>A car whose speed changes 20 times a second, published to rpc (reconnecting if the stream ends).</summary>
    private static async Task FeedAsync(RpcTestHost rpc, CancellationToken stop)
    {
        ulong sequence = 0;
        var tick = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = rpc.CreateClient().Publish(cancellationToken: stop);
                while (!stop.IsCancellationRequested)
                {
                    var envelope = new Envelope { Game = Game.F123, SourceId = "restart-rig", SessionUid = Session, CarIndex = 0, IsPlayerCar = true, FrameId = (uint)++tick };
                    var batch = new FrameBatch { Sequence = ++sequence };
                    batch.Frames.Add(new TelemetryFrame { Envelope = envelope, CarTelemetry = new CarTelemetry { SpeedKph = 100 + tick % 200, Gear = 5, EngineRpm = 10_000 } });
                    if (tick % 20 == 1)
                    {
                        batch.Frames.Add(new TelemetryFrame { Envelope = envelope, Session = new Session { Track = "Restart Park", SessionTypeName = "R" } });
                        batch.Frames.Add(new TelemetryFrame { Envelope = envelope, Participant = new Participant { Name = "TESTER", Team = "McLaren" } });
                    }

                    await call.RequestStream.WriteAsync(batch, stop);
                    await call.ResponseStream.MoveNext(stop);
                    await Task.Delay(50, stop);
                }
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled })
            {
                return; // the test is done
            }
            catch (Grpc.Core.RpcException) when (!stop.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
