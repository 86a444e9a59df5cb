namespace FormulaTel.History.Storage;

/// <summary>A driver's best on a track in a game, and the theoretical best from their best sectors there.</summary>
public sealed record BestRow(string Track, string Game, string Driver, string Team, uint BestLapMs, long LapId, long SessionId,
    DateTimeOffset SetAt, uint BestSector1Ms, uint BestSector2Ms, uint BestSector3Ms, uint? TheoreticalBestMs, long Laps);
