using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Participants: who drives each car; one mapping for every format's entry layout.
public sealed partial class F1FrameMapper
{
    internal void MapParticipants<TEntry>(in F1PacketHeader header, byte numActiveCars, ReadOnlySpan<TEntry> participants, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
        where TEntry : unmanaged, IF1ParticipantEntry<TEntry>
    {
        activeCars.ObserveParticipants(sourceId, header.SessionUID, Math.Min((int)numActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var p = ref participants[i];
            ref readonly var identity = ref TEntry.Identity(in p);
            var participant = new Participant
            {
                Platform = F1Names.Platform(TEntry.Platform(in p)),
                Name = TEntry.DecodeName(in p),
                Team = F1Names.Team(header.PacketFormat, identity.TeamId),
                TeamId = identity.TeamId,
                RaceNumber = identity.RaceNumber,
                AiControlled = identity.AiControlled != 0,
                NationalityId = identity.Nationality,
                TelemetryPublic = TEntry.YourTelemetry(in p) != 0,
                ActiveCars = numActiveCars,
            };
            for (var c = 0; c < TEntry.LiveryColourCount(in p); c++)
            {
                var colour = TEntry.LiveryColourAt(in p, c);
                participant.LiveryColours.Add(new Colour { Red = colour.Red, Green = colour.Green, Blue = colour.Blue });
            }

            output.Add(new TelemetryFrame { Envelope = Envelope(in header, i, sourceId, receivedAt), Participant = participant });
        }
    }
}
