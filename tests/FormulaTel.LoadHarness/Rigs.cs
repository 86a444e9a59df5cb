using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

/// <summary>
/// `-- rigs [N or N,N,…] [SECONDS]`: the embedded stack's services (rpc, ingest with recording as by default, history,
/// web) as processes of this build, N simulated rigs sent from here, one car of the first rig watched on web's hub.
/// Per stage: what was sent, received, dropped by the kernel and at ingest's buffer, acknowledged by rpc, lost by a
/// slow watcher, taken in by web, and delivered to the hub client; that car's datagram → hub latency; CPU and RSS
/// of each service and of the load generator (this process).
/// </summary>
internal static class Rigs
{
    public static async Task RunAsync(IReadOnlyList<int> rigCounts, int seconds, bool kafka = false)
    {
        Console.WriteLine($"the simulator's mix at 60 Hz per rig (20 cars, ≈ 245 datagrams/s), {seconds} s measured after warm-up until ingest's buffer settles; {RecordingCost.Build()} build, {Environment.ProcessorCount} cores"
            + (kafka ? "; rpc publishes to Kafka (librdkafka's mock cluster, in this process: its CPU is in the load column) and web and history read it" : ""));
        Console.WriteLine("| rigs | datagrams/s | settled after | lost while measured: kernel datagrams / buffer frames | lost, whole run from a cold start (unreceived / buffer / unacknowledged) | rpc → watcher drops | web frames/s | watched car: states, p50 / p99 | CPU % ingest · rpc · web · history · load | RSS MB ingest · rpc · web · history |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var rigs in rigCounts)
        {
            using var cluster = kafka ? TestKafka.Start(TestKafka.Mock, partitions: 12) : null;
            await RunOnceAsync(rigs, seconds, cluster);
        }
    }

    private static async Task RunOnceAsync(int rigs, int seconds, TestKafka? kafka)
    {
        await using var stack = await EmbeddedServices.StartAsync(kafka);
        var (ingest, rpc, web) = (stack.Ingest, stack.Rpc, stack.Web);
        var services = stack.All;

        // Each rig some way into its race (cars spread out, as most of a session is), not all on the grid at once.
        var fields = Enumerable.Range(0, rigs).Select(rig => RecordingCost.Advanced(new SimulatedField(20, 0), TimeSpan.FromSeconds(20 * (rig % 30)))).ToArray();
        var sentAt = new ConcurrentDictionary<uint, long>();
        using var load = new RigLoad(fields, ingest.UdpPort, (rig, frameId) =>
        {
            if (rig == 0)
            {
                sentAt[frameId] = Stopwatch.GetTimestamp();
            }
        });

        // The watched car: the first rig's player, on web's hub as the live view watches it.
        var connection = new HubConnectionBuilder().WithUrl(new Uri(web.Http.BaseAddress!, LiveHub.Path)).Build();
        var key = "";
        var states = 0L;
        var latencies = new ConcurrentQueue<double>();
        var measuring = false;
        connection.On<CarState>(LiveHub.CarStateMethod, state =>
        {
            if (state.SessionKey == key && Volatile.Read(ref measuring))
            {
                Interlocked.Increment(ref states);
                if (sentAt.TryGetValue(state.FrameId, out var at))
                {
                    latencies.Enqueue(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            }
        });
        await Stats.StartWhenUpAsync(connection, TimeSpan.FromMinutes(1));

        using var stop = new CancellationTokenSource();
        var sending = load.RunAsync(stop.Token);
        key = SessionKeys.For(load.SourceId(0), RigLoad.SessionUid(0));
        // Overloaded, web may not have the car for a while (or at all): that shows as no states in the row.
        var watching = Stopwatch.StartNew();
        try
        {
            await connection.SubscribeWhenLiveAsync(key, 0, TimeSpan.FromSeconds(60));
        }
        catch (HubException)
        {
            // Not held within a minute: the row shows no states.
        }

        // Cold services (JIT tiers, connections) fall behind at first; measure once ingest has gone 3 s without
        // dropping a datagram (kernel) or a frame (buffer), or after 30 s, so the window shows the steady state and the cold start shows in the whole run.
        await SettleAsync(ingest, TimeSpan.FromSeconds(30));
        var settled = watching.Elapsed;

        var cpu0 = services.Select(s => s.Process.CpuSeconds()).ToArray();
        var self0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (sent0, web0) = (load.Sent, await FramesReceivedAsync(web));
        var window0 = await ingest.StatsAsync();
        Volatile.Write(ref measuring, true);
        var rss = services.ToDictionary(s => s.Name, _ => new List<double>());
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            foreach (var service in services)
            {
                rss[service.Name].Add(service.Process.ResidentMegabytes());
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref measuring, false);
        var cpu = services.Select((s, i) => Percent(s.Process.CpuSeconds(), cpu0[i], elapsed)).ToArray();
        var self = (Process.GetCurrentProcess().TotalProcessorTime - self0).TotalSeconds / elapsed * 100;
        var (sent, webFrames) = (load.Sent - sent0, await FramesReceivedAsync(web) - web0);
        var window1 = await ingest.StatsAsync();
        var (windowKernel, windowBuffer) = (Kernel(window1) - Kernel(window0), window1.GetProperty("framesDroppedBufferFull").GetInt64() - window0.GetProperty("framesDroppedBufferFull").GetInt64());
        await stop.CancelAsync();
        await sending;

        // Lost anywhere in the whole run, once the pipeline has drained: never received, dropped at the buffer, or
        // decoded but never acknowledged by rpc.
        JsonElement stats = default;
        await Eventually.Until(async () =>
        {
            stats = await ingest.StatsAsync();
            return stats.GetProperty("datagramsReceived").GetInt64() + Kernel(stats) >= load.Sent
                && stats.GetProperty("framesAcknowledged").GetInt64() + stats.GetProperty("framesDroppedBufferFull").GetInt64() >= stats.GetProperty("framesDecoded").GetInt64();
        }, "ingest to drain", TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
        stats = await ingest.StatsAsync();
        var rpcStats = await rpc.Http.GetFromJsonAsync<JsonElement>("/stats");
        var unreceived = load.Sent - stats.GetProperty("datagramsReceived").GetInt64();
        var bufferDropped = stats.GetProperty("framesDroppedBufferFull").GetInt64();
        var unacknowledged = stats.GetProperty("framesDecoded").GetInt64() - bufferDropped - stats.GetProperty("framesAcknowledged").GetInt64();
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {rigs} | {sent / elapsed:N0} | {settled.TotalSeconds:0} s | {windowKernel:N0} / {windowBuffer:N0} | {unreceived:N0} datagrams ({Kernel(stats):N0} in the kernel) / {bufferDropped:N0} frames / {unacknowledged:N0} frames " +
            $"| {rpcStats.GetProperty("watchFramesDropped").GetInt64():N0}{(kafka is null ? "" : $"; Kafka: {rpcStats.GetProperty("kafkaFramesPublished").GetInt64():N0} published, {rpcStats.GetProperty("kafkaFramesDropped").GetInt64():N0} dropped")} | {webFrames / elapsed:N0} " +
            $"| {states / elapsed:0.0}/s, {Stats.Percentile(sorted, 0.5):0.0} / {Stats.Percentile(sorted, 0.99):0.0} ms " +
            $"| {string.Join(" · ", cpu.Select(c => c.ToString("0", CultureInfo.InvariantCulture)))} · {self:0} " +
            $"| {string.Join(" · ", services.Select(s => Steady(rss[s.Name]).ToString("0", CultureInfo.InvariantCulture)))} |"));
        await connection.DisposeAsync();
    }

    private static async Task SettleAsync(ServiceProcess ingest, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        var quietSince = Stopwatch.StartNew();
        var dropped = -1L;
        while (waited.Elapsed < patience && quietSince.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(250);
            var stats = await ingest.StatsAsync();
            var now = stats.GetProperty("framesDroppedBufferFull").GetInt64() + Kernel(stats);
            if (now != dropped)
            {
                (dropped, quietSince) = (now, Stopwatch.StartNew());
            }
        }
    }

    private static long Kernel(JsonElement ingestStats) =>
        ingestStats.GetProperty("datagramsDroppedByReason").TryGetProperty("kernel", out var kernel) ? kernel.GetInt64() : 0;

    private static async Task<long> FramesReceivedAsync(ServiceProcess web) =>
        (await web.Http.GetFromJsonAsync<JsonElement>("/stats")).GetProperty("framesReceived").GetInt64();

    private static double Percent((double User, double Kernel) now, (double User, double Kernel) before, double seconds) =>
        (now.User + now.Kernel - before.User - before.Kernel) / seconds * 100;

    // The median of the second half of the samples: memory once it has settled.
    private static double Steady(List<double> samples)
    {
        var late = samples.Skip(samples.Count / 2).Order().ToArray();
        return late.Length == 0 ? double.NaN : late[late.Length / 2];
    }
}
