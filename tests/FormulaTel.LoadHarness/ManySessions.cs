using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

/// <summary>
/// `-- sessions [N=10000] [MINUTES=10]`: N distinct short sessions (participants, session details and ten ticks of 20
/// cars each, a new source every ten sessions) spread over the minutes, while one rig races throughout with its car
/// watched on web's hub. Prints each service's resident memory as it goes, what each cap let go of, and whether the
/// watched car stayed live.
/// </summary>
internal static class ManySessions
{
    public static async Task RunAsync(int sessions, double minutes)
    {
        Console.WriteLine($"{sessions:N0} sessions over {minutes} min beside one rig racing throughout; {RecordingCost.Build()} build");
        await using var stack = await EmbeddedServices.StartAsync();
        using var stop = new CancellationTokenSource();
        using var live = new RigLoad([new SimulatedField(20, 0)], stack.Ingest.UdpPort);
        var racing = live.RunAsync(stop.Token);

        var connection = new HubConnectionBuilder().WithUrl(new Uri(stack.Web.Http.BaseAddress!, LiveHub.Path)).Build();
        var key = SessionKeys.For(live.SourceId(0), RigLoad.SessionUid(0));
        var states = 0L;
        connection.On<CarState>(LiveHub.CarStateMethod, s =>
        {
            if (s.SessionKey == key)
            {
                Interlocked.Increment(ref states);
            }
        });
        await Stats.StartWhenUpAsync(connection, TimeSpan.FromMinutes(1));
        await connection.SubscribeWhenLiveAsync(key, 0, TimeSpan.FromSeconds(60));

        Console.WriteLine("| minute | sessions sent | RSS MB ingest · rpc · web · history | web sessions held / evicted | rpc: frames of cars over the metric budget | watched car states/s |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var maxRss = stack.All.ToDictionary(s => s.Name, _ => 0.0);
        var slowest = double.MaxValue;
        var interval = TimeSpan.FromMinutes(minutes) / sessions;
        var clock = Stopwatch.StartNew();
        var (nextReport, lastStates, lastReport) = (TimeSpan.FromMinutes(1), 0L, TimeSpan.Zero);
        UdpClient? socket = null;
        var target = new IPEndPoint(IPAddress.Loopback, stack.Ingest.UdpPort);
        for (var i = 0; i < sessions; i++)
        {
            if (interval * i - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }

            if (i % 10 == 0)
            {
                socket?.Dispose();
                socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            }

            foreach (var datagram in SimulatedDatagrams.Session(0x5E55_0000ul + (ulong)i, ticks: 10))
            {
                await socket!.SendAsync(datagram, target);
            }

            if (clock.Elapsed >= nextReport || i == sessions - 1)
            {
                foreach (var (name, service) in stack.All)
                {
                    maxRss[name] = Math.Max(maxRss[name], service.ResidentMegabytes());
                }

                var rate = (Interlocked.Read(ref states) - lastStates) / (clock.Elapsed - lastReport).TotalSeconds;
                slowest = Math.Min(slowest, rate);
                (lastStates, lastReport) = (Interlocked.Read(ref states), clock.Elapsed);
                var web = await stack.Web.Http.GetFromJsonAsync<JsonElement>("/stats");
                var rpc = await stack.Rpc.Http.GetFromJsonAsync<JsonElement>("/stats");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {clock.Elapsed.TotalMinutes:0.0} | {i + 1:N0} | {string.Join(" · ", stack.All.Select(s => s.Process.ResidentMegabytes().ToString("0", CultureInfo.InvariantCulture)))} " +
                    $"| {web.GetProperty("sessions").GetInt32():N0} / {web.GetProperty("sessionsEvicted").GetInt64():N0} | {rpc.GetProperty("telemetryCarsRefused").GetInt64():N0} | {rate:0.0} |"));
                nextReport += TimeSpan.FromMinutes(1);
            }
        }

        socket?.Dispose();
        await stop.CancelAsync();
        await racing;
        await connection.DisposeAsync();
        Console.WriteLine($"highest RSS: {string.Join(", ", maxRss.Select(r => $"{r.Key} {r.Value:0} MB"))} (target < 250 each); the watched car's slowest minute: {slowest:0.0} states/s (0 would mean it went stale)");
    }
}
