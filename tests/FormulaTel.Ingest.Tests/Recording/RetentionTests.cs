using System.Globalization;
using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>Retention on a fake clock with tiny limits: by age, then by total size, oldest first, only the recorder's files.</summary>
public class RetentionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T20:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public void Too_old_goes_then_the_oldest_until_the_total_fits_and_other_files_and_open_ones_stay()
    {
        using var directory = new TempDirectory();
        var ancient = Recording(directory, "20261001-200000_f1-23_monza_1_10.0.0.1-1.pcapng.zst", Now.AddDays(-40), 100);
        var old = Recording(directory, "20261125-200000_f1-23_spa_2_10.0.0.1-1.pcapng.zst", Now.AddDays(-6), 400);
        var middle = Recording(directory, "20261128-200000_f1-24_monaco_3_10.0.0.1-1.pcapng.gz", Now.AddDays(-3), 400);
        var recent = Recording(directory, "20261201-180000_f1-25_silverstone_4_10.0.0.1-1.pcapng", Now.AddHours(-2), 400);
        var open = Recording(directory, "20261201-195000_f1-25_silverstone_5_10.0.0.1-1.pcapng.zst", Now.AddDays(-45), 400);
        var notes = Recording(directory, "race-notes.txt", Now.AddDays(-90), 5000);
        var tcpdump = Recording(directory, "capture.pcap", Now.AddDays(-90), 5000);

        // 30 days and 1,300 bytes: the ancient one goes for its age; then spa, the oldest, brings 1,600 down to 1,200.
        var retention = new RecordingRetention(TimeSpan.FromDays(30), 1_300, new FakeTimeProvider(Now));
        var deleted = retention.Sweep(directory.Path, new HashSet<string> { open });

        Assert.Equal([(ancient, 100L), (old, 400L)], deleted);
        Assert.All(new[] { middle, recent, open, notes, tcpdump }, f => Assert.True(File.Exists(f), f));
        Assert.False(File.Exists(ancient));
        Assert.False(File.Exists(old));
    }

    [Fact]
    public void Within_the_limits_nothing_is_deleted()
    {
        using var directory = new TempDirectory();
        Recording(directory, "20261201-180000_f1-25_silverstone_4_10.0.0.1-1.pcapng.zst", Now.AddDays(-29), 400);
        var retention = new RecordingRetention(TimeSpan.FromDays(30), 1_000, new FakeTimeProvider(Now));
        Assert.Empty(retention.Sweep(directory.Path, new HashSet<string>()));
    }

    [Fact]
    public async Task The_recorder_applies_retention_when_it_starts_and_every_interval_and_counts_it()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(Now);
        var first = Recording(directory, "20261001-200000_f1-23_monza_1_10.0.0.1-1.pcapng.zst", Now.AddDays(-31), 100);
        await using var harness = new RecorderHarness(directory.Path, o => o.RetentionInterval = TimeSpan.FromMinutes(10), time);
        await harness.Recorder.StartAsync(CancellationToken.None);
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").RetentionDeletedFiles == 1, "the too old recording deleted at start");
        Assert.False(File.Exists(first));

        var second = Recording(directory, "20261002-200000_f1-23_monza_2_10.0.0.1-1.pcapng.zst", Now.AddDays(-20), 100);
        time.Advance(TimeSpan.FromDays(11));
        await Eventually.Until(() => harness.Metrics.Snapshot(true, "").RetentionDeletedFiles == 2, "deleted at the next interval, now 31 days old");
        Assert.False(File.Exists(second));
        Assert.Equal(200, harness.Metrics.Snapshot(true, "").RetentionDeletedBytes);
    }

    private static string Recording(TempDirectory directory, string name, DateTimeOffset lastWrite, int bytes)
    {
        var path = directory.File(name);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, lastWrite.UtcDateTime);
        return path;
    }
}
