namespace FormulaTel.Games.F1;

/// <summary>
/// What the mapper reads from a participant entry, whatever the format's name width and offsets, so one mapping
/// reads F1 23, 24 and 25. Static members over the entry by reference: no copies, calls the JIT inlines.
/// </summary>
public interface IF1ParticipantEntry<TSelf> where TSelf : unmanaged, IF1ParticipantEntry<TSelf>
{
    static abstract ref readonly ParticipantIdentity Identity(in TSelf entry);

    static abstract byte YourTelemetry(in TSelf entry);

    static abstract byte Platform(in TSelf entry);

    static abstract string DecodeName(in TSelf entry);

    /// <summary>How many livery colours the entry carries (none before F1 25).</summary>
    static abstract int LiveryColourCount(in TSelf entry);

    static abstract LiveryColour LiveryColourAt(in TSelf entry, int index);
}
