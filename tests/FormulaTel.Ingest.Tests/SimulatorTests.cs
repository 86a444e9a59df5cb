using System.Net;
using System.Net.Sockets;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Simulation;
using FormulaTel.Protos.V1;

namespace FormulaTel.Ingest.Tests;

/// <summary>The simulator's datagrams have the spec sizes, decode with our decoders, and look like racing.</summary>
public class SimulatorTests
{
    private delegate int Write(Span<byte> destination);

    [Theory]
    [InlineData((ushort)2023, Game.F123)]
    [InlineData((ushort)2024, Game.F124)]
    [InlineData((ushort)2025, Game.F125)]
    public void Every_packet_has_the_spec_size_and_decodes_for_every_car(ushort format, Game game)
    {
        var field = new SimulatedField(20, 4);
        var writer = new F1PacketWriter(field, 123456789, format);
        var mapper = new F1FrameMapper(new F1ActiveCars());
        var buffer = new byte[1500];
        field.Step(1.0 / 60);

        var packets = new (F1PacketId Id, Write Write, TelemetryFrame.PayloadOneofCase Payload, int Frames)[]
        {
            (F1PacketId.Participants, writer.WriteParticipants, TelemetryFrame.PayloadOneofCase.Participant, 20),
            (F1PacketId.Session, writer.WriteSession, TelemetryFrame.PayloadOneofCase.Session, 1),
            (F1PacketId.LapData, writer.WriteLapData, TelemetryFrame.PayloadOneofCase.Lap, 20),
            (F1PacketId.Motion, writer.WriteMotion, TelemetryFrame.PayloadOneofCase.Motion, 20),
            (F1PacketId.CarTelemetry, writer.WriteCarTelemetry, TelemetryFrame.PayloadOneofCase.CarTelemetry, 20),
            (F1PacketId.CarStatus, writer.WriteCarStatus, TelemetryFrame.PayloadOneofCase.CarStatus, 20),
        };
        foreach (var (id, write, payload, count) in packets)
        {
            var length = write(buffer);
            Assert.Equal(F1Decoder.SpecSize(format, id), length);
            var frames = new List<TelemetryFrame>();
            Assert.Equal(DatagramDropReason.None, mapper.Map(buffer.AsSpan(0, length), "sim", new(), frames));
            Assert.Equal(count, frames.Count);
            Assert.All(frames, f => Assert.Equal(payload, f.PayloadCase));
            Assert.All(frames, f => Assert.Equal(123456789ul, f.Envelope.SessionUid));
            Assert.All(frames, f => Assert.Equal(f.Envelope.CarIndex == 4, f.Envelope.IsPlayerCar));
            Assert.All(frames, f => Assert.Equal(game, f.Envelope.Game));
            switch (payload)
            {
                case TelemetryFrame.PayloadOneofCase.Participant:
                    Assert.Equal(field.Cars.Select(c => c.Name), frames.Select(f => f.Participant.Name));
                    break;
                case TelemetryFrame.PayloadOneofCase.Session:
                    Assert.Equal(("Silverstone", SessionType.Race, "R"), (frames[0].Session.Track, frames[0].Session.SessionType, frames[0].Session.SessionTypeName));
                    break;
                case TelemetryFrame.PayloadOneofCase.Lap:
                    Assert.Equal(field.Cars.Select(c => (uint)c.Position), frames.Select(f => f.Lap.Position));
                    break;
            }
        }
    }

    [Fact]
    public void Cars_lap_the_track_with_braking_zones_gears_and_advancing_times()
    {
        var field = new SimulatedField(20, 0);
        var player = field.Cars[0];
        var speeds = new List<double>();
        var gears = new HashSet<int>();
        var braking = 0;
        double? firstSector1 = null;
        for (var tick = 0; tick < 60 * 200; tick++)
        {
            field.Step(1.0 / 60);
            speeds.Add(player.SpeedKph);
            gears.Add(player.Gear);
            braking += player.Brake > 0.3 ? 1 : 0;
            if (player.Sector >= 1 && firstSector1 is null)
            {
                firstSector1 = player.Sector1Time;
            }
        }

        Assert.True(player.LapNumber >= 2, $"lap {player.LapNumber} after 200 s");
        Assert.InRange(player.BestLapTime, 60, 140);
        Assert.True(firstSector1 > 10);
        Assert.True(speeds.Max() > 280, $"top speed {speeds.Max():0}");
        Assert.True(speeds.Skip(600).Min() < 160, $"slowest corner {speeds.Skip(600).Min():0}");
        Assert.True(braking > 60 * 5, "brakes used for several seconds a lap");
        Assert.Superset(new HashSet<int> { 2, 3, 4, 5, 6, 7, 8 }, gears);
        Assert.InRange(player.EngineRpm, SimulatedCar.IdleRpm, SimulatedCar.MaxRpm);
        Assert.Equal(Enumerable.Range(1, 20), field.Cars.Select(c => c.Position).Order());
        Assert.True(player.FuelKg < 100);
    }

    [Fact]
    public async Task Sends_all_eight_packet_types_at_the_rate()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        var simulator = new Simulator(new SimulatorOptions
        {
            Target = new IPEndPoint(IPAddress.Loopback, port),
            Cars = 20,
            RateHz = 60,
            Duration = TimeSpan.FromSeconds(1),
            SessionUid = 5,
        });
        var ids = new Dictionary<int, int>();
        var received = 0;
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var datagram = (await receiver.ReceiveAsync(stop.Token)).Buffer;
                Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(datagram, out var header));
                lock (ids)
                {
                    ids[header.PacketId] = ids.GetValueOrDefault(header.PacketId) + 1;
                    received++;
                }
            }
        });

        await simulator.RunAsync(CancellationToken.None);
        await Testing.Eventually.Until(() => { lock (ids) { return received == simulator.DatagramsSent; } }, "every datagram sent received");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving);

        Assert.Equal([0, 1, 2, 3, 4, 6, 7, 10], ids.Keys.Order()); // 3: events (session start, fastest laps, overtakes)
        // The schedule, independent of how busy the machine is: each tick sends Motion, LapData, CarTelemetry and
        // CarStatus; Session and CarDamage go every 30th tick at 60 Hz (2 per second), Participants every 300th (each 5 s).
        var ticks = ids[6];
        Assert.True(ticks > 0);
        Assert.Equal(ticks, ids[0]);
        Assert.Equal(ticks, ids[2]);
        Assert.Equal(ticks, ids[7]);
        Assert.Equal((ticks + 29) / 30, ids[1]);
        Assert.Equal((ticks + 29) / 30, ids[10]);
        Assert.Equal((ticks + 299) / 300, ids[4]);
    }
}
