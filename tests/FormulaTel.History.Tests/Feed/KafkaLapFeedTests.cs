using Confluent.Kafka;
using FormulaTel.History.Feed;
using FormulaTel.History.Storage;
using FormulaTel.History.Tests.Laps;
using FormulaTel.History.Tests.Storage;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Google.Protobuf;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FormulaTel.History.Tests.Feed;

/// <summary>
/// History in its Kafka consumer group (librdkafka's mock cluster) writing to a real PostgreSQL: frames read
/// again (a crash before the commit, a restart mid-lap, two instances sharing the partitions) store each lap once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KafkaLapFeedTests(PostgresFixture postgres) : IDisposable
{
    private const int Cars = 6;
    private const int Partitions = 4;
    private readonly TestKafka _kafka = TestKafka.Start(TestKafka.Mock, Partitions);
    private readonly Frames _frames = new();
    private readonly List<WebApplicationFactory<HistoryOptions>> _instances = [];

    private static uint LapTime(uint car, uint lap) => 100_000 + lap * 1_000 + car;

    /// <summary>The session and every car's name, then laps 1 and 2 to the line and lap 3 to <paramref name="lap3To"/> metres.</summary>
    private IEnumerable<TelemetryFrame> Race(float lap3To)
    {
        yield return _frames.Session();
        for (uint car = 0; car < Cars; car++)
        {
            yield return _frames.Participant(car, $"DRIVER{car}");
        }

        for (uint lap = 1; lap <= 3; lap++)
        {
            for (uint car = 0; car < Cars; car++)
            {
                // The game repeats the session's details a few times a second; a reader that starts mid-session learns them again.
                yield return _frames.Session();
                foreach (var frame in _frames.Drive(car, lap, lap == 1 ? 0 : 10, lap == 3 ? lap3To : 5000))
                {
                    yield return frame;
                }

                if (lap < 3)
                {
                    yield return _frames.Lap(car, lap + 1, 4, 80, lastMs: LapTime(car, lap));
                }
            }
        }
    }

    /// <summary>The rest of lap 3 and the line.</summary>
    private IEnumerable<TelemetryFrame> FinishLap3(float from)
    {
        for (uint car = 0; car < Cars; car++)
        {
            yield return _frames.Session();
            foreach (var frame in _frames.Drive(car, 3, from, 5000))
            {
                yield return frame;
            }

            yield return _frames.Lap(car, 4, 4, 80, lastMs: LapTime(car, 3));
        }
    }

    private int Produce(IEnumerable<TelemetryFrame> frames)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build();
        var count = 0;
        foreach (var frame in frames)
        {
            var e = frame.Envelope;
            producer.Produce(_kafka.Topic, new Message<string, byte[]> { Key = $"{e.SourceId}/{e.SessionUid}/{e.CarIndex}", Value = frame.ToByteArray() });
            count++;
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return count;
    }

    private WebApplicationFactory<HistoryOptions> Start(NpgsqlDataSource database, string group = "history-tests")
    {
        var instance = new WebApplicationFactory<HistoryOptions>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:kafka", _kafka.BootstrapServers);
            web.UseSetting("ConnectionStrings:historydb", database.ConnectionString);
            web.UseSetting("Kafka:Topic", _kafka.Topic);
            web.UseSetting("History:KafkaGroupId", group);
            web.UseSetting("History:WriteInterval", "00:00:00.100");
            // The mock cluster hands a leaver's partitions on only when its session times out: keep that short.
            web.UseSetting("Kafka:Consumer:session.timeout.ms", "6000");
            web.UseSetting("Kafka:Consumer:heartbeat.interval.ms", "500");
        });
        _instances.Add(instance);
        _ = instance.Services; // starts it
        return instance;
    }

    private static async Task StopAsync(WebApplicationFactory<HistoryOptions> instance) => await instance.DisposeAsync();

    private static async Task<IReadOnlyList<LapRow>> LapsAsync(NpgsqlDataSource database)
    {
        var store = new PostgresHistoryStore(database);
        var sessions = await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None);
        return sessions.Items.Count == 0 ? [] : (await store.GetLapsAsync(sessions.Items.Single().Id, null, CancellationToken.None))!;
    }

    private static async Task<IReadOnlyList<LapRow>> UntilLapsAsync(NpgsqlDataSource database, Func<IReadOnlyList<LapRow>, bool> done, string what)
    {
        IReadOnlyList<LapRow> laps = [];
        await Eventually.Until(async () => done(laps = await LapsAsync(database)), what, TimeSpan.FromSeconds(60));
        return laps;
    }

    private static void AssertEachLapOnce(IReadOnlyList<LapRow> laps, uint completeLaps)
    {
        Assert.Equal(laps.Count, laps.Select(l => (l.CarIndex, l.LapNumber)).Distinct().Count());
        for (uint car = 0; car < Cars; car++)
        {
            for (uint lap = 1; lap <= completeLaps; lap++)
            {
                var row = laps.Single(l => l.CarIndex == car && l.LapNumber == lap);
                Assert.Equal(("complete", LapTime(car, lap)), (row.Status, row.LapTimeMs));
            }
        }
    }

    [Fact]
    public async Task Frames_read_again_after_a_crash_before_the_commit_store_each_lap_once()
    {
        var database = await postgres.NewDatabaseAsync();
        var first = Start(database);
        var produced = Produce(Race(lap3To: 5000).Concat(FinishLap3(4990)));
        var laps = await UntilLapsAsync(database, l => l.Count(x => x.Status == "complete") == Cars * 3, "three complete laps a car");
        AssertEachLapOnce(laps, 3);
        var feed = first.Services.GetRequiredService<KafkaLapFeed>();
        await Eventually.Until(() => first.Services.GetRequiredService<HistoryMetrics>().FramesRead == produced, "every frame read");
        await StopAsync(first);

        // As if it had crashed before committing anything: everything is read again from the start (a group with
        // no committed offsets starts at the beginning) into the same database.
        var second = Start(database, group: "history-tests-again");
        await Eventually.Until(() => second.Services.GetRequiredService<HistoryMetrics>().FramesRead >= produced, "every frame read again", TimeSpan.FromSeconds(60));
        await Eventually.Until(() => second.Services.GetRequiredService<HistoryWriter>().Pending == 0, "the writes done");
        AssertEachLapOnce(await LapsAsync(database), 3);
        Assert.True(feed.Description.Contains("history-tests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restart_mid_lap_builds_the_lap_in_progress_again_from_the_committed_offsets()
    {
        var database = await postgres.NewDatabaseAsync();
        var first = Start(database);
        var produced = Produce(Race(lap3To: 2500));
        await UntilLapsAsync(database, l => l.Count(x => x.Status == "complete") == Cars * 2, "two complete laps a car");
        await Eventually.Until(() => first.Services.GetRequiredService<HistoryMetrics>().FramesRead == produced, "every frame read");
        // Committed: the start of lap 3 for every car (its first frame is the one that completed lap 2).
        await StopAsync(first);
        var cut = await LapsAsync(database);
        Assert.All(cut.Where(l => l.LapNumber == 3), l => Assert.NotEqual("complete", l.Status));

        var second = Start(database);
        Produce(FinishLap3(2500));
        var laps = await UntilLapsAsync(database, l => l.Count(x => x.Status == "complete") == Cars * 3, "lap 3 completed after the restart");
        AssertEachLapOnce(laps, 3);
        // Built again from its first metre, not only from where the restart came in.
        Assert.All(laps.Where(l => l.LapNumber == 3), l => Assert.True(l.TraceCoverage > 0.95, $"car {l.CarIndex}: coverage {l.TraceCoverage}"));
        Assert.True(second.Services.GetRequiredService<KafkaLapFeed>().Connected);
    }

    [Fact]
    public async Task Two_instances_in_one_group_share_the_partitions_and_store_every_lap_once()
    {
        var database = await postgres.NewDatabaseAsync();
        var (a, b) = (Start(database), Start(database));
        KafkaLapFeed Feed(WebApplicationFactory<HistoryOptions> i) => i.Services.GetRequiredService<KafkaLapFeed>();
        await Eventually.Until(() => Feed(a).Partitions > 0 && Feed(b).Partitions > 0 && Feed(a).Partitions + Feed(b).Partitions == Partitions,
            "both instances holding partitions", TimeSpan.FromSeconds(60));

        var produced = Produce(Race(lap3To: 5000).Concat(FinishLap3(4990)));
        var laps = await UntilLapsAsync(database, l => l.Count(x => x.Status == "complete") == Cars * 3, "three complete laps a car");
        AssertEachLapOnce(laps, 3);
        long Read(WebApplicationFactory<HistoryOptions> i) => i.Services.GetRequiredService<HistoryMetrics>().FramesRead;
        await Eventually.Until(() => Read(a) + Read(b) >= produced, "every frame read by one of them");
        Assert.True(Read(a) > 0 && Read(b) > 0, $"both read: {Read(a)} and {Read(b)}");
    }

    public void Dispose()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        _kafka.Dispose();
    }
}
