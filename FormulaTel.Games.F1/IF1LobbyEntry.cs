namespace FormulaTel.Games.F1;

/// <summary>
/// What the mapper reads from a lobby player entry in any format, so one mapping reads F1 23, 24 and 25; static
/// members over the entry by reference, as <see cref="IF1ParticipantEntry{TSelf}"/>.
/// </summary>
public interface IF1LobbyEntry<TSelf> where TSelf : unmanaged, IF1LobbyEntry<TSelf>
{
    static abstract ref readonly LobbyPlayerIdentity Identity(in TSelf entry);

    static abstract byte CarNumber(in TSelf entry);

    static abstract byte ReadyStatus(in TSelf entry);

    static abstract bool TelemetryPublic(in TSelf entry);

    static abstract string DecodeName(in TSelf entry);
}
