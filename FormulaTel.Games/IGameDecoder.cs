using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games;

/// <summary>
/// One game family's way into the spec: it recognises the family's datagrams, maps them to spec frames and labels
/// them for the recorder. Ingest's receive loop hands each datagram to the decoder that recognises it.
/// </summary>
public interface IGameDecoder : IDatagramLabeler
{
    /// <summary>The family as people name it, e.g. "F1" or "Forza".</summary>
    string Family { get; }

    /// <summary>The shortest datagram this family sends; anything shorter than every family's is too short.</summary>
    int ShortestDatagram { get; }

    /// <summary>
    /// Whether the datagram is this family's, by its format marker alone (no body read). The families' markers do
    /// not overlap, so at most one decoder recognises a datagram.
    /// </summary>
    bool Recognises(ReadOnlySpan<byte> datagram);

    /// <summary>
    /// Validates and maps a datagram <see cref="Recognises"/> accepted, appending its frames to
    /// <paramref name="output"/>. Returns why it was dropped, or <see cref="DatagramDropReason.None"/>.
    /// </summary>
    DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output);
}
