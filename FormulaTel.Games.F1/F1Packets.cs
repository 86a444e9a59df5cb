using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

/// <summary>
/// The one table of F1 packets: (format, packet id) → layout, size, mapping and spec-JSON reading. Validation, the
/// mapper, the decode command's JSON and the tests all read it; sizes come from the layout structs (the layout tests
/// check them against the EA specification's).
/// </summary>
public static class F1Packets
{
    private static readonly F1Packet?[][] ByFormat = [.. F1Decoder.Formats.Select(Build)];

    // The sizes again as one plain array per format, for validation on the hot path (every datagram): the same
    // numbers, read without going through the entries (static readonly arrays the JIT treats as constants).
    private static readonly int[] Sizes2023 = SizesOf(0);
    private static readonly int[] Sizes2024 = SizesOf(1);
    private static readonly int[] Sizes2025 = SizesOf(2);

    /// <summary>Every packet of every format.</summary>
    public static IEnumerable<F1Packet> All => ByFormat.SelectMany(f => f).OfType<F1Packet>();

    /// <summary>Whether the decoder reads this packet format.</summary>
    public static bool Reads(ushort format) => Index(format) >= 0;

    /// <summary>A format's packet sizes by id (-1 for an id it does not define), or null for a format not read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int[]? Sizes(ushort format) => format switch
    {
        F1Decoder.Format2023 => Sizes2023,
        F1Decoder.Format2024 => Sizes2024,
        F1Decoder.Format2025 => Sizes2025,
        _ => null,
    };

    private static int[] SizesOf(int formatIndex) => [.. ByFormat[formatIndex].Select(p => p?.Size ?? -1)];

    /// <summary>The packet a format defines for an id, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1Packet? Find(ushort format, byte id)
    {
        var index = Index(format);
        if (index < 0)
        {
            return null;
        }

        var packets = ByFormat[index];
        return id < packets.Length ? packets[id] : null;
    }

    private static int Index(ushort format) => format switch
    {
        F1Decoder.Format2023 => 0,
        F1Decoder.Format2024 => 1,
        F1Decoder.Format2025 => 2,
        _ => -1,
    };

    private static F1Packet Of<T>(ushort format, F1PacketId id, F1MapDatagram map) where T : unmanaged =>
        new(format, id, typeof(T), Unsafe.SizeOf<T>(), map, static d => MemoryMarshal.Read<T>(d));

