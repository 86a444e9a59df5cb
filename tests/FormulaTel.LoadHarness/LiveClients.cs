using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

/// <summary>
/// Many live-view clients at once: N SignalR clients on web's hub, each following the simulator's player car and one
/// other car (a second screen), while the built-in simulator runs. Prints web's CPU and memory with no clients and with
/// N, the cost per client, and update lag (now − when ingest received the datagram) percentiles.
/// </summary>
internal static class LiveClients
{
    public static async Task RunAsync(Uri hubUrl, int count, int seconds, Func<int> webPid)
    {
        var probe = new HubConnectionBuilder().WithUrl(hubUrl).Build();
        await Stats.StartWhenUpAsync(probe, TimeSpan.FromMinutes(3));

        SessionSummary? session = null;
        while (session is null)
        {
            session = (await probe.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).FirstOrDefault(s => s.Cars.Count >= 20);
            await Task.Delay(session is null ? 200 : 0);
        }

        await probe.DisposeAsync();
        Console.WriteLine($"Simulator session {session.SessionKey}; web pid {webPid()}. Baseline with no clients, {seconds} s…");
        var idle = await MeasureAsync(webPid(), TimeSpan.FromSeconds(seconds));

        var lags = new ConcurrentBag<double>();
        var received = 0L;
        var clients = new List<HubConnection>();
        for (var i = 0; i < count; i++)
        {
            var client = new HubConnectionBuilder().WithUrl(hubUrl).Build();
            client.On<CarState>(LiveHub.CarStateMethod, state =>
            {
                Interlocked.Increment(ref received);
                if (state.ReceivedAt != default)
                {
                    lags.Add((DateTimeOffset.UtcNow - state.ReceivedAt).TotalMilliseconds);
                }
            });
            await client.StartAsync();
            var player = Math.Max(0, session.PlayerCarIndex);
            await client.InvokeAsync<CarState?>("Subscribe", session.SessionKey, player);
            await client.InvokeAsync<CarState?>("Subscribe", session.SessionKey, (player + 1 + i) % session.Cars.Count);
            clients.Add(client);
        }

        // Settle, then measure.
        await Task.Delay(TimeSpan.FromSeconds(3));
        lags.Clear();
        Interlocked.Exchange(ref received, 0);
        Console.WriteLine($"{count} clients connected, each following 2 cars; measuring {seconds} s…");
        var busy = await MeasureAsync(webPid(), TimeSpan.FromSeconds(seconds));
        var messages = Interlocked.Read(ref received);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var sorted = lags.Order().ToArray();
        Console.WriteLine($"web with no clients:  CPU {idle.CpuPercent:0.0} % of one core, RSS {idle.RssMb:0} MB");
        Console.WriteLine($"web with {count} clients: CPU {busy.CpuPercent:0.0} % of one core, RSS {busy.RssMb:0} MB");
        Console.WriteLine($"per client: CPU {(busy.CpuPercent - idle.CpuPercent) / count:0.00} % of one core, memory {(busy.RssMb - idle.RssMb) / count * 1024:0} KB");
        Console.WriteLine($"updates received: {messages:N0} in {seconds} s ({messages / (double)seconds / count:0} per client per second)");
        Console.WriteLine($"update lag (ingest receipt → client): p50 {Stats.Percentile(sorted, 0.5):0.0} ms, p90 {Stats.Percentile(sorted, 0.9):0.0} ms, p99 {Stats.Percentile(sorted, 0.99):0.0} ms, max {sorted.LastOrDefault():0.0} ms");
    }

    private static async Task<(double CpuPercent, double RssMb)> MeasureAsync(int pid, TimeSpan duration)
    {
        var cpuBefore = CpuTicks(pid);
        var clock = Stopwatch.StartNew();
        var rss = new List<double>();
        while (clock.Elapsed < duration)
        {
            await Task.Delay(1000);
            rss.Add(RssMb(pid));
        }

        var cpu = (CpuTicks(pid) - cpuBefore) / 100.0 / clock.Elapsed.TotalSeconds * 100; // USER_HZ = 100
        return (cpu, rss.Order().ElementAt(rss.Count / 2));
    }

    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
    }

    private static double RssMb(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}

internal static class Stats
{
    /// <summary>Starts the connection, retrying while web is still starting (up to <paramref name="patience"/>).</summary>
    public static async Task StartWhenUpAsync(HubConnection connection, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await connection.StartAsync();
                return;
            }
            catch (HttpRequestException) when (waited.Elapsed < patience)
            {
                await Task.Delay(100);
            }
        }
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
}
