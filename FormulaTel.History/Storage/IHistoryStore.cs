using FormulaTel.History.Laps;

namespace FormulaTel.History.Storage;

/// <summary>
/// The session history: one interface, two engines (SQLite embedded, PostgreSQL in the full stack and Kubernetes),
/// the same behaviour (one test suite runs against both). Writes are idempotent by their natural keys.
/// </summary>
public interface IHistoryStore
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Engine { get; }

    /// <summary>Where the data is, for messages (a file, or host and database; never a password).</summary>
    string Location { get; }

    /// <summary>Brings the schema to the current version; throws <see cref="HistoryStoreException"/> when the database cannot be used.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<int> SchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>Stores a batch in one transaction: sessions, then cars, laps and results.</summary>
    Task WriteAsync(HistoryBatch batch, CancellationToken cancellationToken);

    Task<Page<SessionSummary>> ListSessionsAsync(SessionFilter filter, int page, int pageSize, CancellationToken cancellationToken);

    Task<SessionDetail?> GetSessionAsync(long sessionId, CancellationToken cancellationToken);

    /// <summary>The session's laps in order (car, lap), best flags set; null when there is no such session.</summary>
    Task<IReadOnlyList<LapRow>?> GetLapsAsync(long sessionId, uint? carIndex, CancellationToken cancellationToken);

    Task<LapSummary?> GetLapAsync(long lapId, CancellationToken cancellationToken);

    /// <summary>The lap's trace; null when there is no such lap (a lap without a trace has one of no points).</summary>
    Task<LapTrace?> GetTraceAsync(long lapId, CancellationToken cancellationToken);

    /// <summary>The laps "compare with my best here" opens for a car of a session as the stream labels it; null when the session is not stored.</summary>
    Task<CompareLaps?> FindCompareLapsAsync(SessionKey session, uint carIndex, CancellationToken cancellationToken);

    Task<IReadOnlyList<BestRow>> GetBestsAsync(SessionFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes a session with its cars, laps and results; false when there was none.</summary>
    Task<bool> DeleteSessionAsync(long sessionId, CancellationToken cancellationToken);

    /// <summary>The oldest sessions first (by when they were last seen), for retention.</summary>
    Task<IReadOnlyList<(long Id, DateTimeOffset LastSeenAt)>> OldestSessionsAsync(int count, CancellationToken cancellationToken);

    /// <summary>Bytes the history takes in the database.</summary>
    Task<long> SizeBytesAsync(CancellationToken cancellationToken);

    /// <summary>A cheap query that fails when the database does (the health check).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
