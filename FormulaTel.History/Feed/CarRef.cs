using FormulaTel.History.Laps;

namespace FormulaTel.History.Feed;

/// <summary>One car of one session: what a Kafka message key names (source/session/car).</summary>
public readonly record struct CarRef(SessionKey Session, uint CarIndex);
