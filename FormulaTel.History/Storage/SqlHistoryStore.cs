using System.Data.Common;
using System.Globalization;
using System.Text;
using FormulaTel.History.Laps;

namespace FormulaTel.History.Storage;

/// <summary>
/// The store's SQL, shared by both engines (upserts with ON CONFLICT, window functions, LIMIT/OFFSET: SQLite 3.35+
/// and PostgreSQL 9.5+ read them alike). The engines supply connections, column types and their size query.
/// </summary>
public abstract class SqlHistoryStore(SqlDialect dialect) : IHistoryStore
{
    private const int SessionIdCacheSize = 4096;

    private static readonly string[] LapColumns =
    [
        "session_id", "car_index", "lap_number", "status", "time_source", "lap_time_ms", "sector1_ms", "sector2_ms", "sector3_ms",
        "valid", "has_detail", "position", "tyre_compound", "tyre_age_laps", "wear_start", "wear_rl", "wear_rr", "wear_fl", "wear_fr",
        "fuel_start_kg", "fuel_end_kg", "pit_in", "pit_out", "ended_at", "trace", "trace_coverage",
    ];

    private static readonly string[] TimeColumns = ["status", "time_source", "lap_time_ms", "sector1_ms", "sector2_ms", "sector3_ms", "valid"];

    private static readonly string LapUpsert = BuildLapUpsert();

    private readonly Dictionary<SessionKey, long> _sessionIds = [];

    public abstract string Engine { get; }

    public abstract string Location { get; }

    protected SqlDialect Dialect { get; } = dialect;

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Turns an engine's exception into one that says what is wrong with the database and where.</summary>
    protected abstract HistoryStoreException Explain(Exception e, string doing);

    public abstract Task<long> SizeBytesAsync(CancellationToken cancellationToken);

    public virtual async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await PrepareAsync(connection, cancellationToken);
            await ExecuteAsync(connection, null, $"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at {Dialect.BigInt} NOT NULL)", cancellationToken);
            var current = await CurrentVersionAsync(connection, cancellationToken);
            if (current > SchemaMigrations.Latest)
            {
                throw new HistoryStoreException($"The history database at {Location} has schema version {current}, newer than this FormulaTel's {SchemaMigrations.Latest}: use a newer FormulaTel or another database.");
            }

