namespace FormulaTel.History.Storage;

/// <summary>A lap with what names it outside its session (the compare page's legend).</summary>
public sealed record LapSummary(long Id, long SessionId, string Game, string Track, float TrackLengthM, string SessionType,
    DateTimeOffset SessionStartedAt, uint CarIndex, string Driver, string Team, uint LapNumber, uint LapTimeMs, bool Valid, string Status);
