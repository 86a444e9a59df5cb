using System.Buffers.Binary;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// The real datagrams in ../shared/fixtures/f1/packets: the six decoded F1 23 packets map to frames whose values
/// equal the bytes at the spec's offsets (read here independently of the layouts), and every other file — other
/// packet ids, F1 24, the odd ones — is dropped with a reason, never a crash.
/// </summary>
public class F1FixturePacketTests
{
    private const int Header = 29;

    private static List<TelemetryFrame> Map(byte[] bytes, F1ActiveCars? cars = null)
    {
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(cars ?? new F1ActiveCars()).Map(bytes, "fixture", new(), frames));
        return frames;
    }

    [Fact]
    public void Header_fields_are_read_at_their_offsets()
    {
        var bytes = Fixtures.PacketBytes("2023-06.bin");
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(bytes, out var header));
        Assert.Equal(2023, header.PacketFormat);
        Assert.Equal(23, header.GameYear);
        Assert.Equal(1, header.GameMajorVersion);
        Assert.Equal(21, header.GameMinorVersion);
        Assert.Equal(bytes[5], header.PacketVersion);
        Assert.Equal(6, header.PacketId);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(7)), header.SessionUID);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(15)), header.SessionTime);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(19)), header.FrameIdentifier);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(23)), header.OverallFrameIdentifier);
        Assert.Equal(bytes[27], header.PlayerCarIndex);
        Assert.Equal(bytes[28], header.SecondaryPlayerCarIndex);
    }

    [Fact]
    public void Car_telemetry_of_every_active_car()
    {
        var bytes = Fixtures.PacketBytes("2023-06.bin");
        var player = bytes[27];
        var frames = Map(bytes);
        // Before participants or lap data, only the player's car is known to be active.
        var frame = Assert.Single(frames);
        Assert.Equal(player, (int)frame.Envelope.CarIndex);
        var car = bytes.AsSpan(Header + player * 60);
        var t = frame.CarTelemetry;
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car), t.SpeedKph);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[2..]), t.Throttle);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[6..]), t.Steer);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[10..]), t.Brake);
        Assert.Equal(car[14] / 100f, t.Clutch);
        Assert.Equal((sbyte)car[15], t.Gear);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[16..]), t.EngineRpm);
        Assert.Equal(car[18] != 0, t.DrsOpen);
        Assert.Equal(car[19] / 100f, t.RevLightsRatio);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[20..]), t.RevLightsBits);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[22..]), t.BrakeTemperatureC.RearLeft);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[28..]), t.BrakeTemperatureC.FrontRight);
        Assert.Equal(car[30], t.TyreSurfaceTemperatureC.RearLeft);
        Assert.Equal(car[34], t.TyreInnerTemperatureC.RearLeft);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[38..]), t.EngineTemperatureC);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[40..]), t.TyrePressurePsi.RearLeft);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[52..]), t.TyrePressurePsi.FrontRight);
        Assert.Equal(car[59], t.SurfaceType.FrontRight);
        Assert.Equal((sbyte)bytes[Header + 22 * 60 + 2], t.SuggestedGear);
        Assert.True(t.SpeedKph is >= 0 and < 400);
    }

    [Fact]
    public void Lap_data_marks_the_active_cars_and_carries_their_laps()
    {
        var cars = new F1ActiveCars();
        var bytes = Fixtures.PacketBytes("2023-02.bin");
        var frames = Map(bytes, cars);
        var activeSlots = Enumerable.Range(0, 22).Where(i => bytes[Header + i * 50 + 43] >= 2).ToArray();
        Assert.NotEmpty(activeSlots);
        Assert.Equal(activeSlots, frames.Select(f => (int)f.Envelope.CarIndex));
        foreach (var frame in frames)
        {
            var lap = bytes.AsSpan(Header + (int)frame.Envelope.CarIndex * 50);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(lap), frame.Lap.LastLapTimeMs);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(lap[4..]), frame.Lap.CurrentLapTimeMs);
            Assert.Equal(lap[10] * 60_000u + BinaryPrimitives.ReadUInt16LittleEndian(lap[8..]), frame.Lap.Sector1TimeMs);
            Assert.Equal(lap[13] * 60_000u + BinaryPrimitives.ReadUInt16LittleEndian(lap[11..]), frame.Lap.Sector2TimeMs);
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(lap[18..]), frame.Lap.LapDistanceM);
            Assert.Equal(lap[30], frame.Lap.Position);
            Assert.Equal(lap[31], frame.Lap.LapNumber);
            Assert.Equal(lap[32], (uint)frame.Lap.PitStatus);
            Assert.Equal(lap[36], frame.Lap.PenaltiesS);
        }

        // The telemetry packet of the same capture now yields a frame per active car, not just the player's.
        var telemetry = Fixtures.PacketBytes("2023-06.bin");
        if (BinaryPrimitives.ReadUInt64LittleEndian(telemetry.AsSpan(7)) == BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(7)))
        {
            Assert.Equal(activeSlots, Map(telemetry, cars).Select(f => (int)f.Envelope.CarIndex));
        }
    }

    [Fact]
    public void Participants_give_names_teams_and_numbers()
    {
        var bytes = Fixtures.PacketBytes("2023-04.bin");
        var frames = Map(bytes);
        Assert.Equal(bytes[Header], frames.Count);
        foreach (var frame in frames)
        {
            var p = bytes.AsSpan(Header + 1 + (int)frame.Envelope.CarIndex * 58);
            Assert.Equal(p[0] != 0, frame.Participant.AiControlled);
            Assert.Equal(p[3], frame.Participant.TeamId);
            Assert.Equal(F1Names.Team(p[3]), frame.Participant.Team);
            Assert.Equal(p[5], frame.Participant.RaceNumber);
            var name = p.Slice(7, 48);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(name[..name.IndexOf((byte)0)]), frame.Participant.Name);
            Assert.Equal(p[55] != 0, frame.Participant.TelemetryPublic);
        }
    }

    [Fact]
    public void Session_gives_track_weather_and_time()
    {
        var bytes = Fixtures.PacketBytes("2023-01.bin");
        var frame = Assert.Single(Map(bytes));
        var s = frame.Session;
        Assert.Equal((int)bytes[Header], (int)s.Weather);
        Assert.Equal((sbyte)bytes[Header + 1], s.TrackTemperatureC);
        Assert.Equal((sbyte)bytes[Header + 2], s.AirTemperatureC);
        Assert.Equal(bytes[Header + 3], s.TotalLaps);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(Header + 4)), s.TrackLengthM);
        Assert.Equal(F1Names.SessionTypeName(bytes[Header + 6]), s.SessionTypeName);
        Assert.Equal((sbyte)bytes[Header + 7], s.TrackId);
        Assert.Equal(F1Names.Track((sbyte)bytes[Header + 7]), s.Track);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(Header + 9)), s.TimeLeftS);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(Header + 11)), s.DurationS);
        Assert.Equal(bytes[Header + 13], s.PitSpeedLimitKph);
        Assert.Equal(bytes[Header + 124], (byte)s.SafetyCarStatus);
        Assert.Equal(bytes[Header + 125] != 0, s.NetworkGame);
    }

    [Fact]
    public void Motion_and_car_status_of_the_player()
    {
        var motionBytes = Fixtures.PacketBytes("2023-00.bin");
        var motion = Assert.Single(Map(motionBytes));
        var m = motionBytes.AsSpan(Header + (int)motion.Envelope.CarIndex * 60);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m), motion.Motion.WorldPositionXM);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m[8..]), motion.Motion.WorldPositionZM);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m[12..]), motion.Motion.WorldVelocityXMps);
        Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(m[24..]) / 32767f, motion.Motion.WorldForwardDirX);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m[36..]), motion.Motion.GForceLateral);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m[48..]), motion.Motion.YawRad);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(m[56..]), motion.Motion.RollRad);

        var statusBytes = Fixtures.PacketBytes("2023-07.bin");
        var status = Assert.Single(Map(statusBytes));
        var s = statusBytes.AsSpan(Header + (int)status.Envelope.CarIndex * 55);
        Assert.Equal(s[0], status.CarStatus.TractionControl);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(s[5..]), status.CarStatus.FuelInTankKg);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(s[17..]), status.CarStatus.MaxRpm);
        Assert.Equal(s[22] != 0, status.CarStatus.DrsAllowed);
        Assert.Equal(F1Names.ActualCompound(s[25]), status.CarStatus.ActualTyreCompound);
        Assert.Equal(F1Names.VisualCompound(s[26]), status.CarStatus.VisualTyreCompound);
        Assert.Equal(s[27], status.CarStatus.TyreAgeLaps);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(s[37..]), status.CarStatus.ErsStoreEnergyJ);
        Assert.Equal(s[41], (byte)status.CarStatus.ErsDeployMode);
    }

    [Fact]
    public void Every_fixture_file_is_decoded_and_mapped()
    {
        var reasons = new Dictionary<string, DatagramDropReason>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin"))
        {
            var frames = new List<TelemetryFrame>();
            reasons[Path.GetFileName(file)] = new F1FrameMapper(new F1ActiveCars()).Map(File.ReadAllBytes(file), "fixture", new(), frames);
        }

        foreach (var decoded in new[] { "2023-00.bin", "2023-01.bin", "2023-02.bin", "2023-04.bin", "2023-06.bin", "2023-07.bin" })
        {
            Assert.Equal(DatagramDropReason.None, reasons[decoded]);
        }

        // Every real datagram of both sets is decoded and mapped, the odd ones included (BUTN's zero game year and
        // session; the 44- and 47-byte F1 24 events).
        Assert.All(reasons, r => Assert.True(r.Value == DatagramDropReason.None, $"{r.Key}: {r.Value}"));
    }
}