            for (var version = current + 1; version <= SchemaMigrations.Latest; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                foreach (var statement in SchemaMigrations.All[version - 1](Dialect))
                {
                    await ExecuteAsync(connection, transaction, statement, cancellationToken);
                }

                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", cancellationToken,
                    ("v", version), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is not HistoryStoreException and not OperationCanceledException)
        {
            throw Explain(e, "opening");
        }
    }

    /// <summary>Per-connection settings an engine needs before the first statement.</summary>
    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await CurrentVersionAsync(connection, cancellationToken);
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, "SELECT COUNT(*) FROM schema_migrations");
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Explain(e, "reading");
        }
    }

    public async Task WriteAsync(HistoryBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new Dictionary<SessionKey, long>();
        foreach (var session in batch.Sessions)
        {
            ids[session.Key] = await UpsertSessionAsync(connection, transaction, session, cancellationToken);
        }

        foreach (var car in batch.Cars)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO cars (session_id, car_index, driver, team, race_number, ai_controlled, is_player)
                VALUES (@session_id, @car_index, @driver, @team, @race_number, @ai, @player)
                ON CONFLICT (session_id, car_index) DO UPDATE SET driver = excluded.driver, team = excluded.team,
                    race_number = excluded.race_number, ai_controlled = excluded.ai_controlled, is_player = excluded.is_player
                """, cancellationToken,
                ("session_id", await SessionIdAsync(connection, transaction, ids, car.Session, cancellationToken)), ("car_index", (long)car.CarIndex),
                ("driver", car.Driver), ("team", car.Team), ("race_number", (long)car.RaceNumber), ("ai", Bit(car.AiControlled)), ("player", Bit(car.IsPlayer)));
        }

        foreach (var lap in batch.Laps)
        {
            var sessionId = await SessionIdAsync(connection, transaction, ids, lap.Session, cancellationToken);
            await ExecuteAsync(connection, transaction, LapUpsert, cancellationToken,
                ("session_id", sessionId), ("car_index", (long)lap.CarIndex), ("lap_number", (long)lap.LapNumber), ("status", lap.Status.ToName()),
                ("time_source", (long)lap.TimeSource), ("lap_time_ms", (long)lap.LapTimeMs), ("sector1_ms", (long)lap.Sector1Ms),
                ("sector2_ms", (long)lap.Sector2Ms), ("sector3_ms", (long)lap.Sector3Ms), ("valid", Bit(lap.Valid)), ("has_detail", Bit(lap.HasDetail)),
                ("position", (long)lap.Position), ("tyre_compound", lap.TyreCompound), ("tyre_age_laps", (long)lap.TyreAgeLaps),
                ("wear_start", (double)lap.WearStart), ("wear_rl", (double)lap.WearEnd[0]), ("wear_rr", (double)lap.WearEnd[1]),
                ("wear_fl", (double)lap.WearEnd[2]), ("wear_fr", (double)lap.WearEnd[3]), ("fuel_start_kg", (double)lap.FuelStartKg),
                ("fuel_end_kg", (double)lap.FuelEndKg), ("pit_in", Bit(lap.PitIn)), ("pit_out", Bit(lap.PitOut)),
                ("ended_at", lap.EndedAt.ToUnixTimeMilliseconds()), ("trace", (object?)lap.Trace?.Encode() ?? DBNull.Value), ("trace_coverage", lap.TraceCoverage));
        }

        foreach (var result in batch.Results)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO results (session_id, car_index, position, laps, grid_position, points, pit_stops, result_status, best_lap_ms, total_race_time_s)
                VALUES (@session_id, @car_index, @position, @laps, @grid, @points, @pit_stops, @status, @best, @total)
                ON CONFLICT (session_id, car_index) DO UPDATE SET position = excluded.position, laps = excluded.laps,
                    grid_position = excluded.grid_position, points = excluded.points, pit_stops = excluded.pit_stops,
                    result_status = excluded.result_status, best_lap_ms = excluded.best_lap_ms, total_race_time_s = excluded.total_race_time_s
                """, cancellationToken,
                ("session_id", await SessionIdAsync(connection, transaction, ids, result.Session, cancellationToken)), ("car_index", (long)result.CarIndex),
                ("position", (long)result.Position), ("laps", (long)result.Laps), ("grid", (long)result.GridPosition), ("points", (long)result.Points),
                ("pit_stops", (long)result.PitStops), ("status", result.ResultStatus), ("best", (long)result.BestLapTimeMs), ("total", result.TotalRaceTimeS));
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var (key, id) in ids)
        {
            Remember(key, id);
        }
    }

    private static async Task<long> UpsertSessionAsync(DbConnection connection, DbTransaction transaction, SessionInfo session, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO sessions (source_id, session_uid, game, track, track_id, track_length_m, session_type, session_type_name, total_laps, started_at, last_seen_at)
            VALUES (@source, @uid, @game, @track, @track_id, @length, @type, @type_name, @total_laps, @started, @seen)
            ON CONFLICT (source_id, session_uid) DO UPDATE SET
                game = CASE WHEN excluded.game <> '' THEN excluded.game ELSE sessions.game END,
                track = CASE WHEN excluded.track <> '' THEN excluded.track ELSE sessions.track END,
                track_id = CASE WHEN excluded.track <> '' THEN excluded.track_id ELSE sessions.track_id END,
                track_length_m = CASE WHEN excluded.track_length_m > 0 THEN excluded.track_length_m ELSE sessions.track_length_m END,
                session_type = CASE WHEN excluded.session_type <> '' THEN excluded.session_type ELSE sessions.session_type END,
                session_type_name = CASE WHEN excluded.session_type <> '' THEN excluded.session_type_name ELSE sessions.session_type_name END,
                total_laps = CASE WHEN excluded.session_type <> '' THEN excluded.total_laps ELSE sessions.total_laps END,
                started_at = CASE WHEN excluded.started_at < sessions.started_at THEN excluded.started_at ELSE sessions.started_at END,
                last_seen_at = CASE WHEN excluded.last_seen_at > sessions.last_seen_at THEN excluded.last_seen_at ELSE sessions.last_seen_at END
            RETURNING id
            """,
            ("source", session.Key.SourceId), ("uid", unchecked((long)session.Key.SessionUid)), ("game", session.Game), ("track", session.Track),
            ("track_id", (long)session.TrackId), ("length", (double)session.TrackLengthM), ("type", session.SessionType), ("type_name", session.SessionTypeName),
            ("total_laps", (long)session.TotalLaps), ("started", session.StartedAt.ToUnixTimeMilliseconds()), ("seen", session.LastSeenAt.ToUnixTimeMilliseconds()));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<long> SessionIdAsync(DbConnection connection, DbTransaction transaction, Dictionary<SessionKey, long> batchIds, SessionKey key, CancellationToken cancellationToken)
    {
        if (batchIds.TryGetValue(key, out var id))
        {
            return id;
        }

        lock (_sessionIds)
        {
            if (_sessionIds.TryGetValue(key, out id))
            {
                return id;
            }
        }

        await using var command = Command(connection, transaction, "SELECT id FROM sessions WHERE source_id = @source AND session_uid = @uid",
            ("source", key.SourceId), ("uid", unchecked((long)key.SessionUid)));
        if (await command.ExecuteScalarAsync(cancellationToken) is { } found and not DBNull)
        {
            return Convert.ToInt64(found, CultureInfo.InvariantCulture);
        }

        // A lap of a session not written yet (its first frames came in the same batch after the lap): a bare row.
        id = await UpsertSessionAsync(connection, transaction, new SessionInfo(key, "", "", -1, 0, "", "", 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), cancellationToken);
        batchIds[key] = id;
        return id;
    }

    private void Remember(SessionKey key, long id)
    {
        lock (_sessionIds)
        {
            if (_sessionIds.Count >= SessionIdCacheSize)
            {
                _sessionIds.Clear(); // a cache: the database has them all
            }

            _sessionIds[key] = id;
        }
    }

    private static string BuildLapUpsert()
    {
        // The game's record beats the lap payload, which beats a lap cut short; the fuller trace (and the state of
        // the car that goes with it) is kept. A redelivered lap changes nothing.
        const string timeWins = "excluded.time_source >= laps.time_source";
        const string detailWins = "excluded.has_detail = 1 AND (excluded.trace_coverage > laps.trace_coverage OR laps.has_detail = 0 OR (excluded.time_source >= laps.time_source AND excluded.trace_coverage >= laps.trace_coverage))";
        var sql = new StringBuilder();
        sql.Append("INSERT INTO laps (").AppendJoin(", ", LapColumns).Append(") VALUES (").AppendJoin(", ", LapColumns.Select(c => "@" + c)).Append(')');
        sql.Append(" ON CONFLICT (session_id, car_index, lap_number) DO UPDATE SET ");
        var sets = new List<string>();
        foreach (var column in LapColumns.Skip(3))
        {
            var wins = column == "has_detail" ? null : TimeColumns.Contains(column) ? timeWins : detailWins;
            sets.Add(wins is null
                ? "has_detail = CASE WHEN excluded.has_detail = 1 THEN 1 ELSE laps.has_detail END"
                : $"{column} = CASE WHEN {wins} THEN excluded.{column} ELSE laps.{column} END");
        }

        return sql.AppendJoin(", ", sets).ToString();
    }

    public async Task<Page<SessionSummary>> ListSessionsAsync(SessionFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var (where, parameters) = Where(filter, "s");
        long total;
        await using (var count = Command(connection, null, $"SELECT COUNT(*) FROM sessions s{where}", parameters))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var rows = new List<SessionSummary>();
        await using (var command = Command(connection, null, $"""
            SELECT {SessionColumns} FROM sessions s{where}
            ORDER BY s.started_at DESC, s.id DESC LIMIT @take OFFSET @skip
            """, [.. parameters, ("take", (long)pageSize), ("skip", (long)(page - 1) * pageSize)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadSession(reader));
            }
        }

        return new Page<SessionSummary>(total, page, pageSize, await WithBestLapsAsync(connection, rows, cancellationToken));
    }

    private const string SessionColumns = """
        s.id, s.game, s.track, s.track_id, s.track_length_m, s.session_type, s.session_type_name, s.total_laps, s.started_at, s.last_seen_at,
        s.source_id, s.session_uid,
        (SELECT COUNT(*) FROM laps l WHERE l.session_id = s.id AND l.status = 'complete') AS laps,
        (SELECT COUNT(*) FROM cars c WHERE c.session_id = s.id) AS cars,
        (SELECT l.id FROM laps l WHERE l.session_id = s.id AND l.valid = 1 AND l.lap_time_ms > 0 AND l.status = 'complete' ORDER BY l.lap_time_ms, l.id LIMIT 1) AS best_lap_id
        """;

    private static SessionSummary ReadSession(DbDataReader r) => new(
        L(r, 0), S(r, 1), S(r, 2), (int)L(r, 3), (float)D(r, 4), S(r, 5), S(r, 6), (uint)L(r, 7),
        DateTimeOffset.FromUnixTimeMilliseconds(L(r, 8)), DateTimeOffset.FromUnixTimeMilliseconds(L(r, 9)), S(r, 10),
        unchecked((ulong)L(r, 11)).ToString(CultureInfo.InvariantCulture), L(r, 12), L(r, 13), null, null, r.IsDBNull(14) ? null : L(r, 14));

    private static async Task<IReadOnlyList<SessionSummary>> WithBestLapsAsync(DbConnection connection, List<SessionSummary> sessions, CancellationToken cancellationToken)
    {
        var ids = sessions.Where(s => s.BestLapId is not null).Select(s => s.BestLapId!.Value).ToList();
        if (ids.Count == 0)
        {
            return sessions;
        }

        var best = new Dictionary<long, (uint Time, string Driver)>();
        var names = string.Join(", ", ids.Select((_, i) => "@b" + i.ToString(CultureInfo.InvariantCulture)));
        await using var command = Command(connection, null, $"""
            SELECT l.id, l.lap_time_ms, COALESCE(c.driver, '') FROM laps l
            LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index WHERE l.id IN ({names})
            """, [.. ids.Select((id, i) => ("b" + i.ToString(CultureInfo.InvariantCulture), (object?)id))]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            best[L(reader, 0)] = ((uint)L(reader, 1), S(reader, 2));
        }

        return sessions.Select(s => s.BestLapId is { } id && best.TryGetValue(id, out var b) ? s with { BestLapMs = b.Time, BestLapBy = b.Driver } : s).ToList();
    }

    public async Task<SessionDetail?> GetSessionAsync(long sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SessionSummary? session = null;
        await using (var command = Command(connection, null, $"SELECT {SessionColumns} FROM sessions s WHERE s.id = @id", ("id", sessionId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                session = ReadSession(reader);
            }
        }

        if (session is null)
        {
            return null;
        }

        session = (await WithBestLapsAsync(connection, [session], cancellationToken))[0];
        var cars = new List<CarRow>();
        await using (var command = Command(connection, null, "SELECT car_index, driver, team, race_number, ai_controlled, is_player FROM cars WHERE session_id = @id ORDER BY car_index", ("id", sessionId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cars.Add(new CarRow((uint)L(reader, 0), S(reader, 1), S(reader, 2), (uint)L(reader, 3), L(reader, 4) != 0, L(reader, 5) != 0));
            }
        }

        var results = new List<ResultRow>();
        await using (var command = Command(connection, null, """
            SELECT r.position, r.car_index, COALESCE(c.driver, ''), COALESCE(c.team, ''), r.laps, r.grid_position, r.points, r.pit_stops,
                r.result_status, r.best_lap_ms, r.total_race_time_s
            FROM results r LEFT JOIN cars c ON c.session_id = r.session_id AND c.car_index = r.car_index
            WHERE r.session_id = @id ORDER BY r.position
            """, ("id", sessionId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(new ResultRow((uint)L(reader, 0), (uint)L(reader, 1), S(reader, 2), S(reader, 3), (uint)L(reader, 4), (uint)L(reader, 5),
                    (uint)L(reader, 6), (uint)L(reader, 7), S(reader, 8), (uint)L(reader, 9), D(reader, 10), true));
            }
        }

        if (results.Count == 0)
        {
            results = await ResultsFromLapsAsync(connection, sessionId, cancellationToken);
        }

        return new SessionDetail(session, cars, results);
    }

    /// <summary>Without the game's classification: the order of the cars' last completed laps (most laps, then position).</summary>
    private static async Task<List<ResultRow>> ResultsFromLapsAsync(DbConnection connection, long sessionId, CancellationToken cancellationToken)
    {
        var rows = new List<(uint Car, string Driver, string Team, uint Laps, uint Position, uint Best, uint Pits, double Total)>();
        await using var command = Command(connection, null, """
            SELECT l.car_index, COALESCE(c.driver, ''), COALESCE(c.team, ''), COUNT(*),
                MAX(l.lap_number), MIN(CASE WHEN l.valid = 1 AND l.lap_time_ms > 0 THEN l.lap_time_ms END), SUM(l.pit_in), SUM(l.lap_time_ms),
                (SELECT l2.position FROM laps l2 WHERE l2.session_id = l.session_id AND l2.car_index = l.car_index AND l2.status = 'complete' ORDER BY l2.lap_number DESC LIMIT 1)
            FROM laps l LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index
            WHERE l.session_id = @id AND l.status = 'complete'
            GROUP BY l.session_id, l.car_index, c.driver, c.team
            """, ("id", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(((uint)L(reader, 0), S(reader, 1), S(reader, 2), (uint)L(reader, 4), reader.IsDBNull(8) ? 0 : (uint)L(reader, 8),
                reader.IsDBNull(5) ? 0 : (uint)L(reader, 5), (uint)L(reader, 6), L(reader, 7) / 1000.0));
        }

        return rows.OrderByDescending(r => r.Laps).ThenBy(r => r.Position == 0 ? uint.MaxValue : r.Position)
            .Select((r, i) => new ResultRow((uint)i + 1, r.Car, r.Driver, r.Team, r.Laps, 0, 0, r.Pits, "", r.Best, r.Total, false)).ToList();
    }

    public async Task<IReadOnlyList<LapRow>?> GetLapsAsync(long sessionId, uint? carIndex, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var exists = Command(connection, null, "SELECT COUNT(*) FROM sessions WHERE id = @id", ("id", sessionId)))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                return null;
            }
        }

        var laps = new List<LapRow>();
        // Best flags are over the whole session, so every lap is read even when one car is asked for.
        await using (var command = Command(connection, null, """
            SELECT l.id, l.car_index, COALESCE(c.driver, ''), COALESCE(c.team, ''), l.lap_number, l.lap_time_ms, l.sector1_ms, l.sector2_ms, l.sector3_ms,
                l.valid, l.status, l.time_source, l.position, l.tyre_compound, l.tyre_age_laps, l.wear_start, l.wear_rl, l.wear_rr, l.wear_fl, l.wear_fr,
                l.fuel_start_kg, l.fuel_end_kg, l.pit_in, l.pit_out, l.ended_at, l.trace_coverage
            FROM laps l LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index
            WHERE l.session_id = @id ORDER BY l.car_index, l.lap_number
            """, ("id", sessionId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                laps.Add(new LapRow
                {
                    Id = L(reader, 0), SessionId = sessionId, CarIndex = (uint)L(reader, 1), Driver = S(reader, 2), Team = S(reader, 3),
                    LapNumber = (uint)L(reader, 4), LapTimeMs = (uint)L(reader, 5), Sector1Ms = (uint)L(reader, 6), Sector2Ms = (uint)L(reader, 7),
                    Sector3Ms = (uint)L(reader, 8), Valid = L(reader, 9) != 0, Status = S(reader, 10), TimeSource = SourceName(L(reader, 11)),
                    Position = (uint)L(reader, 12), TyreCompound = S(reader, 13), TyreAgeLaps = (uint)L(reader, 14), WearStart = (float)D(reader, 15),
                    WearRearLeft = (float)D(reader, 16), WearRearRight = (float)D(reader, 17), WearFrontLeft = (float)D(reader, 18),
                    WearFrontRight = (float)D(reader, 19), FuelStartKg = (float)D(reader, 20), FuelEndKg = (float)D(reader, 21),
                    PitIn = L(reader, 22) != 0, PitOut = L(reader, 23) != 0, EndedAt = DateTimeOffset.FromUnixTimeMilliseconds(L(reader, 24)),
                    TraceCoverage = D(reader, 25),
                });
            }
        }

        MarkBests(laps);
        return carIndex is { } car ? laps.Where(l => l.CarIndex == car).ToList() : laps;
    }

    private static string SourceName(long source) => (TimeSource)source switch
    {
        TimeSource.GameHistory => "game_history",
        TimeSource.LapData => "lap_data",
        TimeSource.LastLapTime => "last_lap_time",
        _ => "none",
    };

    /// <summary>Personal (per car) and overall (session) bests of lap and sector times, over valid completed laps.</summary>
    internal static void MarkBests(IReadOnlyList<LapRow> laps)
    {
        var timed = laps.Where(l => l.Valid && l.Status == "complete" && l.LapTimeMs > 0).ToList();
        static uint Min(IEnumerable<LapRow> rows, Func<LapRow, uint> of) => rows.Select(of).Where(v => v > 0).DefaultIfEmpty(0u).Min();
        var overall = (Lap: Min(timed, l => l.LapTimeMs), S1: Min(timed, l => l.Sector1Ms), S2: Min(timed, l => l.Sector2Ms), S3: Min(timed, l => l.Sector3Ms));
        foreach (var car in timed.GroupBy(l => l.CarIndex))
        {
            var personal = (Lap: Min(car, l => l.LapTimeMs), S1: Min(car, l => l.Sector1Ms), S2: Min(car, l => l.Sector2Ms), S3: Min(car, l => l.Sector3Ms));
            foreach (var lap in car)
            {
                lap.PersonalBest = lap.LapTimeMs == personal.Lap;
                lap.OverallBest = lap.LapTimeMs == overall.Lap;
                lap.PersonalBestSector1 = lap.Sector1Ms > 0 && lap.Sector1Ms == personal.S1;
                lap.PersonalBestSector2 = lap.Sector2Ms > 0 && lap.Sector2Ms == personal.S2;
                lap.PersonalBestSector3 = lap.Sector3Ms > 0 && lap.Sector3Ms == personal.S3;
                lap.OverallBestSector1 = lap.Sector1Ms > 0 && lap.Sector1Ms == overall.S1;
                lap.OverallBestSector2 = lap.Sector2Ms > 0 && lap.Sector2Ms == overall.S2;
                lap.OverallBestSector3 = lap.Sector3Ms > 0 && lap.Sector3Ms == overall.S3;
            }
        }
    }

    public async Task<LapSummary?> GetLapAsync(long lapId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT l.id, l.session_id, s.game, s.track, s.track_length_m, s.session_type, s.started_at, l.car_index, COALESCE(c.driver, ''),
                COALESCE(c.team, ''), l.lap_number, l.lap_time_ms, l.valid, l.status
            FROM laps l JOIN sessions s ON s.id = l.session_id LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index
            WHERE l.id = @id
            """, ("id", lapId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LapSummary(L(reader, 0), L(reader, 1), S(reader, 2), S(reader, 3), (float)D(reader, 4), S(reader, 5),
                DateTimeOffset.FromUnixTimeMilliseconds(L(reader, 6)), (uint)L(reader, 7), S(reader, 8), S(reader, 9), (uint)L(reader, 10),
                (uint)L(reader, 11), L(reader, 12) != 0, S(reader, 13))
            : null;
    }

    public async Task<LapTrace?> GetTraceAsync(long lapId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT trace FROM laps WHERE id = @id", ("id", lapId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return reader.IsDBNull(0) ? new LapTrace(0, LapTrace.StepM, []) : LapTrace.Decode(reader.GetFieldValue<byte[]>(0));
    }

    public async Task<CompareLaps?> FindCompareLapsAsync(SessionKey session, uint carIndex, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long sessionId;
        string track, game, driver;
        await using (var command = Command(connection, null, """
            SELECT s.id, s.track, s.game, COALESCE(c.driver, '') FROM sessions s
            LEFT JOIN cars c ON c.session_id = s.id AND c.car_index = @car
            WHERE s.source_id = @source AND s.session_uid = @uid
            """, ("source", session.SourceId), ("uid", unchecked((long)session.SessionUid)), ("car", (long)carIndex)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (sessionId, track, game, driver) = (L(reader, 0), S(reader, 1), S(reader, 2), S(reader, 3));
        }

        long? latest, best;
        await using (var command = Command(connection, null, "SELECT id FROM laps WHERE session_id = @id AND car_index = @car ORDER BY lap_number DESC LIMIT 1",
            ("id", sessionId), ("car", (long)carIndex)))
        {
            latest = await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
        }

        // The same driver on the same track in the same game, in any session; an unnamed car only within its own session.
        await using (var command = Command(connection, null, """
            SELECT l.id FROM laps l JOIN sessions s ON s.id = l.session_id LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index
            WHERE s.track = @track AND s.game = @game AND l.valid = 1 AND l.lap_time_ms > 0 AND l.status = 'complete'
                AND (CASE WHEN @driver = '' THEN l.session_id = @id AND l.car_index = @car ELSE c.driver = @driver END)
            ORDER BY l.lap_time_ms, l.id LIMIT 1
            """, ("track", track), ("game", game), ("driver", driver), ("id", sessionId), ("car", (long)carIndex)))
        {
            best = await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
        }

        return new CompareLaps(sessionId, latest, best);
    }

    public async Task<IReadOnlyList<BestRow>> GetBestsAsync(SessionFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var (where, parameters) = Where(filter, "s");
        var condition = where.Length == 0 ? " WHERE " : where + " AND ";
        const string group = "PARTITION BY s.track, s.game, COALESCE(c.driver, ''), COALESCE(c.team, '')";
        await using var command = Command(connection, null, $"""
            SELECT track, game, driver, team, lap_time_ms, lap_id, session_id, ended_at, best_s1, best_s2, best_s3, laps FROM (
                SELECT s.track, s.game, COALESCE(c.driver, '') AS driver, COALESCE(c.team, '') AS team, l.lap_time_ms, l.id AS lap_id,
                    s.id AS session_id, l.ended_at,
                    ROW_NUMBER() OVER ({group} ORDER BY l.lap_time_ms, l.id) AS rank,
                    COUNT(*) OVER ({group}) AS laps,
                    MIN(CASE WHEN l.sector1_ms > 0 THEN l.sector1_ms END) OVER ({group}) AS best_s1,
                    MIN(CASE WHEN l.sector2_ms > 0 THEN l.sector2_ms END) OVER ({group}) AS best_s2,
                    MIN(CASE WHEN l.sector3_ms > 0 THEN l.sector3_ms END) OVER ({group}) AS best_s3
                FROM laps l JOIN sessions s ON s.id = l.session_id LEFT JOIN cars c ON c.session_id = l.session_id AND c.car_index = l.car_index
                {condition}l.valid = 1 AND l.lap_time_ms > 0 AND l.status = 'complete'
            ) ranked WHERE rank = 1 ORDER BY track, game, lap_time_ms
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<BestRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            uint Sector(int i) => reader.IsDBNull(i) ? 0 : (uint)L(reader, i);
            var (s1, s2, s3) = (Sector(8), Sector(9), Sector(10));
            rows.Add(new BestRow(S(reader, 0), S(reader, 1), S(reader, 2), S(reader, 3), (uint)L(reader, 4), L(reader, 5), L(reader, 6),
                DateTimeOffset.FromUnixTimeMilliseconds(L(reader, 7)), s1, s2, s3, s1 > 0 && s2 > 0 && s3 > 0 ? s1 + s2 + s3 : null, L(reader, 11)));
        }

        return rows;
    }

    public async Task<bool> DeleteSessionAsync(long sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in new[] { "laps", "cars", "results" })
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE session_id = @id", cancellationToken, ("id", sessionId));
        }

        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM sessions WHERE id = @id", cancellationToken, ("id", sessionId));
        await transaction.CommitAsync(cancellationToken);
        lock (_sessionIds)
        {
            _sessionIds.Clear();
        }

        return deleted > 0;
    }

    public async Task<IReadOnlyList<(long Id, DateTimeOffset LastSeenAt)>> OldestSessionsAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, last_seen_at FROM sessions ORDER BY last_seen_at, id LIMIT @take", ("take", (long)count));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(long, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((L(reader, 0), DateTimeOffset.FromUnixTimeMilliseconds(L(reader, 1))));
        }

        return rows;
    }

    private static (string Where, (string, object?)[] Parameters) Where(SessionFilter filter, string alias)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object?)>();
        foreach (var (column, value) in new[] { ("track", filter.Track), ("game", filter.Game), ("session_type", filter.SessionType) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                clauses.Add($"{alias}.{column} = @{column}");
                parameters.Add((column, value));
            }
        }

        return (clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses), parameters.ToArray());
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static long Bit(bool value) => value ? 1 : 0;

    protected static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static double D(DbDataReader reader, int i) => Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string S(DbDataReader reader, int i) => reader.IsDBNull(i) ? "" : reader.GetString(i);
}
