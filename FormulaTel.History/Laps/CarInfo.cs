namespace FormulaTel.History.Laps;

/// <summary>Who drives a car of a session.</summary>
public sealed record CarInfo(SessionKey Session, uint CarIndex, string Driver, string Team, uint RaceNumber, bool AiControlled, bool IsPlayer);
