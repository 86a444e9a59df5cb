using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Cli;
using FormulaTel.Ingest.Replay;
using FormulaTel.Simulation;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>Captures taken by tcpdump and recordings made by ingest, replayed into a real ingest.</summary>
public class ReplayTests
{
    [Fact]
    public async Task A_tcpdump_capture_of_the_simulator_replays_into_ingest_as_the_same_frames()
    {
        using var directory = new TempDirectory();
        await using var live = await IngestTestHost.StartAsync(IngestTestHost.NoRpc());
        var capture = directory.File("race.pcap");
        long sent;
        await using (var tcpdump = await Tcpdump.StartAsync(capture, $"udp dst port {live.UdpPort}"))
        {
            var simulator = new Simulator(new SimulatorOptions
            {
                Target = new IPEndPoint(IPAddress.Loopback, live.UdpPort),
                Cars = 4,
                RateHz = 30,
                Duration = TimeSpan.FromSeconds(1.5),
                SessionUid = 424242,
                Format = 2025,
            });
            await simulator.RunAsync(CancellationToken.None);
            sent = simulator.DatagramsSent;
            await Eventually.Until(() => live.Metrics.Snapshot().DatagramsReceived == sent, "the live run received");
            await tcpdump.WaitForPacketsAsync((int)sent);
            Assert.Contains($"{sent} packets captured", await tcpdump.StopAsync(), StringComparison.Ordinal);
        }

        var liveFrames = Drain(live);
        await using var replayed = await IngestTestHost.StartAsync(IngestTestHost.NoRpc());
        var output = new StringWriter();
        var exit = await ReplayCommand.RunAsync(new ReplayOptions { Files = [capture], Target = new IPEndPoint(IPAddress.Loopback, replayed.UdpPort), Speed = null },
            output, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, exit);
        Assert.Contains($"Sent {sent:N0} datagrams from 1 source(s)", output.ToString(), StringComparison.Ordinal);
        await Eventually.Until(() => replayed.Metrics.Snapshot().DatagramsReceived == sent, "the replay received");

        var replayedFrames = Drain(replayed);
        Assert.Equal(liveFrames.Count, replayedFrames.Count);
        for (var i = 0; i < liveFrames.Count; i++)
        {
            // The same frame, but for what a replay changes: who sent it (another socket) and when it arrived.
            Assert.Equal(WithoutArrival(liveFrames[i]), WithoutArrival(replayedFrames[i]));
        }
    }

    [Fact]
    public async Task A_recording_of_three_rigs_replays_as_three_sources_whether_captured_by_tcpdump_or_recorded_by_ingest()
    {
        using var directory = new TempDirectory();
        await using var live = await IngestTestHost.StartAsync(IngestTestHost.NoRpc());
        var capture = directory.File("league.pcap");
        var rigs = Enumerable.Range(0, 3).Select(i => SimulatedDatagrams.Session(9000ul + (ulong)i, ticks: 20, cars: 3)).ToList();
        var sockets = rigs.Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        await using (var tcpdump = await Tcpdump.StartAsync(capture, $"udp dst port {live.UdpPort}"))
        {
            for (var i = 0; i < rigs[0].Count; i++)
            {
                for (var rig = 0; rig < rigs.Count; rig++)
                {
                    await sockets[rig].SendAsync(rigs[rig][i], new IPEndPoint(IPAddress.Loopback, live.UdpPort));
                }
            }

            await Eventually.Until(() => live.Metrics.Snapshot().DatagramsReceived == rigs.Sum(r => r.Count), "the rigs received");
            await tcpdump.WaitForPacketsAsync(rigs.Sum(r => r.Count));
        }

        await live.StopAsync();
        var recordings = Directory.GetFiles(live.RecordingDirectory);
        Assert.Equal(3, recordings.Length);
        sockets.ForEach(s => s.Dispose());

        foreach (var files in new[] { [capture], recordings })
        {
            await using var replayed = await IngestTestHost.StartAsync(IngestTestHost.NoRpc());
            var exit = await ReplayCommand.RunAsync(new ReplayOptions { Files = files, Target = new IPEndPoint(IPAddress.Loopback, replayed.UdpPort), Speed = null },
                new StringWriter(), new StringWriter(), CancellationToken.None);
            Assert.Equal(0, exit);
            await Eventually.Until(() => replayed.Metrics.Snapshot().DatagramsReceived == rigs.Sum(r => r.Count), "the replay received");
            var frames = Drain(replayed);
            Assert.Equal(3, frames.Select(f => f.Envelope.SourceId).Distinct().Count());
            Assert.Equal([9000ul, 9001ul, 9002ul], frames.Select(f => f.Envelope.SessionUid).Distinct().Order());
            // Each source still sends one session only: the sources were kept apart, not mixed.
            Assert.All(frames.GroupBy(f => f.Envelope.SourceId), g => Assert.Single(g.Select(f => f.Envelope.SessionUid).Distinct()));
        }
    }

