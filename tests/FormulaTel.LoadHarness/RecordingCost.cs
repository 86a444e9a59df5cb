using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FormulaTel.Ingest.Capture;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Replay;
using FormulaTel.Ingest.Simulation;
using FormulaTel.Testing;

/// <summary>
/// The recording issue's targets, measured:
/// `-- rigs [N] [SECONDS]`: ingest's CPU with recording off, zstd and gzip while N simulated rigs send (ingest and
/// rpc as processes of this build, the load generated here, on this box); drops at every counted place.
/// `-- recording-size [MINUTES]`: bytes per hour of one 20-car session at 60 Hz, per compression.
/// `-- replay-rate [DATAGRAMS]`: what `replay --speed max` sends per second from one process.
/// </summary>
internal static class RecordingCost
{
    public static async Task RigsAsync(int rigs, int seconds)
    {
        Console.WriteLine($"{rigs} rigs × the simulator's mix at 60 Hz, {seconds} s measured after 5 s warm-up; {Build()} build");
        Console.WriteLine("| recording | datagrams sent | received by ingest | kernel drops | not recorded | ingest CPU (% of a core) | rpc CPU | ingest RSS | written |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        // Each rig some way into its race (cars spread out, as most of a session is), not all on the grid at once.
        var fields = Enumerable.Range(0, rigs).Select(rig => Advanced(new SimulatedField(20, 0), TimeSpan.FromMinutes(10 + rig))).ToArray();
        foreach (var (mode, level) in new (string, int?)[] { ("off", null), ("None", null), ("Zstd", 1), ("Zstd", 3), ("Gzip", 1), ("Gzip", 6), ("off", null), ("None", null), ("Zstd", 1) })
        {
            using var recordings = new TempDirectory();
            var grpcPort = FreePort.Tcp();
            await using var rpc = await ServiceProcess.StartAsync("FormulaTel.Rpc.dll", new Dictionary<string, string> { ["GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture) });
            await using var ingest = await ServiceProcess.StartAsync("FormulaTel.Ingest.dll", new Dictionary<string, string>
            {
                ["Ingest__RpcAddress"] = $"http://127.0.0.1:{grpcPort}",
                ["Ingest__Recording__Enabled"] = mode == "off" ? "false" : "true",
                ["Ingest__Recording__Compression"] = mode == "off" ? "Zstd" : mode,
                ["Ingest__Recording__CompressionLevel"] = level?.ToString(CultureInfo.InvariantCulture) ?? "",
                ["Ingest__Recording__Directory"] = recordings.Path,
            });
            var load = new RigLoad(fields, ingest.UdpPort);
            using var stop = new CancellationTokenSource();
            var sending = load.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (ingestCpu0, rpcCpu0, sent0, drops0) = (ingest.CpuSeconds(), rpc.CpuSeconds(), load.Sent, KernelDrops(ingest.UdpPort));
            var ingestSystem0 = ingest.SystemSeconds();
            var stats0 = await ingest.StatsAsync();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var elapsed = clock.Elapsed.TotalSeconds;
            var (ingestCpu, rpcCpu, sent, drops) = (ingest.CpuSeconds() - ingestCpu0, rpc.CpuSeconds() - rpcCpu0, load.Sent - sent0, KernelDrops(ingest.UdpPort) - drops0);
            var ingestSystem = ingest.SystemSeconds() - ingestSystem0;
            var rss = ingest.ResidentMegabytes();
            await stop.CancelAsync();
            await sending;
            var stats = await ingest.StatsAsync();
            var received = stats.GetProperty("datagramsReceived").GetInt64() - stats0.GetProperty("datagramsReceived").GetInt64();
            var recording = stats.GetProperty("recording");
            var notRecorded = recording.GetProperty("datagramsDroppedByReason").EnumerateObject().Sum(p => p.Value.GetInt64());
            var written = recording.GetProperty("bytesWritten").GetInt64() - stats0.GetProperty("recording").GetProperty("bytesWritten").GetInt64();
            Console.WriteLine($"| {mode}{(level is { } l ? $" {l}" : "")} | {sent:N0} | {received:N0} | {drops:N0} | {notRecorded:N0} | {ingestCpu / elapsed * 100:0.0} % ({ingestSystem / elapsed * 100:0.0} % in the kernel) | {rpcCpu / elapsed * 100:0.0} % | {rss:0} MB | {written / 1e6:0.0} MB ({written / elapsed * 3600 / rigs / 1e6:0} MB/h per rig) |");
        }
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

    private static string Build() =>
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

    /// <summary>N rigs, each its own socket and session, sending the simulator's mix at 60 Hz from one loop.</summary>
    private sealed class RigLoad(SimulatedField[] fields, int port)
    {
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public Task RunAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(() =>
        {
            var target = new IPEndPoint(IPAddress.Loopback, port);
            var rigs = fields.Length;
            var writers = fields.Select((f, i) => new F1PacketWriter(f, 0xA000ul + (ulong)i)).ToArray();
            var sockets = fields.Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToArray();
            foreach (var socket in sockets)
            {
                socket.Connect(target);
            }

            var buffer = new byte[1500];
            var clock = Stopwatch.StartNew();
            long tick = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                for (; tick < clock.Elapsed.TotalSeconds * 60; tick++)
                {
                    for (var rig = 0; rig < rigs; rig++)
                    {
                        var (field, writer, socket) = (fields[rig], writers[rig], sockets[rig]);
                        field.Step(1.0 / 60);
                        void Send(int length)
                        {
                            socket.Send(buffer.AsSpan(0, length), SocketFlags.None, out _);
                            _sent++;
                        }

                        if (tick % 300 == 0)
                        {
                            Send(writer.WriteParticipants(buffer));
                        }

                        if (tick % 30 == 0)
                        {
                            Send(writer.WriteSession(buffer));
                            Send(writer.WriteCarDamage(buffer));
                        }

                        Send(writer.WriteMotion(buffer));
                        Send(writer.WriteLapData(buffer));
                        Send(writer.WriteCarTelemetry(buffer));
                        Send(writer.WriteCarStatus(buffer));
                        foreach (var simulated in field.TakeEvents())
                        {
                            Send(writer.WriteEvent(simulated, buffer));
                        }
                    }
                }

                Thread.Sleep(2);
            }

            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static SimulatedField Advanced(SimulatedField field, TimeSpan by)
    {
        for (var i = 0; i < by.TotalSeconds * 60; i++)
        {
            field.Step(1.0 / 60);
            field.TakeEvents();
        }

        return field;
    }

    /// <summary>A service as its own process from this harness' build output.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private ServiceProcess(Process process, HttpClient http, int udpPort)
        {
            _process = process;
            _http = http;
            UdpPort = udpPort;
        }

        public int UdpPort { get; }

        public static async Task<ServiceProcess> StartAsync(string assembly, Dictionary<string, string> settings)
        {
            var httpPort = FreePort.Tcp();
            var udpPort = FreePort.Udp();
            var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, assembly)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
                    ["Ingest__UdpPort"] = udpPort.ToString(CultureInfo.InvariantCulture),
                    ["Logging__LogLevel__Default"] = "Warning",
                    // As the AppHost runs the services (FormulaTelModel.TuneService).
                    ["DOTNET_GCgen0size"] = "0x400000",
                },
            };
            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            await Eventually.Until(async () =>
            {
                try
                {
                    return (await http.GetAsync("/health")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, $"{assembly} healthy", TimeSpan.FromSeconds(60));
            return new ServiceProcess(process, http, udpPort);
        }

        public Task<JsonElement> StatsAsync() => _http.GetFromJsonAsync<JsonElement>("/stats");

        public double CpuSeconds() => UserSeconds() + SystemSeconds();

        // /proc/PID/stat: utime and stime, the 14th and 15th fields, in clock ticks (100 a second).
        public double UserSeconds() => StatField(11) / 100.0;

        public double SystemSeconds() => StatField(12) / 100.0;

        private long StatField(int index)
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[index], CultureInfo.InvariantCulture);
        }

        public double ResidentMegabytes() =>
            long.Parse(File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _http.Dispose();
        }
    }
}
