namespace FormulaTel.History.Storage;

/// <summary>A car of a stored session.</summary>
public sealed record CarRow(uint CarIndex, string Driver, string Team, uint RaceNumber, bool AiControlled, bool IsPlayer);
