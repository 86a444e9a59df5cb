using FormulaTel.Games.F1;
using FormulaTel.Simulation;

namespace FormulaTel.Testing;

/// <summary>The simulator's datagrams for a number of ticks, as byte arrays a test can send and compare.</summary>
public static class SimulatedDatagrams
{
    /// <summary>Participants and Session first, then each tick's Motion, Lap Data, Car Telemetry and Car Status.</summary>
    public static List<byte[]> Session(ulong sessionUid, int ticks, int cars = 20, ushort format = F1Decoder.Format2023)
    {
        var field = new SimulatedField(cars, 0);
        var writer = new F1PacketWriter(field, sessionUid, format);
        var buffer = new byte[1500];
        var datagrams = new List<byte[]>
        {
            buffer.AsSpan(0, writer.WriteParticipants(buffer)).ToArray(),
            buffer.AsSpan(0, writer.WriteSession(buffer)).ToArray(),
        };
        for (var tick = 0; tick < ticks; tick++)
        {
            field.Step(1.0 / 60);
            datagrams.Add(buffer.AsSpan(0, writer.WriteMotion(buffer)).ToArray());
            datagrams.Add(buffer.AsSpan(0, writer.WriteLapData(buffer)).ToArray());
            datagrams.Add(buffer.AsSpan(0, writer.WriteCarTelemetry(buffer)).ToArray());
            datagrams.Add(buffer.AsSpan(0, writer.WriteCarStatus(buffer)).ToArray());
        }

        return datagrams;
    }
}
