using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

// FormulaTel load harness.   dotnet run -c Release --project tests/FormulaTel.LoadHarness -- [SECONDS]   |   -- kafka [FRAMES]   |   -- clients [N] [SECONDS]
//   |   -- rigs [N or N,N,… (10,25,50,100,250)] [SECONDS] [kafka]   |   -- sessions [N=10000] [MINUTES=10]   |   -- recording-rigs [N] [SECONDS] [MODES, e.g. off,Zstd,Zstd3]   |   -- recording-size [MINUTES]   |   -- replay-rate [DATAGRAMS]
//   |   -- history-pages [SESSIONS]   |   -- probes [RIGS] [SECONDS]   |   -- backtest [STINTS] [MAXCLIFF]   (docs/benchmarks.md)
// Default mode: starts the AppHost (embedded stack, already built) the way a newcomer does, then
//  1. times `dotnet run` to the first moving gauge (two different speeds of the default car on the live hub),
//  2. sends its own 22-car F1 23 session at 60 Hz to ingest and measures datagram → SignalR latency per car state,
//  3. samples each service's resident memory while the simulator and the harness run.
if (args is ["kafka", ..])
{
    // The mock cluster keeps everything in memory and stalls consumers past a few MiB per partition: keep runs small.
    await KafkaThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000);
    return;
}

if (args is ["rigs", ..])
{
    var counts = args.Length > 1 ? args[1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray() : [10, 25, 50, 100, 250];
    await Rigs.RunAsync(counts, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20, kafka: args.Contains("kafka"));
    return;
}

if (args is ["sessions", ..])
{
    await ManySessions.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000, args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10);
    return;
}

if (args is ["backtest", ..])
{
    Backtest.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400, args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1.5);
    return;
}

if (args is ["probes", ..])
{
    await Probes.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
    return;
}

if (args is ["recording-rigs", ..])
{
    await RecordingCost.RigsAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20, args.Length > 3 ? args[3] : null);
    return;
}

if (args is ["history-pages", ..])
{
    await HistoryPages.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000,
        environment => StartAppHost(environment, RecordingCost.Build()), StopAppHost);
    return;
}

if (args is ["recording-size", ..])
{
    RecordingCost.RecordingSize(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60);
    return;
}

if (args is ["replay-rate", ..])
{
    await RecordingCost.ReplayRateAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500_000);
    return;
}

var hubUrl = new Uri("http://localhost:5180" + LiveHub.Path);
if (args is ["clients", ..])
{
    var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
    using var host = StartAppHost();
    try
    {
        await LiveClients.RunAsync(hubUrl, count, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30, () => ServiceMemory().Where(s => s.Name == "web").Select(s => s.Pid).FirstOrDefault());
    }
    finally
    {
        await StopAppHost(host);
    }

    return;
}

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var started = Stopwatch.StartNew();
using var appHost = StartAppHost();

try
{
    var connection = new HubConnectionBuilder().WithUrl(hubUrl).WithAutomaticReconnect().Build();
    await Stats.StartWhenUpAsync(connection, TimeSpan.FromMinutes(3));

    // 1. First moving gauge: the default car's speed changing.
    var speeds = Channel<float>();
    connection.On<CarState>(LiveHub.CarStateMethod, s => speeds.Writer.TryWrite(s.SpeedKph));
    SessionSummary? session = null;
    while (session is null)
    {
        session = (await connection.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).FirstOrDefault(s => s.Cars.Count > 0);
        if (session is null)
        {
            await Task.Delay(100); // well inside the hub's call rate
        }
    }

    await connection.InvokeAsync<CarState?>("Subscribe", session.SessionKey, Math.Max(0, session.PlayerCarIndex));
    var first = await speeds.Reader.ReadAsync();
    while (await speeds.Reader.ReadAsync() == first)
    {
    }

    var toMovingGauge = started.Elapsed;
    Console.WriteLine($"start of dotnet run → first moving gauge: {toMovingGauge.TotalSeconds:0.0} s (target < 30 s)");
    await connection.InvokeAsync("Unsubscribe", session.SessionKey, Math.Max(0, session.PlayerCarIndex));

    // 2. Latency at 60 Hz × 22 cars, alongside the built-in simulator's 20 cars.
    var field = new SimulatedField(22, 0);
    const ulong sessionUid = 0xBE_4C_4D_A2;
    var writer = new F1PacketWriter(field, sessionUid);
    using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    var key = SessionKeys.For($"127.0.0.1:{((IPEndPoint)udp.Client.LocalEndPoint!).Port}", sessionUid);
    var sentAt = new ConcurrentDictionary<uint, long>();
    var latencies = new ConcurrentBag<double>();
    connection.On<CarState>(LiveHub.CarStateMethod, s =>
    {
        if (s.SessionKey == key && sentAt.TryGetValue(s.FrameId, out var at))
        {
            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        }
    });
    // The hub follows cars web holds: the grid's first datagrams, then the subscriptions.
    {
        var grid = new byte[1500];
        await udp.SendAsync(grid.AsMemory(0, writer.WriteParticipants(grid)), new IPEndPoint(IPAddress.Loopback, 20777));
        await udp.SendAsync(grid.AsMemory(0, writer.WriteCarTelemetry(grid)), new IPEndPoint(IPAddress.Loopback, 20777));
        for (var car = 0; car < 22; car++)
        {
            await connection.SubscribeWhenLiveAsync(key, car);
        }
    }

    var rss = new Dictionary<string, List<double>>();
    var buffer = new byte[1500];
    var target = new IPEndPoint(IPAddress.Loopback, 20777);
    var clock = Stopwatch.StartNew();
    var nextSample = TimeSpan.Zero;
    long tick = 0;
    Console.WriteLine($"Sending 22 cars at 60 Hz for {seconds} s (plus the simulator's 20 cars)…");
    await udp.SendAsync(buffer.AsMemory(0, writer.WriteParticipants(buffer)), target);
    while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        for (; tick < (long)(clock.Elapsed.TotalSeconds * 60) + 1; tick++)
        {
            field.Step(1.0 / 60);
            await udp.SendAsync(buffer.AsMemory(0, writer.WriteMotion(buffer)), target);
            await udp.SendAsync(buffer.AsMemory(0, writer.WriteLapData(buffer)), target);
            await udp.SendAsync(buffer.AsMemory(0, writer.WriteCarStatus(buffer)), target);
            // Telemetry last: its send time is what a car state's frame id is measured from.
            var length = writer.WriteCarTelemetry(buffer);
            sentAt[field.FrameId] = Stopwatch.GetTimestamp();
            await udp.SendAsync(buffer.AsMemory(0, length), target);
        }

        if (clock.Elapsed >= nextSample)
        {
            foreach (var (name, kb, _) in ServiceMemory())
            {
                (rss.TryGetValue(name, out var list) ? list : rss[name] = []).Add(kb / 1024.0);
            }

            nextSample += TimeSpan.FromSeconds(1);
        }

        await Task.Delay(TimeSpan.FromSeconds(tick / 60.0) - clock.Elapsed is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
    }

    await Task.Delay(500);
    var sorted = latencies.Order().ToArray();
    Console.WriteLine($"datagram → SignalR latency over {sorted.Length} car states ({tick} ticks × 22 cars sent):");
    Console.WriteLine($"  p50 {Stats.Percentile(sorted, 0.50):0.0} ms (target < 16), p90 {Stats.Percentile(sorted, 0.90):0.0} ms, p99 {Stats.Percentile(sorted, 0.99):0.0} ms (target < 33), max {sorted.LastOrDefault():0.0} ms");
    Console.WriteLine("resident memory (MB) while running, steady = median of the last half of the samples:");
    foreach (var (name, samples) in rss.OrderBy(r => r.Key))
    {
        var steady = samples.Skip(samples.Count / 2).Order().ElementAt(samples.Skip(samples.Count / 2).Count() / 2);
        Console.WriteLine($"  {name,-10} steady {steady,6:0} MB, max {samples.Max(),6:0} MB (target < 150)");
    }

    await connection.DisposeAsync();
}
finally
{
    await StopAppHost(appHost);
}

