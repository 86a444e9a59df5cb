namespace FormulaTel.History.Storage;

/// <summary>
/// The schema, version by version. A database records the versions applied (schema_migrations); start-up applies
/// the missing ones in order, each in its own transaction. Never edit a released version: add the next.
/// </summary>
internal static class SchemaMigrations
{
    public static int Latest => All.Length;

    /// <summary>Each version's statements, in the dialect's types.</summary>
    public static readonly Func<SqlDialect, string[]>[] All =
    [
        d =>
        [
            $"""
            CREATE TABLE sessions (
                id {d.IdColumn},
                source_id TEXT NOT NULL,
                session_uid {d.BigInt} NOT NULL,
                game TEXT NOT NULL,
                track TEXT NOT NULL,
                track_id INTEGER NOT NULL,
                track_length_m {d.Real} NOT NULL,
                session_type TEXT NOT NULL,
                session_type_name TEXT NOT NULL,
                total_laps INTEGER NOT NULL,
                started_at {d.BigInt} NOT NULL,
                last_seen_at {d.BigInt} NOT NULL,
                UNIQUE (source_id, session_uid))
            """,
            "CREATE INDEX sessions_started ON sessions (started_at)",
            "CREATE INDEX sessions_track ON sessions (track, game, session_type)",
            $"""
            CREATE TABLE cars (
                session_id {d.BigInt} NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                car_index INTEGER NOT NULL,
                driver TEXT NOT NULL,
                team TEXT NOT NULL,
                race_number INTEGER NOT NULL,
                ai_controlled INTEGER NOT NULL,
                is_player INTEGER NOT NULL,
                PRIMARY KEY (session_id, car_index))
            """,
            $"""
            CREATE TABLE laps (
                id {d.IdColumn},
                session_id {d.BigInt} NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                car_index INTEGER NOT NULL,
                lap_number INTEGER NOT NULL,
                status TEXT NOT NULL,
                time_source INTEGER NOT NULL,
                lap_time_ms INTEGER NOT NULL,
                sector1_ms INTEGER NOT NULL,
                sector2_ms INTEGER NOT NULL,
                sector3_ms INTEGER NOT NULL,
                valid INTEGER NOT NULL,
                has_detail INTEGER NOT NULL,
                position INTEGER NOT NULL,
                tyre_compound TEXT NOT NULL,
                tyre_age_laps INTEGER NOT NULL,
                wear_start {d.Real} NOT NULL,
                wear_rl {d.Real} NOT NULL,
                wear_rr {d.Real} NOT NULL,
                wear_fl {d.Real} NOT NULL,
                wear_fr {d.Real} NOT NULL,
                fuel_start_kg {d.Real} NOT NULL,
                fuel_end_kg {d.Real} NOT NULL,
                pit_in INTEGER NOT NULL,
                pit_out INTEGER NOT NULL,
                ended_at {d.BigInt} NOT NULL,
                trace {d.Blob},
                trace_coverage {d.Real} NOT NULL,
                UNIQUE (session_id, car_index, lap_number))
            """,
            "CREATE INDEX laps_best ON laps (valid, status, lap_time_ms)",
            $"""
            CREATE TABLE results (
                session_id {d.BigInt} NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                car_index INTEGER NOT NULL,
                position INTEGER NOT NULL,
                laps INTEGER NOT NULL,
                grid_position INTEGER NOT NULL,
                points INTEGER NOT NULL,
                pit_stops INTEGER NOT NULL,
                result_status TEXT NOT NULL,
                best_lap_ms INTEGER NOT NULL,
                total_race_time_s {d.Real} NOT NULL,
                PRIMARY KEY (session_id, car_index))
            """,
        ],
    ];
}
