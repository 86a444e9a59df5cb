namespace FormulaTel.History.Storage;

/// <summary>A car's result in a stored session: the game's final classification, or the laps' order when there is none.</summary>
public sealed record ResultRow(uint Position, uint CarIndex, string Driver, string Team, uint Laps, uint GridPosition, uint Points,
    uint PitStops, string Status, uint BestLapMs, double TotalTimeS, bool FromGame);
