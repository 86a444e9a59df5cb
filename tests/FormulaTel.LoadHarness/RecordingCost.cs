using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Capture;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Replay;
using FormulaTel.Simulation;
using FormulaTel.Testing;

/// <summary>
/// What recording, replay and forwarding cost, measured (docs/benchmarks.md):
/// `-- recording-rigs [N] [SECONDS] [MODES]`: ingest's CPU with recording off, zstd and gzip while N simulated rigs send (ingest and
/// rpc as processes of this build, the load generated here, on this box); drops at every counted place.
/// `-- recording-size [MINUTES]`: bytes per hour of one 20-car session at 60 Hz, per compression.
/// `-- replay-rate [DATAGRAMS]`: what `replay --speed max` sends per second from one process.
/// </summary>
internal static class RecordingCost
{
    public static async Task RigsAsync(int rigs, int seconds, string? modes)
    {
        Console.WriteLine($"{rigs} rigs × the simulator's mix at 60 Hz, {seconds} s measured after 5 s warm-up; {Build()} build");
        Console.WriteLine("| recording | datagrams sent (window) | lost (whole run) | kernel drops | not recorded | ingest CPU (% of a core) | rpc CPU | ingest RSS | written |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        // Each rig some way into its race (cars spread out, as most of a session is), not all on the grid at once.
        var fields = Enumerable.Range(0, rigs).Select(rig => Advanced(new SimulatedField(20, 0), TimeSpan.FromMinutes(10 + rig))).ToArray();
        // No level: what ingest picks (zstd 3 / gzip 6, the fastest once 8 recordings are open: so 1 here).
        var runs = modes is null
            ? new (string, int?)[] { ("off", null), ("None", null), ("Zstd", null), ("Zstd", 3), ("Gzip", null), ("off", null), ("None", null), ("Zstd", null) }
            : modes.Split(',').Select(ParseMode).ToArray();
        foreach (var (mode, level) in runs)
        {
            using var recordings = new TempDirectory();
            var grpcPort = FreePort.Tcp();
            await using var rpc = await ServiceProcess.StartAsync("FormulaTel.Rpc.dll", new Dictionary<string, string> { ["GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture), ["Logging__LogLevel__Default"] = "Warning", ["Rpc__Access__AllowAnonymous"] = "true" });
            await using var ingest = await ServiceProcess.StartIngestAsync(new Dictionary<string, string>
            {
                ["Ingest__RpcAddress"] = $"http://127.0.0.1:{grpcPort}",
                ["Ingest__Recording__Enabled"] = mode == "off" ? "false" : "true",
                ["Ingest__Recording__Compression"] = mode == "off" ? "Zstd" : mode,
                ["Ingest__Recording__CompressionLevel"] = level?.ToString(CultureInfo.InvariantCulture) ?? "",
                ["Ingest__Recording__Directory"] = recordings.Path,
                ["Logging__LogLevel__Default"] = "Warning",
            });
            using var load = new RigLoad(fields, ingest.UdpPort);
            using var stop = new CancellationTokenSource();
            var sending = load.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (ingestCpu0, rpcCpu0, sent0, drops0) = (ingest.CpuSeconds(), rpc.CpuSeconds(), load.Sent, KernelDrops(ingest.UdpPort));
            var stats0 = await ingest.StatsAsync();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var elapsed = clock.Elapsed.TotalSeconds;
            var (ingestCpu1, rpcCpu1, sent, drops) = (ingest.CpuSeconds(), rpc.CpuSeconds(), load.Sent - sent0, KernelDrops(ingest.UdpPort) - drops0);
            var ingestCpu = ingestCpu1.User + ingestCpu1.Kernel - ingestCpu0.User - ingestCpu0.Kernel;
            var ingestSystem = ingestCpu1.Kernel - ingestCpu0.Kernel;
            var rpcCpu = rpcCpu1.User + rpcCpu1.Kernel - rpcCpu0.User - rpcCpu0.Kernel;
            var rss = ingest.ResidentMegabytes();
            await stop.CancelAsync();
            await sending;
            // Lost anywhere: everything sent in the whole run against everything ingest took in.
            await Eventually.Until(async () => (await ingest.StatsAsync()).GetProperty("datagramsReceived").GetInt64() >= load.Sent, "ingest has what was sent", TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            var stats = await ingest.StatsAsync();
            var lost = load.Sent - stats.GetProperty("datagramsReceived").GetInt64();
            var recording = stats.GetProperty("recording");
            var notRecorded = recording.GetProperty("datagramsDroppedByReason").EnumerateObject().Sum(p => p.Value.GetInt64());
            var written = recording.GetProperty("bytesWritten").GetInt64() - stats0.GetProperty("recording").GetProperty("bytesWritten").GetInt64();
            Console.WriteLine($"| {mode}{(level is { } l ? $" {l}" : "")} | {sent:N0} | {lost:N0} | {drops:N0} | {notRecorded:N0} | {ingestCpu / elapsed * 100:0.0} % ({ingestSystem / elapsed * 100:0.0} % in the kernel) | {rpcCpu / elapsed * 100:0.0} % | {rss:0} MB | {written / 1e6:0.0} MB ({written / elapsed * 3600 / rigs / 1e6:0} MB/h per rig) |");
        }
    }

    // "off", "None", "Zstd", "Gzip", or one of the compressions with a level: "Zstd3".
    private static (string Mode, int? Level) ParseMode(string text)
    {
        var digits = text.AsSpan().IndexOfAnyInRange('0', '9');
        return digits < 0 ? (text, null) : (text[..digits], int.Parse(text[digits..], CultureInfo.InvariantCulture));
    }

    public static void RecordingSize(double minutes)
    {
        Console.WriteLine($"One 20-car F1 23 session at 60 Hz (the simulator's mix), {minutes} simulated minutes, flushed every simulated second as ingest does; {Build()} build");
        Console.WriteLine("| file | level | bytes | MB per hour | ratio | write CPU (s per hour of session) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        using var directory = new TempDirectory();
        foreach (var (extension, level) in new (string, int?)[] { (".pcapng", null), (".pcapng.zst", 1), (".pcapng.zst", 3), (".pcapng.zst", 6), (".pcapng.gz", 1), (".pcapng.gz", 6), (".pcapng.gz", 9) })
        {
            var path = directory.File($"session-{level}{extension}");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long datagrams = 0;
            using (var file = RecordingFile.Create(path, level, new RecordingMetadata { Started = DateTimeOffset.UtcNow, Game = "F1 23" }, "udp/20777", "harness"))
            {
                var source = new IPEndPoint(IPAddress.Parse("192.168.1.20"), 54321);
                var destination = new IPEndPoint(IPAddress.Parse("192.168.1.10"), 20777);
                var at = DateTimeOffset.UtcNow;
                foreach (var (datagram, offset) in Session(TimeSpan.FromMinutes(minutes)))
                {
                    file.Write(datagram.Span, source, destination, at + offset);
                    if (++datagrams % 245 == 0)
                    {
                        file.Flush();
                    }
                }

                file.Close(at + TimeSpan.FromMinutes(minutes), 0, null);
            }

            var spent = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var bytes = new FileInfo(path).Length;
            var perHour = bytes * 60 / minutes;
            Console.WriteLine($"| {extension} | {(level?.ToString(CultureInfo.InvariantCulture) ?? "–")} | {bytes:N0} | {perHour / 1e6:0} MB | {(double)new FileInfo(directory.File("session-.pcapng")).Length / bytes:0.0}:1 | {spent * 60 / minutes:0.0} s (includes simulating) |");
        }
    }

    public static async Task ReplayRateAsync(int datagrams)
    {
        using var directory = new TempDirectory();
        Console.WriteLine($"replay --speed max of {datagrams:N0} datagrams to a UDP socket on loopback (read by another thread); {Build()} build");
        Console.WriteLine("| input | sent | seconds | datagrams/s | received |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var extension in new[] { ".pcapng.zst", ".pcapng.gz", ".pcapng" })
        {
            var path = directory.File("replay" + extension);
            using (var file = RecordingFile.Create(path, null, new RecordingMetadata { Started = DateTimeOffset.UtcNow }, "udp/20777", "harness"))
            {
                var sources = Enumerable.Range(0, 20).Select(i => new IPEndPoint(IPAddress.Parse($"192.168.1.{20 + i}"), 50000 + i)).ToArray();
                var destination = new IPEndPoint(IPAddress.Parse("192.168.1.10"), 20777);
                var at = DateTimeOffset.UtcNow;
                var n = 0;
                foreach (var (datagram, offset) in Session(TimeSpan.FromDays(1)))
                {
                    file.Write(datagram.Span, sources[n % sources.Length], destination, at + offset);
                    if (++n == datagrams)
                    {
                        break;
                    }
                }

                file.Close(at, 0, null);
            }

            using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 64 * 1024 * 1024 };
            sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            long received = 0;
            var draining = Task.Factory.StartNew(() =>
            {
                var buffer = new byte[65536];
                sink.ReceiveTimeout = 2000;
                try
                {
                    while (true)
                    {
                        sink.Receive(buffer);
                        received++;
                    }
                }
                catch (SocketException)
                {
                }
            }, TaskCreationOptions.LongRunning);
            using var replayer = Replayer.Open(new ReplayOptions { Files = [path], Target = (IPEndPoint)sink.LocalEndPoint!, Speed = null });
            var clock = Stopwatch.StartNew();
            await replayer.RunAsync(CancellationToken.None);
            var elapsed = clock.Elapsed.TotalSeconds;
            await draining;
            var progress = replayer.Progress();
            Console.WriteLine($"| {extension} ({ConsoleSize(new FileInfo(path).Length)}, 20 sources) | {progress.Sent:N0} | {elapsed:0.00} | **{progress.Sent / elapsed:N0}** | {received:N0} |");
        }
    }

    private static string ConsoleSize(long bytes) => $"{bytes / 1e6:0.0} MB";

    /// <summary>The configuration the harness was built in; the services it starts run the same one.</summary>
    internal static string Build() =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The simulator's datagrams for a session, with their offsets from its start.</summary>
    private static IEnumerable<(ReadOnlyMemory<byte> Datagram, TimeSpan Offset)> Session(TimeSpan length)
    {
        var field = new SimulatedField(20, 0);
        var writer = new F1PacketWriter(field, 0xF1F1);
        // An hour from the start of the race: the grid, the start, and the field spread out.
        var buffer = new byte[1500];
        const int rate = 60;
        for (long tick = 0; tick < length.TotalSeconds * rate; tick++)
        {
            var offset = TimeSpan.FromSeconds(tick / (double)rate);
            field.Step(1.0 / rate);
            if (tick % (rate * 5) == 0)
            {
                yield return (buffer.AsMemory(0, writer.WriteParticipants(buffer)), offset);
            }

            if (tick % (rate / 2) == 0)
            {
                yield return (buffer.AsMemory(0, writer.WriteSession(buffer)), offset);
                yield return (buffer.AsMemory(0, writer.WriteCarDamage(buffer)), offset);
            }

            yield return (buffer.AsMemory(0, writer.WriteMotion(buffer)), offset);
            yield return (buffer.AsMemory(0, writer.WriteLapData(buffer)), offset);
            yield return (buffer.AsMemory(0, writer.WriteCarTelemetry(buffer)), offset);
            yield return (buffer.AsMemory(0, writer.WriteCarStatus(buffer)), offset);
            foreach (var simulated in field.TakeEvents())
            {
                yield return (buffer.AsMemory(0, writer.WriteEvent(simulated, buffer)), offset);
            }
        }
    }

    /// <summary>The kernel's drop counter for the UDP socket bound to <paramref name="port"/> (/proc/net/udp and udp6).</summary>
    private static long KernelDrops(int port)
    {
        long drops = 0;
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1];
                if (int.Parse(local[(local.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    drops += long.Parse(fields[^1], CultureInfo.InvariantCulture);
                }
            }
        }

        return drops;
    }

    internal static SimulatedField Advanced(SimulatedField field, TimeSpan by)
    {
        for (var i = 0; i < by.TotalSeconds * 60; i++)
        {
            field.Step(1.0 / 60);
            field.TakeEvents();
        }

        return field;
    }
}
