using FormulaTel.Protos.V1;

namespace FormulaTel.Games.F1;

/// <summary>F1 23/24/25: format and session from the header, track and session type from the Session packet.</summary>
public sealed class F1DatagramLabeler : IDatagramLabeler
{
    public bool TryLabel(ReadOnlySpan<byte> datagram, out DatagramLabel label)
    {
        var reason = F1Decoder.Validate(datagram, out var header);
        if (reason is DatagramDropReason.TooShort or DatagramDropReason.UnknownFormat)
        {
            label = default;
            return false;
        }

        label = new DatagramLabel(F1Decoder.Game(header.PacketFormat).DisplayName(), header.PacketFormat, header.SessionUID);
        if (reason == DatagramDropReason.None && header.PacketId == (byte)F1PacketId.Session)
        {
            // Every format's session starts with the same conditions.
            ref readonly var session = ref F1Decoder.View<PacketSessionData>(datagram).Conditions;
            label = label with
            {
                Track = session.TrackId < 0 ? null : F1Names.Track(session.TrackId),
                SessionType = F1Names.SessionTypeName(header.PacketFormat, session.SessionType),
            };
        }

        return true;
    }
}
