namespace FormulaTel.History.Laps;

/// <summary>A session as the stream labels it: the sending game instance and the game's session uid.</summary>
public readonly record struct SessionKey(string SourceId, ulong SessionUid);