    [Fact]
    public async Task Source_port_sends_each_recorded_source_from_a_port_of_its_own_from_the_one_given()
    {
        using var directory = new TempDirectory();
        var first = RecordingOf(directory, "a", SimulatedDatagrams.Session(1, ticks: 3), new IPEndPoint(IPAddress.Loopback, 40001));
        var second = RecordingOf(directory, "b", SimulatedDatagrams.Session(2, ticks: 3), new IPEndPoint(IPAddress.Loopback, 40002));
        await using var replayed = await IngestTestHost.StartAsync(IngestTestHost.NoRpc());
        var basePort = FreePort.Udp();
        var exit = await ReplayCommand.RunAsync(new ReplayOptions { Files = [first, second], Target = new IPEndPoint(IPAddress.Loopback, replayed.UdpPort), Speed = null, SourcePort = basePort },
            new StringWriter(), new StringWriter(), CancellationToken.None);
        Assert.Equal(0, exit);
        await Eventually.Until(() => replayed.Metrics.Snapshot().DatagramsReceived == 28, "both recordings received");
        var sources = Drain(replayed).Select(f => f.Envelope.SourceId).Distinct().Order().ToList();
        Assert.Equal([$"127.0.0.1:{basePort}", $"127.0.0.1:{basePort + 1}"], sources);
    }

    [Fact]
    public async Task Loop_starts_again_at_the_end_until_stopped()
    {
        using var directory = new TempDirectory();
        var file = RecordingOf(directory, "loop", SimulatedDatagrams.Session(3, ticks: 2), new IPEndPoint(IPAddress.Loopback, 40003));
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var replay = ReplayCommand.RunAsync(new ReplayOptions { Files = [file], Target = (IPEndPoint)receiver.Client.LocalEndPoint!, Speed = 100, Loop = true },
            new StringWriter(), new StringWriter(), stop.Token);
        var received = 0;
        while (received < 30)
        {
            await Eventually.Within(receiver.ReceiveAsync(), "a looped datagram");
            received++;
        }

        await stop.CancelAsync();
        Assert.Equal(0, await Eventually.Within(replay, "replay stopping"));
    }

    /// <summary>A recording made by ingest's own recorder of <paramref name="datagrams"/> from <paramref name="source"/>.</summary>
    internal static string RecordingOf(TempDirectory directory, string name, List<byte[]> datagrams, IPEndPoint source)
    {
        var folder = Directory.CreateDirectory(directory.File(name)).FullName;
        var harness = new RecorderHarness(folder);
        harness.Recorder.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var datagram in datagrams)
        {
            harness.Offer(datagram, source);
        }

        harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Directory.GetFiles(folder).Single();
    }

    internal static List<TelemetryFrame> Drain(IngestTestHost ingest) => ingest.DrainFrames();

    private static TelemetryFrame WithoutArrival(TelemetryFrame frame)
    {
        var copy = frame.Clone();
        copy.Envelope.SourceId = "";
        copy.Envelope.ReceivedAt = null;
        return copy;
    }
}
