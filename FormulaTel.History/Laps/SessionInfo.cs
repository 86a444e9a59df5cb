namespace FormulaTel.History.Laps;

/// <summary>What a session is: written when it is first seen and as its details arrive.</summary>
public sealed record SessionInfo(
    SessionKey Key,
    string Game,
    string Track,
    int TrackId,
    float TrackLengthM,
    string SessionType,
    string SessionTypeName,
    uint TotalLaps,
    DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt);
