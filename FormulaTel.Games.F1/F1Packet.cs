using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

/// <summary>Maps a validated datagram of one packet layout into spec frames.</summary>
public delegate void F1MapDatagram(F1FrameMapper mapper, ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output);

/// <summary>Copies a validated datagram out as its layout struct (boxed), for the spec JSON.</summary>
public delegate object F1ReadLayout(ReadOnlySpan<byte> datagram);

/// <summary>
/// One packet of one format, as <see cref="F1Packets"/> registers it: the layout struct that is read in place, its
/// size (the struct's), the EA specification's name for it, and how it maps into the spec.
/// </summary>
/// <param name="Size">The datagram's size: the layout struct's (an Event may be shorter or longer, see F1Decoder).</param>
public sealed record F1Packet(ushort Format, F1PacketId Id, System.Type Layout, int Size, F1MapDatagram Map, F1ReadLayout Read)
{
    /// <summary>The EA specification's name of the packet's struct, e.g. "PacketMotionData" (ours add the year to later layouts).</summary>
    public string SpecName => Layout.Name.EndsWith("2024", StringComparison.Ordinal) || Layout.Name.EndsWith("2025", StringComparison.Ordinal)
        ? Layout.Name[..^4]
        : Layout.Name;
}