    /// <summary>A format's packets, by id. Later formats change some layouts and add packets; the rest carry over.</summary>
    private static F1Packet?[] Build(ushort f)
    {
        var is2024 = f >= F1Decoder.Format2024;
        var is2025 = f >= F1Decoder.Format2025;
        var packets = new List<F1Packet>
        {
            Of<PacketMotionData>(f, F1PacketId.Motion, static (m, d, s, a, o) => m.MapMotion(in F1Decoder.View<PacketMotionData>(d), s, a, o)),
            is2024
                ? Of<PacketSessionData2024>(f, F1PacketId.Session, static (m, d, s, a, o) => F1FrameMapper.MapSession2024(in F1Decoder.View<PacketSessionData2024>(d), s, a, o))
                : Of<PacketSessionData>(f, F1PacketId.Session, static (m, d, s, a, o) => F1FrameMapper.MapSession2023(in F1Decoder.View<PacketSessionData>(d), s, a, o)),
            is2024
                ? Of<PacketLapData2024>(f, F1PacketId.LapData, static (m, d, s, a, o) => m.MapLapData2024(in F1Decoder.View<PacketLapData2024>(d), s, a, o))
                : Of<PacketLapData>(f, F1PacketId.LapData, static (m, d, s, a, o) => m.MapLapData(in F1Decoder.View<PacketLapData>(d), s, a, o)),
            new(f, F1PacketId.Event, typeof(PacketEventData), Unsafe.SizeOf<PacketEventData>(),
                static (m, d, s, a, o) => F1FrameMapper.MapEvent(F1Decoder.ReadEvent(d), s, a, o), static d => F1Decoder.ReadEvent(d)),
            is2025
                ? Of<PacketParticipantsData2025>(f, F1PacketId.Participants, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketParticipantsData2025>(d);
                    m.MapParticipants<ParticipantData2025>(in p.Header, p.NumActiveCars, p.Participants, s, a, o);
                })
                : is2024
                    ? Of<PacketParticipantsData2024>(f, F1PacketId.Participants, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketParticipantsData2024>(d);
                    m.MapParticipants<ParticipantData2024>(in p.Header, p.NumActiveCars, p.Participants, s, a, o);
                })
                    : Of<PacketParticipantsData>(f, F1PacketId.Participants, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketParticipantsData>(d);
                    m.MapParticipants<ParticipantData>(in p.Header, p.NumActiveCars, p.Participants, s, a, o);
                }),
            is2024
                ? Of<PacketCarSetupData2024>(f, F1PacketId.CarSetups, static (m, d, s, a, o) => m.MapCarSetups2024(in F1Decoder.View<PacketCarSetupData2024>(d), s, a, o))
                : Of<PacketCarSetupData>(f, F1PacketId.CarSetups, static (m, d, s, a, o) => m.MapCarSetups(in F1Decoder.View<PacketCarSetupData>(d), s, a, o)),
            Of<PacketCarTelemetryData>(f, F1PacketId.CarTelemetry, static (m, d, s, a, o) => m.MapCarTelemetry(in F1Decoder.View<PacketCarTelemetryData>(d), s, a, o)),
            Of<PacketCarStatusData>(f, F1PacketId.CarStatus, static (m, d, s, a, o) => m.MapCarStatus(in F1Decoder.View<PacketCarStatusData>(d), s, a, o)),
            is2025
                ? Of<PacketFinalClassificationData2025>(f, F1PacketId.FinalClassification, static (m, d, s, a, o) => F1FrameMapper.MapFinalClassification2025(in F1Decoder.View<PacketFinalClassificationData2025>(d), s, a, o))
                : Of<PacketFinalClassificationData>(f, F1PacketId.FinalClassification, static (m, d, s, a, o) => F1FrameMapper.MapFinalClassification(in F1Decoder.View<PacketFinalClassificationData>(d), s, a, o)),
            is2025
                ? Of<PacketLobbyInfoData2025>(f, F1PacketId.LobbyInfo, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketLobbyInfoData2025>(d);
                    F1FrameMapper.MapLobby<LobbyInfoData2025>(in p.Header, p.NumPlayers, p.LobbyPlayers, s, a, o);
                })
                : is2024
                    ? Of<PacketLobbyInfoData2024>(f, F1PacketId.LobbyInfo, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketLobbyInfoData2024>(d);
                    F1FrameMapper.MapLobby<LobbyInfoData2024>(in p.Header, p.NumPlayers, p.LobbyPlayers, s, a, o);
                })
                    : Of<PacketLobbyInfoData>(f, F1PacketId.LobbyInfo, static (m, d, s, a, o) =>
                {
                    ref readonly var p = ref F1Decoder.View<PacketLobbyInfoData>(d);
                    F1FrameMapper.MapLobby<LobbyInfoData>(in p.Header, p.NumPlayers, p.LobbyPlayers, s, a, o);
                }),
            is2025
                ? Of<PacketCarDamageData2025>(f, F1PacketId.CarDamage, static (m, d, s, a, o) => m.MapCarDamage2025(in F1Decoder.View<PacketCarDamageData2025>(d), s, a, o))
                : Of<PacketCarDamageData>(f, F1PacketId.CarDamage, static (m, d, s, a, o) => m.MapCarDamage(in F1Decoder.View<PacketCarDamageData>(d), s, a, o)),
            Of<PacketSessionHistoryData>(f, F1PacketId.SessionHistory, static (m, d, s, a, o) => F1FrameMapper.MapSessionHistory(in F1Decoder.View<PacketSessionHistoryData>(d), s, a, o)),
            Of<PacketTyreSetsData>(f, F1PacketId.TyreSets, static (m, d, s, a, o) => F1FrameMapper.MapTyreSets(in F1Decoder.View<PacketTyreSetsData>(d), s, a, o)),
            is2025
                ? Of<PacketMotionExData2025>(f, F1PacketId.MotionEx, static (m, d, s, a, o) => F1FrameMapper.MapMotionEx(d, F1Decoder.Format2025, s, a, o))
                : is2024
                    ? Of<PacketMotionExData2024>(f, F1PacketId.MotionEx, static (m, d, s, a, o) => F1FrameMapper.MapMotionEx(d, F1Decoder.Format2024, s, a, o))
                    : Of<PacketMotionExData>(f, F1PacketId.MotionEx, static (m, d, s, a, o) => F1FrameMapper.MapMotionEx(d, F1Decoder.Format2023, s, a, o)),
        };
        if (is2024)
        {
            packets.Add(Of<PacketTimeTrialData>(f, F1PacketId.TimeTrial, static (m, d, s, a, o) => F1FrameMapper.MapTimeTrial(in F1Decoder.View<PacketTimeTrialData>(d), s, a, o)));
        }

        if (is2025)
        {
            packets.Add(Of<PacketLapPositionsData>(f, F1PacketId.LapPositions, static (m, d, s, a, o) => m.MapLapPositions(in F1Decoder.View<PacketLapPositionsData>(d), s, a, o)));
        }

        var byId = new F1Packet?[packets.Max(p => (int)p.Id) + 1];
        foreach (var packet in packets)
        {
            if (byId[(int)packet.Id] is not null)
            {
                throw new InvalidOperationException($"F1 packet {packet.Id} of format {f} is registered twice.");
            }

            byId[(int)packet.Id] = packet;
        }

        return byId;
    }
}
