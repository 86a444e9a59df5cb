using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.Forza;

/// <summary>
/// Forza Motorsport 7, Forza Motorsport (2023) and Forza Horizon 4, 5 and 6 (Data Out) as one game family: recognised
/// by the datagram's size and IsRaceOn.
/// </summary>
public sealed class ForzaGame(ForzaFrameMapper mapper) : IGameDecoder
{
    public string Family => "Forza";

    public int ShortestDatagram => ForzaDatagram.ShortestDatagram;

    public bool Recognises(ReadOnlySpan<byte> datagram) => ForzaDatagram.Recognises(datagram);

    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output) =>
        mapper.Map(datagram, sourceId, receivedAt, output);

    /// <summary>
    /// The game and format from the size, the track from FM 2023's TrackOrdinal. Forza has no session id (0): the
    /// recorder files a source's Forza datagrams together.
    /// </summary>
    public bool TryLabel(ReadOnlySpan<byte> datagram, out DatagramLabel label)
    {
        if (!ForzaDatagram.Recognises(datagram))
        {
            label = default;
            return false;
        }

        ForzaDatagram.TryFormat(datagram.Length, out var format);
        label = new DatagramLabel(ForzaDatagram.Game(format).DisplayName(), (int)format, 0,
            format == ForzaFormat.Fm2023Dash ? $"Track {ForzaDatagram.Fm2023(datagram).TrackOrdinal}" : null);
        return true;
    }
}
