using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>The recorder under pressure: a full queue, a read-only or full disk, too many sources, idle sessions.</summary>
public class RecorderTests
{
    [Fact]
    public async Task A_full_queue_drops_and_counts_and_everything_is_accounted_for()
    {
        using var directory = new TempDirectory();
        await using var harness = new RecorderHarness(directory.Path, o => o.QueueCapacity = 10);
        var datagrams = SimulatedDatagrams.Session(77, ticks: 5);
        // Not started: nothing takes from the queue, so it fills at 10.
        foreach (var datagram in datagrams)
        {
            harness.Offer(datagram);
        }

        Assert.Equal(datagrams.Count - 10, harness.Metrics.Snapshot(true, "").DatagramsDroppedByReason["queue_full"]);
        await harness.Recorder.StartAsync(CancellationToken.None);
        await harness.Recorder.StopAsync(CancellationToken.None);
        var stats = harness.Metrics.Snapshot(true, "");
        Assert.Equal(10, stats.DatagramsRecorded);
        Assert.Equal(10, RecordingFormatTests.ReadPayloads(Directory.GetFiles(directory.Path).Single()).Count);
    }

    [Fact]
    public async Task Switched_off_it_records_nothing_and_creates_no_folder()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("recordings");
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new() { ["Ingest:Recording:Enabled"] = "false", ["Ingest:Recording:Directory"] = folder });
        var datagrams = SimulatedDatagrams.Session(3, ticks: 5);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var datagram in datagrams)
        {
            await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == datagrams.Count, "all received");
        await ingest.StopAsync();
        var stats = ingest.Services.GetRequiredService<Recorder>().Snapshot();
        Assert.False(stats.Enabled);
        Assert.Equal(0, stats.DatagramsRecorded + stats.DatagramsDroppedByReason.Values.Sum());
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("read-only")]
    [InlineData("full")]
    public async Task A_disk_that_cannot_be_written_is_counted_and_logged_once_and_live_telemetry_goes_on(string disk)
    {
        using var mount = await Tmpfs.MountAsync(disk == "full" ? "64k" : "1m", readOnly: disk == "read-only");
        var logs = new CapturingLoggerProvider();
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(),
            new() { ["Ingest:Recording:Directory"] = mount.Path, ["Ingest:Recording:Compression"] = "None" }, logs: logs);
        // Plain pcapng, so that a few hundred kilobytes fill the small disk.
        var datagrams = SimulatedDatagrams.Session(88, ticks: 150);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, ingest.UdpPort);
        foreach (var datagram in datagrams)
        {
            await client.SendAsync(datagram, target);
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == datagrams.Count, "all received");
        var recorder = ingest.Services.GetRequiredService<Recorder>();
        await Eventually.Until(() => recorder.Snapshot().DatagramsDroppedByReason["write_failed"] > 0, "write failures counted");

        // Live telemetry is untouched: every datagram decoded.
        Assert.Equal(0, ingest.Metrics.Snapshot().DatagramsDroppedByReason.Values.Sum());
        Assert.True(ingest.Metrics.Snapshot().FramesDecoded > datagrams.Count);

        await ingest.StopAsync();
        var stats = recorder.Snapshot();
        Assert.Equal(datagrams.Count, stats.DatagramsRecorded + stats.DatagramsDroppedByReason.Values.Sum());
        var warnings = logs.Entries.Where(e => e.Category.EndsWith(".Recorder", StringComparison.Ordinal) && e.Level == LogLevel.Warning).ToList();
        Assert.Single(warnings);
        Assert.Contains("write_failed", warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_cap_an_idle_recording_makes_room_and_a_live_one_is_never_closed_for_a_newcomer()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new RecorderHarness(directory.Path, o => o.MaxOpenFiles = 2, time);
        await harness.Recorder.StartAsync(CancellationToken.None);
        var a = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1000);
        var b = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 1000);
        var c = new IPEndPoint(IPAddress.Parse("10.0.0.3"), 1000);
        void Send(IPEndPoint source, ulong session)
        {
            foreach (var datagram in SimulatedDatagrams.Session(session, ticks: 1))
            {
                harness.Offer(datagram, source);
            }
        }

        Send(a, 1);
        Send(b, 2);
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").FilesOpen == 2, "two recordings open");
        Send(c, 3);
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").DatagramsDroppedByReason["too_many_files"] == 6, "the third refused, counted");
        Assert.Equal(0, harness.Metrics.Snapshot(true, "").FilesEvicted);

        // Ten seconds on, a's and b's recordings have gone quiet: the longest quiet makes room for c.
        time.Advance(TimeSpan.FromSeconds(11));
        Send(b, 2);
        Send(c, 3);
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").FilesEvicted == 1, "one evicted");
        await harness.Recorder.StopAsync(CancellationToken.None);
        var names = Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(3, names.Count);
        Assert.Contains(names, n => n!.EndsWith("_1_10.0.0.1-1000.pcapng.zst", StringComparison.Ordinal));
        Assert.Contains(names, n => n!.EndsWith("_3_10.0.0.3-1000.pcapng.zst", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idle_recording_is_closed_and_its_session_coming_back_opens_a_new_one()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new RecorderHarness(directory.Path, o => o.IdleTimeout = TimeSpan.FromMinutes(2), time);
        await harness.Recorder.StartAsync(CancellationToken.None);
        foreach (var datagram in SimulatedDatagrams.Session(5, ticks: 3))
        {
            harness.Offer(datagram);
        }

        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").FilesOpen == 1, "open");
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").FilesClosed == 1, "closed when idle");
        var closed = RecordingCatalog.DescribeQuickly(Directory.GetFiles(directory.Path).Single())!;
        Assert.True(closed.Closed);
        Assert.Equal(14, closed.Datagrams);
    }

    [Fact]
    public async Task Stopped_with_SIGTERM_ingest_leaves_closed_files_and_killed_it_leaves_them_readable_to_the_last_flush()
    {
        using var directory = new TempDirectory();
        foreach (var signal in new[] { "TERM", "KILL" })
        {
            var folder = Directory.CreateDirectory(directory.File(signal)).FullName;
            await using var ingest = await ServiceProcess.StartIngestAsync(new Dictionary<string, string> { ["Ingest__Recording__Directory"] = folder });
            var datagrams = SimulatedDatagrams.Session(1234, ticks: 60);
            using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            foreach (var datagram in datagrams)
            {
                await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
            }

            // Flushed (the recorder counts a datagram as recorded once it is in the file), then the signal.
            await Eventually.Until(async () => (await ingest.StatsAsync()).GetProperty("recording").GetProperty("datagramsRecorded").GetInt64() == datagrams.Count, "all flushed");
            var exit = await ingest.SignalAsync(signal);
            var file = Directory.GetFiles(folder).Single();
            var read = await Tshark.ReadUdpAsync(file, cutShort: signal == "KILL");
            Assert.Equal(datagrams.Count, read.Count);
            Assert.Equal(datagrams, read.Select(d => d.Payload));
            var summary = RecordingCatalog.Describe(file);
            Assert.Equal(datagrams.Count, summary.Datagrams);
            if (signal == "TERM")
            {
                Assert.Equal(0, exit);
                Assert.True(summary.Closed, summary.Problem);
                Assert.Null(summary.Problem);
            }
            else
            {
                Assert.False(summary.Closed);
                Assert.Contains("not closed", summary.Problem, StringComparison.Ordinal);
            }
        }
    }
}

/// <summary>A small tmpfs of the test's own (we run as root in CI): full at its size, or read-only.</summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<Tmpfs> MountAsync(string size, bool readOnly)
    {
        var path = Directory.CreateTempSubdirectory("formulatel-tmpfs-").FullName;
        var (exit, _, error) = await Tool.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size}{(readOnly ? ",ro" : "")}", "tmpfs", path]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"mount tmpfs at {path} failed ({error.Trim()}): these tests run as root, as tests/run.sh does in CI");
        }

        return new Tmpfs(path);
    }

    public void Dispose()
    {
        using var umount = Process.Start("umount", [Path]);
        umount?.WaitForExit();
        Directory.Delete(Path, recursive: true);
    }
}
