using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FormulaTel.Simulation;
using FormulaTel.Testing;

namespace FormulaTel.History.Tests.EndToEnd;

/// <summary>
/// The embedded stack's path, as processes: the simulator (at 8× time, a lap in about 10 s, longer than a restart takes) → ingest → rpc → history's watch stream →
/// SQLite → the API. Laps appear with the times the simulator drove, and a restart of history mid-session loses no
/// completed lap and duplicates none.
/// </summary>
public sealed class HistoryEndToEndTests
{
    private const double TimeScale = 8;
    private const int Cars = 20;

    [Fact]
    public async Task Simulated_laps_are_stored_with_the_simulators_times_across_a_restart_of_history()
    {
        using var data = new TempDirectory();
        var grpcPort = FreePort.Tcp();
        // With rpc's keys in place, as the AppHost runs it: ingest publishes with its key, history watches with its own.
        var keys = new TestRpcKeys();
        await using var rpc = await ServiceProcess.StartAsync("FormulaTel.Rpc.dll", new Dictionary<string, string>(keys.RpcEnvironment()) { ["GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture) });
        var rpcAddress = $"http://127.0.0.1:{grpcPort}";
        await using var ingest = await ServiceProcess.StartIngestAsync(new Dictionary<string, string>([TestRpcKeys.ClientEnvironment(keys.Publish)]) { ["Ingest__RpcAddress"] = rpcAddress, ["Ingest__Recording__Enabled"] = "false" });
        var historySettings = new Dictionary<string, string>([TestRpcKeys.ClientEnvironment(keys.Watch)]) { ["History__RpcAddress"] = rpcAddress, ["History__DataDirectory"] = data.Path };
        var history = await ServiceProcess.StartAsync("FormulaTel.History.dll", historySettings);

        using var stop = new CancellationTokenSource();
        var simulator = new Simulator(new SimulatorOptions
        {
            Target = new IPEndPoint(IPAddress.Loopback, ingest.UdpPort), Cars = Cars, SessionUid = 0x5E55_1011, TimeScale = TimeScale,
        });
        var driving = Task.Run(() => simulator.RunAsync(stop.Token));
        try
        {
            var sessionId = 0L;
            await Eventually.Until(async () =>
            {
                var items = (await history.Http.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("items");
                sessionId = items.GetArrayLength() > 0 ? items[0].GetProperty("id").GetInt64() : 0;
                return sessionId > 0 && await CompletedLapsAsync(history, sessionId, car: 0) >= 2;
            }, "two laps of car 0 in the API", TimeSpan.FromSeconds(150));

            // Restart history mid-session.
            await history.SignalAsync("TERM");
            await history.DisposeAsync();
            history = await ServiceProcess.StartAsync("FormulaTel.History.dll", historySettings);
            await Eventually.Until(async () => await CompletedLapsAsync(history, sessionId, car: 0) >= 5, "five laps of car 0 after the restart", TimeSpan.FromSeconds(150));
            await stop.CancelAsync();
            await driving;

            var laps = (await history.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/laps")).EnumerateArray().ToList();
            var expected = ExpectedLapTimes(laps.Max(l => l.GetProperty("lapNumber").GetInt32()));
            foreach (var car in laps.GroupBy(l => l.GetProperty("carIndex").GetInt32()))
            {
                var complete = car.Where(l => l.GetProperty("status").GetString() == "complete").Select(l => l.GetProperty("lapNumber").GetInt32()).ToList();
                // Every lap from the first, once: none lost across the restart, none twice.
                Assert.Equal(Enumerable.Range(1, complete.Count), complete);
                foreach (var lap in car.Where(l => l.GetProperty("status").GetString() == "complete"))
                {
                    var number = lap.GetProperty("lapNumber").GetInt32();
                    Assert.Equal(expected[(car.Key, number)], lap.GetProperty("lapTimeMs").GetUInt32());
                }
            }

            Assert.True(laps.Count(l => l.GetProperty("status").GetString() == "complete") >= Cars * 4);
            var session = await history.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");
            Assert.Equal("Silverstone", session.GetProperty("session").GetProperty("track").GetString());
            Assert.Equal(Cars, session.GetProperty("cars").GetArrayLength());
            // A lap driven whole has its trace every 5 m from the line to the line.
            var whole = laps.First(l => l.GetProperty("traceCoverage").GetDouble() > 0.99 && l.GetProperty("status").GetString() == "complete");
            var points = (await history.Http.GetFromJsonAsync<JsonElement>($"/api/laps/{whole.GetProperty("id").GetInt64()}/trace")).GetProperty("points");
            Assert.InRange(points.GetArrayLength(), 5891 / 5 - 3, 5891 / 5 + 1);
        }
        finally
        {
            await stop.CancelAsync();
            await driving.ContinueWith(_ => { }, TaskScheduler.Default);
            await history.DisposeAsync();
        }
    }

    private static async Task<int> CompletedLapsAsync(ServiceProcess history, long sessionId, int car)
    {
        var laps = await history.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/laps?car={car}");
        return laps.EnumerateArray().Count(l => l.GetProperty("status").GetString() == "complete");
    }

    /// <summary>The lap times the simulator's field drives at this time scale (deterministic per tick), in ms as the packets carry them.</summary>
    private static Dictionary<(int Car, int Lap), uint> ExpectedLapTimes(int laps)
    {
        var field = new SimulatedField(Cars, 0);
        var times = new Dictionary<(int, int), uint>();
        while (field.Cars.Min(c => c.LapNumber) <= laps + 1)
        {
            var before = field.Cars.Select(c => c.LapNumber).ToArray();
            field.Step(TimeScale / 60);
            foreach (var car in field.Cars.Where(c => c.LapNumber != before[c.Index]))
            {
                times[(car.Index, before[car.Index])] = (uint)Math.Round(car.LastLapTime * 1000);
            }
        }

        return times;
    }
}
