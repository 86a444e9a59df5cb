namespace FormulaTel.History.Laps;

/// <summary>A car's final result in a session.</summary>
public sealed record ClassificationWrite(
    SessionKey Session,
    uint CarIndex,
    uint Position,
    uint Laps,
    uint GridPosition,
    uint Points,
    uint PitStops,
    string ResultStatus,
    uint BestLapTimeMs,
    double TotalRaceTimeS);
