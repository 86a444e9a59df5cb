using FormulaTel.History.Laps;
using FormulaTel.History.Storage;

namespace FormulaTel.History.Tests.Storage;

/// <summary>The store's behaviour, the same for every engine: each engine's test class runs all of it against a real database.</summary>
public abstract class HistoryStoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty, migrated store.</summary>
    protected abstract Task<IHistoryStore> NewStoreAsync();

    private static SessionKey Key(ulong uid = 7) => new("192.168.1.20:50000", uid);

    private static SessionInfo Session(SessionKey key, string track = "Silverstone", string game = "F1 24", string type = "race", DateTimeOffset? started = null) =>
        new(key, game, track, 7, 5891, type, "R", 52, started ?? Start, (started ?? Start).AddMinutes(30));

    private static LapWrite Lap(SessionKey key, uint car, uint number, uint time, uint s1 = 0, uint s2 = 0, bool valid = true,
        LapStatus status = LapStatus.Complete, TimeSource source = TimeSource.LapData, double coverage = 1, int points = 100) => new()
    {
        Session = key, CarIndex = car, LapNumber = number, Status = status, TimeSource = source, LapTimeMs = time, Sector1Ms = s1, Sector2Ms = s2,
        Sector3Ms = s1 > 0 && s2 > 0 ? time - s1 - s2 : 0, Valid = valid, HasDetail = source != TimeSource.GameHistory, Position = car + 1,
        TyreCompound = "C3", TyreAgeLaps = number, WearStart = number * 0.01f, WearEnd = [0.1f, 0.2f, 0.3f, 0.4f], FuelStartKg = 20, FuelEndKg = 18.5f,
        EndedAt = Start.AddSeconds(number * 90),
        Trace = source == TimeSource.GameHistory ? null : new LapTrace(0, 5, Enumerable.Range(0, points).Select(i => new TraceSample(i * 5, (uint)(i * 50), 200, 1, 0, 0, 6, i, -i)).ToArray()),
        TraceCoverage = source == TimeSource.GameHistory ? 0 : coverage,
    };

    private static HistoryBatch Batch(IEnumerable<SessionInfo>? sessions = null, IEnumerable<CarInfo>? cars = null, IEnumerable<LapWrite>? laps = null, IEnumerable<ClassificationWrite>? results = null)
    {
        var batch = new HistoryBatch();
        batch.Sessions.AddRange(sessions ?? []);
        batch.Cars.AddRange(cars ?? []);
        batch.Laps.AddRange(laps ?? []);
        batch.Results.AddRange(results ?? []);
        return batch;
    }

    [Fact]
    public async Task Migrating_twice_leaves_the_schema_at_the_latest_version()
    {
        var store = await NewStoreAsync();
        await store.MigrateAsync(CancellationToken.None);
        Assert.Equal(1, await store.SchemaVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Laps_written_come_back_with_their_session_car_and_bests_marked()
    {
        var store = await NewStoreAsync();
        var key = Key();
        await store.WriteAsync(Batch(
            [Session(key)],
            [new CarInfo(key, 0, "ALBON", "Williams", 23, false, true), new CarInfo(key, 1, "SAINZ", "Williams", 55, true, false)],
            [Lap(key, 0, 1, 92_000, 30_000, 31_000), Lap(key, 0, 2, 90_500, 29_500, 31_500), Lap(key, 1, 1, 91_000, 29_800, 30_900), Lap(key, 1, 2, 89_000, 30_100, 30_000, valid: false)]),
            CancellationToken.None);

        var page = await store.ListSessionsAsync(new SessionFilter(), 1, 50, CancellationToken.None);
        var session = Assert.Single(page.Items);
        Assert.Equal(("F1 24", "Silverstone", "race", 4L, 2L), (session.Game, session.Track, session.SessionType, session.Laps, session.Cars));
        // The invalid 89.0 does not count: the best is ALBON's 90.5.
        Assert.Equal((90_500u, "ALBON"), (session.BestLapMs!.Value, session.BestLapBy!));
        Assert.Equal("7", session.SessionUid);

        var laps = (await store.GetLapsAsync(session.Id, null, CancellationToken.None))!;
        Assert.Equal(4, laps.Count);
        var best = laps.Single(l => l.CarIndex == 0 && l.LapNumber == 2);
        Assert.True(best.PersonalBest && best.OverallBest);
        Assert.Equal(("ALBON", "C3", 2u, 0.3f, 18.5f), (best.Driver, best.TyreCompound, best.TyreAgeLaps, best.WearFrontLeft, best.FuelEndKg));
        var sainz = laps.Single(l => l.CarIndex == 1 && l.LapNumber == 1);
        Assert.True(sainz.PersonalBest);
        Assert.False(sainz.OverallBest);
        Assert.True(sainz.OverallBestSector2, "30.9 is the session's best valid sector 2");
        Assert.Equal(2, (await store.GetLapsAsync(session.Id, 1, CancellationToken.None))!.Count);

        var trace = (await store.GetTraceAsync(best.Id, CancellationToken.None))!;
        Assert.Equal(100, trace.Points.Length);
        Assert.Equal(4950u, trace.Points[^1].TimeMs);
        var summary = (await store.GetLapAsync(best.Id, CancellationToken.None))!;
        Assert.Equal(("Silverstone", "ALBON", 2u, 90_500u), (summary.Track, summary.Driver, summary.LapNumber, summary.LapTimeMs));
    }

    [Fact]
    public async Task Compare_with_best_finds_the_latest_lap_here_and_the_drivers_best_on_the_track_in_any_session()
    {
        var store = await NewStoreAsync();
        var (lastWeek, tonight, elsewhere) = (Key(1), Key(2), Key(3));
        await store.WriteAsync(Batch(
            [Session(lastWeek, started: Start.AddDays(-7)), Session(tonight), Session(elsewhere, track: "Monza")],
            [new CarInfo(lastWeek, 3, "ALBON", "Williams", 23, false, true), new CarInfo(tonight, 0, "ALBON", "Williams", 23, false, true),
                new CarInfo(tonight, 1, "SAINZ", "Williams", 55, true, false), new CarInfo(elsewhere, 0, "ALBON", "Williams", 23, false, true)],
            [Lap(lastWeek, 3, 4, 89_900), Lap(lastWeek, 3, 5, 88_000, valid: false), Lap(tonight, 0, 1, 91_000), Lap(tonight, 0, 2, 90_400),
                Lap(tonight, 1, 1, 85_000), Lap(elsewhere, 0, 1, 80_000)]),
            CancellationToken.None);
        var laps = (await store.GetLapsAsync((await store.ListSessionsAsync(new SessionFilter("Silverstone"), 1, 10, CancellationToken.None)).Items
            .Single(s => s.SessionUid == "1").Id, null, CancellationToken.None))!;
        var tonightLaps = (await store.GetLapsAsync((await store.FindCompareLapsAsync(tonight, 0, CancellationToken.None))!.SessionId, 0, CancellationToken.None))!;

        var found = (await store.FindCompareLapsAsync(tonight, 0, CancellationToken.None))!;
        Assert.Equal(tonightLaps.Single(l => l.LapNumber == 2).Id, found.LatestLapId);
        // Last week's 89.9 here, not the invalid 88.0, not SAINZ's 85.0, not Monza's 80.0.
        Assert.Equal(laps.Single(l => l.LapNumber == 4).Id, found.BestLapId);

        var nothingYet = (await store.FindCompareLapsAsync(tonight, 5, CancellationToken.None))!;
        Assert.Equal((null, null), (nothingYet.LatestLapId, nothingYet.BestLapId));
        Assert.Null(await store.FindCompareLapsAsync(Key(99), 0, CancellationToken.None));
    }

    [Fact]
    public async Task A_redelivered_batch_stores_each_lap_once()
    {
        var store = await NewStoreAsync();
        var key = Key();
        var batch = Batch([Session(key)], [new CarInfo(key, 0, "ALBON", "Williams", 23, false, true)], [Lap(key, 0, 1, 92_000), Lap(key, 0, 2, 91_000)]);
        await store.WriteAsync(batch, CancellationToken.None);
        await store.WriteAsync(batch, CancellationToken.None);
        var id = (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.Single().Id;
        Assert.Equal(2, (await store.GetLapsAsync(id, null, CancellationToken.None))!.Count);
        Assert.Equal(1, (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task The_games_record_wins_on_times_and_the_fuller_trace_is_kept()
    {
        var store = await NewStoreAsync();
        var key = Key();
        // After a restart mid-lap: the lap built live has half its trace; the game's record gives the exact time.
        await store.WriteAsync(Batch([Session(key)], laps: [Lap(key, 0, 3, 91_017, coverage: 0.5, points: 50)]), CancellationToken.None);
        await store.WriteAsync(Batch(laps: [Lap(key, 0, 3, 91_000, 30_000, 31_000, source: TimeSource.GameHistory)]), CancellationToken.None);
        // A lap payload arriving later does not undo the game's times; a flashback's partial lap does not replace either.
        await store.WriteAsync(Batch(laps: [Lap(key, 0, 3, 91_017, coverage: 0.5, points: 50), Lap(key, 0, 3, 0, status: LapStatus.Flashback, source: TimeSource.None, coverage: 0.2, points: 20)]), CancellationToken.None);

        var id = (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.Single().Id;
        var lap = Assert.Single((await store.GetLapsAsync(id, null, CancellationToken.None))!);
        Assert.Equal((91_000u, 30_000u, 30_000u, "complete", "game_history"), (lap.LapTimeMs, lap.Sector1Ms, lap.Sector3Ms, lap.Status, lap.TimeSource));
        Assert.Equal(50, (await store.GetTraceAsync(lap.Id, CancellationToken.None))!.Points.Length);

        // The whole lap later (a fuller trace) replaces the half.
        await store.WriteAsync(Batch(laps: [Lap(key, 0, 3, 91_017, coverage: 1, points: 100)]), CancellationToken.None);
        Assert.Equal(100, (await store.GetTraceAsync(lap.Id, CancellationToken.None))!.Points.Length);
        Assert.Equal(91_000u, (await store.GetLapsAsync(id, null, CancellationToken.None))!.Single().LapTimeMs);
    }

    [Fact]
    public async Task Sessions_list_newest_first_filtered_and_paged()
    {
        var store = await NewStoreAsync();
        var sessions = Enumerable.Range(1, 25).Select(i => Session(Key((ulong)i), track: i % 2 == 0 ? "Monza" : "Silverstone", type: i % 5 == 0 ? "qualifying" : "race", started: Start.AddHours(i))).ToList();
        await store.WriteAsync(Batch(sessions), CancellationToken.None);

        var first = await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None);
        Assert.Equal(25, first.Total);
        Assert.Equal(10, first.Items.Count);
        Assert.Equal("25", first.Items[0].SessionUid);
        Assert.True(first.Items.Zip(first.Items.Skip(1)).All(p => p.First.StartedAt > p.Second.StartedAt));
        var third = await store.ListSessionsAsync(new SessionFilter(), 3, 10, CancellationToken.None);
        Assert.Equal(5, third.Items.Count);

        var monzaQualifying = await store.ListSessionsAsync(new SessionFilter("Monza", "F1 24", "qualifying"), 1, 50, CancellationToken.None);
        Assert.Equal(["20", "10"], monzaQualifying.Items.Select(s => s.SessionUid));
        Assert.Empty((await store.ListSessionsAsync(new SessionFilter(Game: "F1 23"), 1, 50, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Bests_are_per_track_game_and_driver_with_the_theoretical_best_from_best_sectors()
    {
        var store = await NewStoreAsync();
        var (monday, tuesday) = (Key(1), Key(2));
        await store.WriteAsync(Batch(
            [Session(monday), Session(tuesday, started: Start.AddDays(1)), Session(Key(3), track: "Monza")],
            [new CarInfo(monday, 0, "ALBON", "Williams", 23, false, true), new CarInfo(tuesday, 0, "ALBON", "Williams", 23, false, true), new CarInfo(Key(3), 0, "ALBON", "Williams", 23, false, true)],
            [Lap(monday, 0, 1, 91_000, 29_000, 31_500), Lap(tuesday, 0, 1, 90_800, 29_600, 31_000), Lap(tuesday, 0, 2, 80_000, 20_000, 30_000, valid: false), Lap(Key(3), 0, 1, 81_000, 27_000, 27_000)]),
            CancellationToken.None);

        var bests = await store.GetBestsAsync(new SessionFilter(), CancellationToken.None);
        Assert.Equal(2, bests.Count);
        var silverstone = bests.Single(b => b.Track == "Silverstone");
        Assert.Equal((90_800u, "ALBON", 2L), (silverstone.BestLapMs, silverstone.Driver, silverstone.Laps));
        // Best sectors across the two nights: 29.0 (Monday), 31.0 (Tuesday), 30.2 (Tuesday's 90.8 − 29.6 − 31.0).
        Assert.Equal((29_000u, 31_000u, 30_200u), (silverstone.BestSector1Ms, silverstone.BestSector2Ms, silverstone.BestSector3Ms));
        Assert.Equal(90_200u, silverstone.TheoreticalBestMs);
        Assert.Single(await store.GetBestsAsync(new SessionFilter(Track: "Monza"), CancellationToken.None));
    }

    [Fact]
    public async Task Results_come_from_the_games_classification_or_else_from_the_laps()
    {
        var store = await NewStoreAsync();
        var (classified, unclassified) = (Key(1), Key(2));
        await store.WriteAsync(Batch(
            [Session(classified), Session(unclassified)],
            [new CarInfo(classified, 0, "ALBON", "Williams", 23, false, true), new CarInfo(unclassified, 0, "ALBON", "Williams", 23, false, true), new CarInfo(unclassified, 1, "SAINZ", "Williams", 55, true, false)],
            [Lap(unclassified, 0, 1, 92_000), Lap(unclassified, 1, 1, 91_000), Lap(unclassified, 1, 2, 91_000)],
            [new ClassificationWrite(classified, 0, 1, 52, 3, 25, 1, "finished", 88_000, 5_400.5)]),
            CancellationToken.None);
        var ids = (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.ToDictionary(s => s.SessionUid, s => s.Id);

        var fromGame = (await store.GetSessionAsync(ids["1"], CancellationToken.None))!;
        var result = Assert.Single(fromGame.Results);
        Assert.Equal((1u, "ALBON", 25u, "finished", true), (result.Position, result.Driver, result.Points, result.Status, result.FromGame));

        var fromLaps = (await store.GetSessionAsync(ids["2"], CancellationToken.None))!;
        Assert.Equal(["SAINZ", "ALBON"], fromLaps.Results.Select(r => r.Driver));
        Assert.Equal(2, fromLaps.Cars.Count);
    }

    [Fact]
    public async Task Deleting_a_session_takes_its_laps_and_unknown_ids_are_not_found()
    {
        var store = await NewStoreAsync();
        var key = Key();
        await store.WriteAsync(Batch([Session(key)], laps: [Lap(key, 0, 1, 92_000)]), CancellationToken.None);
        var id = (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.Single().Id;
        var lapId = (await store.GetLapsAsync(id, null, CancellationToken.None))!.Single().Id;

        Assert.True(await store.DeleteSessionAsync(id, CancellationToken.None));
        Assert.False(await store.DeleteSessionAsync(id, CancellationToken.None));
        Assert.Null(await store.GetSessionAsync(id, CancellationToken.None));
        Assert.Null(await store.GetLapsAsync(id, null, CancellationToken.None));
        Assert.Null(await store.GetTraceAsync(lapId, CancellationToken.None));
        Assert.Null(await store.GetLapAsync(lapId, CancellationToken.None));

        // Laps of the same session written again after the delete start a new session row.
        await store.WriteAsync(Batch(laps: [Lap(key, 0, 2, 91_000)]), CancellationToken.None);
        Assert.Equal(1, (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Retention_deletes_sessions_past_the_age_then_the_oldest_past_the_size()
    {
        var store = await NewStoreAsync();
        var now = Start.AddDays(100);
        var batch = Batch(Enumerable.Range(1, 6).Select(i => Session(Key((ulong)i), started: Start.AddDays(i * 10))),
            laps: Enumerable.Range(1, 6).SelectMany(i => Enumerable.Range(1, 5).Select(n => Lap(Key((ulong)i), 0, (uint)n, 90_000, points: 1000))));
        await store.WriteAsync(batch, CancellationToken.None);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        var size = await store.SizeBytesAsync(CancellationToken.None);
        Assert.True(size > 30 * 1000, $"{size} bytes for 30 laps of 1,000 points");

        // Age: 65 days before day 100 keeps the sessions of days 40, 50 and 60.
        var byAge = new HistoryRetention(store, ReadyStore(), Microsoft.Extensions.Options.Options.Create(new HistoryOptions { MaxAge = TimeSpan.FromDays(65), MaxSizeMB = 1024 }), time, Microsoft.Extensions.Logging.Abstractions.NullLogger<HistoryRetention>.Instance);
        Assert.Equal(3, await byAge.ApplyAsync(CancellationToken.None));
        Assert.Equal(["6", "5", "4"], (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.Select(s => s.SessionUid));

        // Size: room for about two sessions' laps leaves the newest two.
        var bySize = new HistoryRetention(store, ReadyStore(), Microsoft.Extensions.Options.Options.Create(new HistoryOptions { MaxAge = TimeSpan.FromDays(1000), MaxSizeMB = size / 6.0 * 2.5 / 1024 / 1024 }), time, Microsoft.Extensions.Logging.Abstractions.NullLogger<HistoryRetention>.Instance);
        Assert.Equal(1, await bySize.ApplyAsync(CancellationToken.None));
        Assert.Equal(["6", "5"], (await store.ListSessionsAsync(new SessionFilter(), 1, 10, CancellationToken.None)).Items.Select(s => s.SessionUid));
    }

    private static StoreReadiness ReadyStore()
    {
        var readiness = new StoreReadiness();
        readiness.Ready();
        return readiness;
    }
}
