using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FormulaTel.Protos.V1;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

/// <summary>
/// `-- probes [RIGS=10] [SECONDS=20]`: the embedded stack's services as processes of this build (rpc with its keys),
/// RIGS simulated rigs sent from here, one car watched on web's hub. Three phases of SECONDS each: nothing else; one
/// client abusing the hub (Subscribe after Subscribe with fresh 2 KB keys, as fast as web answers); one client
/// abusing rpc (calls without a key, and with a wrong one, 64 at a time on one connection). Per phase: what the abuser got through,
/// web's and rpc's CPU (% of one core) and resident memory, and the watched car's datagram → hub latency.
/// </summary>
internal static class Probes
{
    /// <summary>The rpc abuser's calls in flight at once (HTTP/2 lets one connection carry 100).</summary>
    private const int Concurrency = 64;

    public static async Task RunAsync(int rigs, int seconds)
    {
        Console.WriteLine($"{rigs} rigs (the simulator's mix at 60 Hz, 20 cars each), {seconds} s per phase; {RecordingCost.Build()} build, {Environment.ProcessorCount} cores");
        await using var stack = await EmbeddedServices.StartAsync();
        var fields = Enumerable.Range(0, rigs).Select(rig => RecordingCost.Advanced(new SimulatedField(20, 0), TimeSpan.FromSeconds(20 * (rig % 30)))).ToArray();
        var sentAt = new ConcurrentDictionary<uint, long>();
        using var load = new RigLoad(fields, stack.Ingest.UdpPort, (rig, frameId) =>
        {
            if (rig == 0)
            {
                sentAt[frameId] = Stopwatch.GetTimestamp();
            }
        });

        var key = "";
        var latencies = new ConcurrentQueue<double>();
        await using var watcher = new HubConnectionBuilder().WithUrl(new Uri(stack.Web.Http.BaseAddress!, LiveHub.Path)).Build();
        watcher.On<CarState>(LiveHub.CarStateMethod, state =>
        {
            if (state.SessionKey == key && sentAt.TryGetValue(state.FrameId, out var at))
            {
                latencies.Enqueue(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            }
        });
        await Stats.StartWhenUpAsync(watcher, TimeSpan.FromMinutes(1));
        using var stop = new CancellationTokenSource();
        var sending = load.RunAsync(stop.Token);
        key = SessionKeys.For(load.SourceId(0), RigLoad.SessionUid(0));
        await watcher.SubscribeWhenLiveAsync(key, 0, TimeSpan.FromSeconds(60));
        // Warm: JIT tiers and connections settle before anything is measured.
        await Task.Delay(TimeSpan.FromSeconds(10));

        Console.WriteLine("| phase | abuser's calls (refused) | web CPU % · RSS MB | rpc CPU % · RSS MB | watched car p50 / p99 ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        await PhaseAsync("no abuse", stack, latencies, seconds, _ => Task.FromResult((0L, 0L)));
        await PhaseAsync("hub: Subscribe with 2 KB keys, one connection", stack, latencies, seconds, token => AbuseHubAsync(stack, token));
        await PhaseAsync($"rpc: calls without a key or with a wrong one, {Concurrency} at a time", stack, latencies, seconds, token => AbuseRpcAsync(stack, token));
        await PhaseAsync("no abuse, after", stack, latencies, seconds, _ => Task.FromResult((0L, 0L)));

        await stop.CancelAsync();
        await sending;
    }

    private static async Task PhaseAsync(string name, EmbeddedServices stack, ConcurrentQueue<double> latencies, int seconds, Func<CancellationToken, Task<(long Calls, long Refused)>> abuse)
    {
        latencies.Clear();
        var (web0, rpc0) = (stack.Web.CpuSeconds(), stack.Rpc.CpuSeconds());
        var (webRss, rpcRss) = (new List<double>(), new List<double>());
        using var phase = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var abusing = abuse(phase.Token);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            webRss.Add(stack.Web.ResidentMegabytes());
            rpcRss.Add(stack.Rpc.ResidentMegabytes());
        }

        var (calls, refused) = await abusing;
        var elapsed = clock.Elapsed.TotalSeconds;
        double Percent((double User, double Kernel) now, (double User, double Kernel) before) => (now.User + now.Kernel - before.User - before.Kernel) / elapsed * 100;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {calls:N0} ({refused:N0}) | {Percent(stack.Web.CpuSeconds(), web0):0} · {webRss.Max():0} | {Percent(stack.Rpc.CpuSeconds(), rpc0):0} · {rpcRss.Max():0} | {Stats.Percentile(sorted, 0.5):0.0} / {Stats.Percentile(sorted, 0.99):0.0} |"));
    }

    private static async Task<(long, long)> AbuseHubAsync(EmbeddedServices stack, CancellationToken token)
    {
        await using var abuser = new HubConnectionBuilder().WithUrl(new Uri(stack.Web.Http.BaseAddress!, LiveHub.Path)).Build();
        await abuser.StartAsync(token);
        long calls = 0, refused = 0;
        while (!token.IsCancellationRequested)
        {
            var junk = new string((char)('a' + calls % 26), 2048) + calls.ToString(CultureInfo.InvariantCulture);
            calls++;
            try
            {
                await abuser.InvokeAsync<CarState?>("Subscribe", junk, (int)(calls % 64), CancellationToken.None);
            }
            catch (HubException)
            {
                refused++;
            }
        }

        return (calls, refused);
    }

    private static async Task<(long, long)> AbuseRpcAsync(EmbeddedServices stack, CancellationToken token)
    {
        using var channel = GrpcChannel.ForAddress(stack.RpcGrpc);
        var client = new TelemetryGateway.TelemetryGatewayClient(channel);
        long calls = 0, refused = 0;
        var wrong = new Metadata { { "authorization", "Bearer not-the-key" } };
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async worker =>
        {
            while (!token.IsCancellationRequested)
            {
                Interlocked.Increment(ref calls);
                try
                {
                    using var call = client.Watch(new WatchRequest(), worker % 2 == 0 ? null : wrong, cancellationToken: CancellationToken.None);
                    await call.ResponseStream.MoveNext(CancellationToken.None);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        return (calls, refused);
    }
}
