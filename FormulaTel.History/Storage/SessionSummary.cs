namespace FormulaTel.History.Storage;

/// <summary>A stored session as the listing shows it.</summary>
public sealed record SessionSummary(
    long Id,
    string Game,
    string Track,
    int TrackId,
    float TrackLengthM,
    string SessionType,
    string SessionTypeName,
    uint TotalLaps,
    DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt,
    string Source,
    string SessionUid,
    long Laps,
    long Cars,
    uint? BestLapMs,
    string? BestLapBy,
    long? BestLapId);
