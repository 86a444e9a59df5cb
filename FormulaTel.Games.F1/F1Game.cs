using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

/// <summary>F1 23, F1 24 and F1 25 as one game family: recognised by the packet format at offset 0.</summary>
public sealed class F1Game(F1FrameMapper mapper) : IGameDecoder
{
    private readonly F1DatagramLabeler _labeler = new();

    public string Family => "F1";

    public int ShortestDatagram => F1PacketHeader.Size;

    public bool Recognises(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= sizeof(ushort) && F1Packets.Reads(BitConverter.ToUInt16(datagram));

    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output) =>
        mapper.Map(datagram, sourceId, receivedAt, output);

    public bool TryLabel(ReadOnlySpan<byte> datagram, out DatagramLabel label) => _labeler.TryLabel(datagram, out label);
}
