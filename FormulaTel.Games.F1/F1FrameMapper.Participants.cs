using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Participants: who drives each car.
public sealed partial class F1FrameMapper
{
    internal void MapParticipants(in PacketParticipantsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
        }
    }

    internal void MapParticipants2024(in PacketParticipantsData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
        }
    }

    internal void MapParticipants2025(in PacketParticipantsData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            // F1 25: 32-byte names, livery colours (not in the spec yet).
            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
            var colours = output[^1].Participant.LiveryColours;
            for (var c = 0; c < Math.Min((int)p.NumColours, 4); c++)
            {
                colours.Add(new Colour { Red = p.LiveryColours[c].Red, Green = p.LiveryColours[c].Green, Blue = p.LiveryColours[c].Blue });
            }
        }
    }

    private static Participant Participant(ushort format, byte aiControlled, byte teamId, byte raceNumber, byte nationality, string name, byte yourTelemetry, byte activeCars, byte platform) => new()
    {
        Platform = F1Names.Platform(platform),
        Name = name,
        Team = F1Names.Team(format, teamId),
        TeamId = teamId,
        RaceNumber = raceNumber,
        AiControlled = aiControlled != 0,
        NationalityId = nationality,
        TelemetryPublic = yourTelemetry != 0,
        ActiveCars = activeCars,
    };
}
