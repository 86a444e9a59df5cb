namespace FormulaTel.Games;

/// <summary>
/// What a game datagram says about where it belongs, read from its header without decoding its body: the
/// recorder files datagrams by it and writes it into each recording's metadata.
/// </summary>
/// <param name="Game">The game as people name it, e.g. "F1 25".</param>
/// <param name="Format">The game's packet format, e.g. 2025.</param>
/// <param name="SessionUid">The game's session id; 0 where the game has none.</param>
/// <param name="Track">The track's name, when this datagram carries it (F1: the Session packet).</param>
/// <param name="SessionType">The session's type, e.g. "R" or "Q1", when this datagram carries it.</param>
public readonly record struct DatagramLabel(string Game, int Format, ulong SessionUid, string? Track = null, string? SessionType = null);
