namespace FormulaTel.History.Storage;

/// <summary>
/// What "compare with my best here" opens: the car's latest stored lap in a session, and the fastest valid complete
/// lap its driver has on that track in that game (null where there is none yet).
/// </summary>
public sealed record CompareLaps(long SessionId, long? LatestLapId, long? BestLapId);