static Process StartAppHost(IReadOnlyDictionary<string, string>? environment = null, string configuration = "Debug")
{
    var root = FindRoot();
    Console.WriteLine($"Starting the AppHost (dotnet run --project FormulaTel.AppHost --no-build -c {configuration}) in {root}");
    var start = new ProcessStartInfo("dotnet", $"run --project FormulaTel.AppHost --no-build -c {configuration}")
    {
        WorkingDirectory = root,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        Environment = { ["FORMULATEL_STACK"] = "embedded" },
    };
    foreach (var (name, value) in environment ?? new Dictionary<string, string>())
    {
        start.Environment[name] = value;
    }

    var appHost = Process.Start(start)!;
    appHost.OutputDataReceived += (_, _) => { };
    appHost.ErrorDataReceived += (_, _) => { };
    appHost.BeginOutputReadLine();
    appHost.BeginErrorReadLine();
    return appHost;
}

static async Task StopAppHost(Process appHost)
{
    // SIGTERM to the AppHost itself (a child of `dotnet run`) lets it stop its resources; SIGINT would not. Wait for
    // it to finish: it logs while stopping, and exiting first would close the pipe it writes to.
    var tree = Descendants(appHost.Id).Append(appHost.Id).ToArray();
    foreach (var pid in tree)
    {
        Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
    }

    var deadline = Stopwatch.StartNew();
    while ((tree.Any(pid => Directory.Exists($"/proc/{pid}")) || ServiceMemory().Any()) && deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        await Task.Delay(200);
    }

    if (ServiceMemory().Any())
    {
        Console.WriteLine("warning: service processes were still running 60 s after SIGTERM");
    }
}

static System.Threading.Channels.Channel<T> Channel<T>() => System.Threading.Channels.Channel.CreateUnbounded<T>();

static IEnumerable<(string Name, long Kb, int Pid)> ServiceMemory()
{
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        string cmdline;
        string status;
        try
        {
            cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            status = File.ReadAllText(Path.Combine(dir, "status"));
        }
        catch (IOException)
        {
            continue;
        }
        catch (UnauthorizedAccessException)
        {
            continue;
        }

        var name = cmdline.Contains("FormulaTel.Ingest", StringComparison.Ordinal) && cmdline.Contains(" simulate", StringComparison.Ordinal) ? "simulator"
            : cmdline.Contains("bin/Debug/net10.0/FormulaTel.Ingest", StringComparison.Ordinal) ? "ingest"
            : cmdline.Contains("bin/Debug/net10.0/FormulaTel.Rpc", StringComparison.Ordinal) ? "rpc"
            : cmdline.Contains("bin/Debug/net10.0/FormulaTel.Web", StringComparison.Ordinal) ? "web"
            : null;
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (name is not null && line is not null)
        {
            yield return (name, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture), int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
        }
    }
}

static IEnumerable<int> Descendants(int parent)
{
    var children = new List<int>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
        {
            continue;
        }

        try
        {
            // /proc/PID/stat: "pid (name) state ppid ...", the name may hold spaces.
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                children.Add(pid);
            }
        }
        catch (IOException)
        {
        }
    }

    return children.SelectMany(c => Descendants(c).Prepend(c)).ToArray();
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}
