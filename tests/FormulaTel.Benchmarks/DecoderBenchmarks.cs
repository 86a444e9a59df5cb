using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Simulation;
using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Benchmarks;

/// <summary>
/// Per datagram: decoding each F1 23 packet type (validate, then read the packed layout in one step), from the
/// real captures.
/// </summary>
[MemoryDiagnoser]
public class DecoderBenchmarks
{
    private readonly Dictionary<F1PacketId, byte[]> _datagrams = [];

    [Params(
        F1PacketId.Motion, F1PacketId.Session, F1PacketId.LapData, F1PacketId.Event, F1PacketId.Participants,
        F1PacketId.CarSetups, F1PacketId.CarTelemetry, F1PacketId.CarStatus, F1PacketId.FinalClassification,
        F1PacketId.LobbyInfo, F1PacketId.CarDamage, F1PacketId.SessionHistory, F1PacketId.TyreSets, F1PacketId.MotionEx)]
    public F1PacketId Packet { get; set; }

    private byte[] _datagram = [];

    [GlobalSetup]
    public void Setup()
    {
        // The real captures: one datagram per packet id (Event: a fastest lap).
        for (var id = 0; id < 14; id++)
        {
            var name = id == 3 ? "2023-03-FTLP.bin" : $"2023-{id:00}.bin";
            _datagrams[(F1PacketId)id] = File.ReadAllBytes(Path.Combine(Fixtures.Folder, "packets", name));
        }

        _datagram = _datagrams[Packet];
    }

    [Benchmark]
    public uint Decode() => DecodeOne(_datagram);

    /// <summary>
    /// Validates, then views the datagram as its packed struct in place (as the mapper does) and reads the last car's
    /// last field, so nothing is optimised away. (Copying each struct out with MemoryMarshal.Read in one switch made the
    /// JIT zero every case's struct local on entry, ~12 KB: ~160 ns whatever the packet.)
    /// </summary>
    private static uint DecodeOne(ReadOnlySpan<byte> datagram)
    {
        if (F1Decoder.Validate(datagram, out var header) != DatagramDropReason.None)
        {
            return 0;
        }

        return (F1PacketId)header.PacketId switch
        {
            F1PacketId.Motion => (uint)F1Decoder.View<PacketMotionData>(datagram).CarMotionData[21].Roll,
            F1PacketId.Session => F1Decoder.View<PacketSessionData>(datagram).Rules.NumRedFlagPeriods,
            F1PacketId.LapData => F1Decoder.View<PacketLapData>(datagram).LapData[21].Progress.PitStopTimerInMS,
            F1PacketId.Event => F1Decoder.ReadEvent(datagram).EventDetails.Buttons.ButtonStatus,
            F1PacketId.Participants => F1Decoder.View<PacketParticipantsData>(datagram).Participants[21].Platform,
            F1PacketId.CarSetups => (uint)F1Decoder.View<PacketCarSetupData>(datagram).CarSetups[21].Load.FuelLoad,
            F1PacketId.CarTelemetry => F1Decoder.View<PacketCarTelemetryData>(datagram).CarTelemetryData[21].EngineRPM,
            F1PacketId.CarStatus => F1Decoder.View<PacketCarStatusData>(datagram).CarStatusData[21].NetworkPaused,
            F1PacketId.FinalClassification => F1Decoder.View<PacketFinalClassificationData>(datagram).ClassificationData[21].Times.NumTyreStints,
            F1PacketId.LobbyInfo => F1Decoder.View<PacketLobbyInfoData>(datagram).LobbyPlayers[21].ReadyStatus,
            F1PacketId.CarDamage => F1Decoder.View<PacketCarDamageData>(datagram).CarDamageData[21].Body.EngineSeized,
            F1PacketId.SessionHistory => F1Decoder.View<PacketSessionHistoryData>(datagram).TyreStintsHistoryData[7].EndLap,
            F1PacketId.TyreSets => F1Decoder.View<PacketTyreSetsData>(datagram).FittedIdx,
            F1PacketId.MotionEx => (uint)F1Decoder.View<PacketMotionExData>(datagram).FrontWheelsAngle,
            _ => 0,
        };
    }

}

/// <summary>Header validation and dispatch alone; decode + conversion to spec frames of a 22-car Car Telemetry datagram.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly List<TelemetryFrame> _frames = new(64);
    private readonly Timestamp _receivedAt = Timestamp.FromDateTime(DateTime.UtcNow);
    private byte[] _telemetry = [];
    private byte[] _telemetry22 = [];
    private byte[] _participants22 = [];
    private byte[] _session = [];
    private F1FrameMapper _mapper = null!;

    [GlobalSetup]
    public void Setup()
    {
        _telemetry = File.ReadAllBytes(Path.Combine(Fixtures.Folder, "packets", "2023-06.bin"));

        // 22 active cars: participants first, so the mapper knows them.
        var field = new SimulatedField(22, 0);
        field.Step(1.0 / 60);
        var writer = new F1PacketWriter(field, 42);
        var buffer = new byte[1500];
        _mapper = new F1FrameMapper(new F1ActiveCars());
        _mapper.Map(buffer.AsSpan(0, writer.WriteParticipants(buffer)), "bench", _receivedAt, _frames);
        _telemetry22 = buffer.AsSpan(0, writer.WriteCarTelemetry(buffer)).ToArray();
        _participants22 = buffer.AsSpan(0, writer.WriteParticipants(buffer)).ToArray();
        _session = buffer.AsSpan(0, writer.WriteSession(buffer)).ToArray();
    }

    [Benchmark]
    public int HeaderAndDispatch()
    {
        var reason = F1Decoder.Validate(_telemetry, out var header);
        return (int)reason + header.PacketId;
    }

    [Benchmark]
    public int DecodeAndConvertCarTelemetry22Cars()
    {
        _frames.Clear();
        _mapper.Map(_telemetry22, "bench", _receivedAt, _frames);
        return _frames.Count;
    }

    [Benchmark]
    public int DecodeAndConvertParticipants22Cars()
    {
        _frames.Clear();
        _mapper.Map(_participants22, "bench", _receivedAt, _frames);
        return _frames.Count;
    }

    [Benchmark]
    public int DecodeAndConvertSession()
    {
        _frames.Clear();
        _mapper.Map(_session, "bench", _receivedAt, _frames);
        return _frames.Count;
    }
}

internal static class Fixtures
{
    public static string Folder => Environment.GetEnvironmentVariable("FORMULATEL_FIXTURES") ?? Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? ".", "..", "shared", "fixtures", "f1"));
    }
}
