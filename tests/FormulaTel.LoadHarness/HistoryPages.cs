using System.Diagnostics;
using FormulaTel.AppHost.Tests;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Testing;
using Microsoft.Playwright;

/// <summary>
/// The session pages against a large history: seeds a SQLite history of N sessions (20 cars, 5 laps each, traces
/// for the player's laps), times the store's listing, then starts the AppHost on it and times /sessions and a
/// four-lap /compare in Chromium, from navigation to the rows or the drawn lines.
/// </summary>
internal static class HistoryPages
{
    private const int Cars = 20;
    private const int LapsPerCar = 5;
    private const float TrackLengthM = 5891;
    private const int Runs = 7;

    public static async Task RunAsync(int sessions, Func<IReadOnlyDictionary<string, string>, Process> startAppHost, Func<Process, Task> stopAppHost)
    {
        var directory = Directory.CreateTempSubdirectory("formulatel-history-pages-").FullName;
        try
        {
            var store = new SqliteHistoryStore(Path.Combine(directory, "history.db"));
            await store.MigrateAsync(CancellationToken.None);
            var seeding = Stopwatch.StartNew();
            await SeedAsync(store, sessions);
            Console.WriteLine($"seeded {sessions} sessions ({sessions * Cars * LapsPerCar} laps, {sessions * LapsPerCar} traces) in {seeding.Elapsed.TotalSeconds:0.0} s; "
                + $"database {await store.SizeBytesAsync(CancellationToken.None) / 1e6:0} MB");

            var listing = new List<double>();
            for (var i = 0; i < Runs; i++)
            {
                var clock = Stopwatch.StartNew();
                await store.ListSessionsAsync(new SessionFilter(), 1, 25, CancellationToken.None);
                listing.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"store: first page of sessions (25 of {sessions}) median {Median(listing):0} ms, max {listing.Max():0} ms");
            var page = await store.ListSessionsAsync(new SessionFilter(), 1, 4, CancellationToken.None);
            var laps = new List<long>();
            foreach (var session in page.Items)
            {
                laps.Add((await store.GetLapsAsync(session.Id, 0, CancellationToken.None))!.First(l => l.LapNumber == 3).Id);
            }

            using var appHost = startAppHost(new Dictionary<string, string>
            {
                ["FormulaTel__HistoryDirectory"] = directory,
                ["FormulaTel__Simulator"] = "false",
                ["FormulaTel__Recording"] = "false",
            });
            try
            {
                await MeasurePagesAsync(sessions, laps);
            }
            finally
            {
                await stopAppHost(appHost);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasurePagesAsync(int sessions, IReadOnlyList<long> laps)
    {
        var web = new Uri("http://localhost:5180");
        using (var http = new HttpClient { BaseAddress = web })
        {
            await Eventually.Until(async () =>
            {
                try
                {
                    return (await http.GetStringAsync("/sessions")).Contains("session-row", StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "web serving /sessions from the seeded history", TimeSpan.FromMinutes(3));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var tab = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var sessionsPage = new List<double>();
        var comparePage = new List<double>();
        var compare = new Uri(web, "/compare?laps=" + string.Join(',', laps)).ToString();
        for (var i = 0; i < Runs + 1; i++)
        {
            var clock = Stopwatch.StartNew();
            await tab.GotoAsync(new Uri(web, "/sessions").ToString());
            await tab.Locator("[data-testid=session-row]").First.WaitForAsync();
            var sessionsMs = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            await tab.GotoAsync(compare);
            await tab.WaitForFunctionAsync(
                "n => document.querySelectorAll('[data-testid=compare-trace] g.rz-line-series path').length >= n && document.querySelectorAll('[data-testid=compare-delta] g.rz-line-series path').length >= n - 1",
                laps.Count, new PageWaitForFunctionOptions { Timeout = 30_000 });
            var compareMs = clock.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                // The first of each is the cold start (JIT, the circuit's first connection): reported apart.
                sessionsPage.Add(sessionsMs);
                comparePage.Add(compareMs);
            }
            else
            {
                Console.WriteLine($"cold: /sessions {sessionsMs:0} ms, /compare {compareMs:0} ms");
            }
        }

        Console.WriteLine($"/sessions with {sessions} stored sessions, navigation to the first row: median {Median(sessionsPage):0} ms, max {sessionsPage.Max():0} ms (target ≤ 1000)");
        Console.WriteLine($"/compare with {laps.Count} laps, navigation to every trace and delta line drawn: median {Median(comparePage):0} ms, max {comparePage.Max():0} ms (target ≤ 1000)");
    }

    private static async Task SeedAsync(SqliteHistoryStore store, int sessions)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-sessions);
        for (var s = 0; s < sessions; s++)
        {
            var key = new SessionKey($"192.168.1.{20 + s % 20}:50000", (ulong)(1_000_000 + s));
            var began = start.AddDays(s);
            var batch = new HistoryBatch();
            batch.Sessions.Add(new SessionInfo(key, s % 3 == 0 ? "F1 24" : "F1 25", "Silverstone", 7, TrackLengthM, "race", "R", LapsPerCar, began, began.AddMinutes(10)));
            for (uint car = 0; car < Cars; car++)
            {
                batch.Cars.Add(new CarInfo(key, car, $"DRIVER{car:00}", $"Team {car / 2}", car + 1, car != 0, car == 0));
                for (uint lap = 1; lap <= LapsPerCar; lap++)
                {
                    var time = (uint)(88_000 + car * 150 + lap * 40 + s % 97 * 10);
                    batch.Laps.Add(new LapWrite
                    {
                        Session = key, CarIndex = car, LapNumber = lap, Status = LapStatus.Complete, TimeSource = TimeSource.LapData, LapTimeMs = time,
                        Sector1Ms = time / 3, Sector2Ms = time / 3, Sector3Ms = time - 2 * (time / 3), Valid = true, HasDetail = true, Position = car + 1,
                        TyreCompound = "C3", TyreAgeLaps = lap, WearStart = lap * 0.02f, WearEnd = [lap * 0.02f, lap * 0.02f, lap * 0.025f, lap * 0.025f],
                        FuelStartKg = 20 - lap, FuelEndKg = 19 - lap, EndedAt = began.AddSeconds(lap * 90),
                        Trace = car == 0 ? Trace(time, s) : null, TraceCoverage = car == 0 ? 1 : 0,
                    });
                }
            }

            await store.WriteAsync(batch, CancellationToken.None);
        }
    }

    /// <summary>A plausible lap: speed rising and falling through a dozen corners, the pedals and gears to match.</summary>
    private static LapTrace Trace(uint lapTimeMs, int variant)
    {
        var points = (int)(TrackLengthM / LapTrace.StepM) + 1;
        var samples = new TraceSample[points];
        for (var i = 0; i < points; i++)
        {
            var d = i * LapTrace.StepM;
            var phase = d / TrackLengthM * MathF.Tau;
            var speed = 210 + 90 * MathF.Sin(phase * 12 + variant % 7 * 0.05f);
            var angle = phase;
            samples[i] = new TraceSample(d, (uint)(lapTimeMs * d / TrackLengthM), speed, speed > 200 ? 1 : 0.3f, speed < 150 ? 0.8f : 0, MathF.Sin(phase * 12) * 0.3f,
                Math.Clamp((int)(speed / 40), 1, 8), 900 * MathF.Cos(angle), 600 * MathF.Sin(angle));
        }

        return new LapTrace(0, LapTrace.StepM, samples);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
