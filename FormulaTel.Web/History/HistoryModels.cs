namespace FormulaTel.Web.History;

// The history API's shapes as the pages read them (docs/history.md); fields the pages do not show are left out.

public sealed record SessionPage(long Total, int PageNumber, int PageSize, IReadOnlyList<StoredSession> Items);

public sealed record StoredSession(long Id, string Game, string Track, string SessionType, string SessionTypeName, DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt, string Source, long Laps, long Cars, uint? BestLapMs, string? BestLapBy, long? BestLapId);

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
