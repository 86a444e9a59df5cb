using System.Text.Json.Serialization;

namespace FormulaTel.Web.History;

// The history API's shapes as the pages read them (docs/history.md); fields the pages do not show are left out.

public sealed record SessionPage(long Total, int PageNumber, int PageSize, IReadOnlyList<StoredSession> Items);

public sealed record StoredSession(long Id, string Game, string Track, string SessionType, string SessionTypeName, DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt, string Source, long Laps, long Cars, uint? BestLapMs, string? BestLapBy, long? BestLapId, string SessionUid);

public sealed record StoredCar(uint CarIndex, string Driver, string Team, uint RaceNumber, bool AiControlled, bool IsPlayer);

public sealed record StoredResult(uint Position, uint CarIndex, string Driver, string Team, uint Laps, uint GridPosition, uint Points,
    uint PitStops, string Status, uint BestLapMs, double TotalTimeS, bool FromGame);

public sealed record StoredSessionDetail(StoredSession Session, IReadOnlyList<StoredCar> Cars, IReadOnlyList<StoredResult> Results);

public sealed record StoredLap(long Id, uint CarIndex, string Driver, uint LapNumber, uint LapTimeMs, uint Sector1Ms, uint Sector2Ms, uint Sector3Ms,
    bool Valid, string Status, uint Position, string TyreCompound, uint TyreAgeLaps, float WearRearLeft, float WearRearRight, float WearFrontLeft,
    float WearFrontRight, float FuelEndKg, bool PitIn, bool PitOut, bool PersonalBest, bool OverallBest,
    bool PersonalBestSector1, bool PersonalBestSector2, bool PersonalBestSector3, bool OverallBestSector1, bool OverallBestSector2, bool OverallBestSector3)
{
    public float MaxWear => Math.Max(Math.Max(WearRearLeft, WearRearRight), Math.Max(WearFrontLeft, WearFrontRight));
}

public sealed record StoredLapSummary(long Id, long SessionId, string Game, string Track, float TrackLengthM, string SessionType,
    DateTimeOffset SessionStartedAt, uint CarIndex, string Driver, string Team, uint LapNumber, uint LapTimeMs, bool Valid, string Status);

public sealed record StoredTrace(long LapId, float StepM, IReadOnlyList<TracePoint> Points);

public sealed record TracePoint(
    [property: JsonPropertyName("distance_m")] float DistanceM,
    [property: JsonPropertyName("time_ms")] long TimeMs,
    [property: JsonPropertyName("speed_kph")] float SpeedKph,
    [property: JsonPropertyName("throttle")] float Throttle,
    [property: JsonPropertyName("brake")] float Brake,
    [property: JsonPropertyName("steer")] float Steer,
    [property: JsonPropertyName("gear")] int Gear,
    [property: JsonPropertyName("x_m")] float X,
    [property: JsonPropertyName("z_m")] float Z);

public sealed record StoredBest(string Track, string Game, string Driver, string Team, uint BestLapMs, long LapId, long SessionId,
    DateTimeOffset SetAt, uint BestSector1Ms, uint BestSector2Ms, uint BestSector3Ms, uint? TheoreticalBestMs, long Laps);

public sealed record StoredCompareLaps(long SessionId, long? LatestLapId, long? BestLapId);

public sealed record StoredRecording(string Name, long Bytes, DateTimeOffset LastWrite);
