using System.Buffers.Binary;
using FormulaTel.Games;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>Forza datagrams into spec frames: units converted, car 0 the player, what Forza does not send left unset.</summary>
public sealed class ForzaMappingTests
{
    private static readonly Timestamp At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));

    private static List<TelemetryFrame> Map(byte[] bytes, ForzaFrameMapper? mapper = null)
    {
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, (mapper ?? new ForzaFrameMapper(new ForzaSessions())).Map(bytes, "10.0.0.7:5300", At, frames));
        return frames;
    }

    private static T Single<T>(List<TelemetryFrame> frames, Func<TelemetryFrame, T?> payload) where T : class =>
        Assert.Single(frames.Select(payload).OfType<T>());

    [Fact]
    public void A_horizon_capture_becomes_the_players_car_with_spec_units()
    {
        var frames = Map(Fixtures.ForzaPacket("fh6-324-000.bin"));
        Assert.All(frames, f =>
        {
            Assert.Equal(Game.ForzaHorizon, f.Envelope.Game);
            Assert.Equal(324u, f.Envelope.Format);
            Assert.Equal(0u, f.Envelope.CarIndex);
            Assert.True(f.Envelope.IsPlayerCar);
            Assert.NotEqual(0ul, f.Envelope.SessionUid);
            Assert.Equal("10.0.0.7:5300", f.Envelope.SourceId);
        });

        var telemetry = Single(frames, f => f.CarTelemetry);
        Assert.Equal(10.37 * 3.6, telemetry.SpeedKph, 0.05);
        Assert.Equal(6505u, telemetry.EngineRpm);
        Assert.Equal(1, telemetry.Gear);
        Assert.Equal((148.268 - 32) * 5 / 9, telemetry.TyreSurfaceTemperatureC.FrontLeft, 0.01);
        Assert.Equal(5.07, telemetry.BoostPsi, 0.01);
        var status = Single(frames, f => f.CarStatus);
        Assert.Equal(11500u, status.MaxRpm);
        Assert.Equal(800u, status.IdleRpm);
        Assert.Equal(1f, status.FuelRatio);
        var lap = Single(frames, f => f.Lap);
        Assert.Equal(1u, lap.LapNumber); // Forza counts laps from 0
        Assert.Equal(9u, lap.Position);
        Assert.Equal(2578u, lap.CurrentLapTimeMs);
        Assert.Equal(0u, lap.Sector1TimeMs); // not sent by Forza
        var participant = Single(frames, f => f.Participant);
        Assert.Equal(1651u, participant.CarOrdinal);
        Assert.Equal(5u, participant.CarClass);
        Assert.Equal(900u, participant.PerformanceIndex);
        Assert.Equal(Drivetrain.All, participant.Drivetrain);
        Assert.Equal(8u, participant.Cylinders);
        Assert.Equal(26, participant.CarCategory);
        var motion = Single(frames, f => f.Motion);
        Assert.Equal(-6285.84, motion.WorldPositionXM, 0.01);
        Assert.Equal(11.5568 / 9.80665, motion.GForceLongitudinal, 0.001);
        var physics = Single(frames, f => f.MotionEx);
        Assert.Equal(10.7326, physics.TyreSlipRatioNormalised.FrontLeft, 0.001);
        Assert.Equal(70.9146, physics.WheelRotationSpeedRadps.FrontLeft, 0.001);
        Assert.Equal(10.3692, physics.LocalVelocityZMps, 0.001);
        Assert.Equal(-1, Single(frames, f => f.Session).TrackId);
        Assert.DoesNotContain(frames, f => f.CarDamage is not null); // Horizon sends no tyre wear
    }

    [Fact]
    public void Every_fh5_capture_maps_and_the_session_holds_across_them()
    {
        var mapper = new ForzaFrameMapper(new ForzaSessions(gap: TimeSpan.FromDays(1)));
        var sessions = new HashSet<ulong>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.Forza, "packets"), "fh5-*.bin").Order())
        {
            var frames = Map(File.ReadAllBytes(file), mapper);
            Assert.Contains(frames, f => f.CarTelemetry is not null);
            sessions.UnionWith(frames.Select(f => f.Envelope.SessionUid));
        }

        // Every 20th of one recorded drive: TimestampMS only grows, so one session.
        Assert.Single(sessions);
    }

    [Fact]
    public void The_sled_format_has_no_laps_and_its_speed_comes_from_the_velocity()
    {
        var bytes = Fixtures.ForzaPacket("fm7-sled-232-000.bin");
        var frames = Map(bytes);
        Assert.All(frames, f => Assert.Equal(Game.ForzaMotorsport, f.Envelope.Game));
        Assert.DoesNotContain(frames, f => f.Lap is not null);
        var velocity = new[] { -0.004311978816986084, 0.004327661823481321, 2.7251057624816895 };
        Assert.Equal(Math.Sqrt(velocity.Sum(v => v * v)) * 3.6, Single(frames, f => f.CarTelemetry).SpeedKph, 0.001);
        Assert.Equal(1045u, Single(frames, f => f.Participant).CarOrdinal);
        Assert.Equal(Drivetrain.Rear, Single(frames, f => f.Participant).Drivetrain);
    }

    [Fact]
    public void Fm2023_sends_its_track_and_tyre_wear()
    {
        var bytes = new byte[331];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 1);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(232 + 12), 50f); // Speed, m/s
        bytes[232 + 75] = 0; // reverse
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(311), 0.25f);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(323), 0.75f);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(327), 860);

        var frames = Map(bytes);
        Assert.All(frames, f => Assert.Equal(Game.ForzaMotorsport2023, f.Envelope.Game));
        Assert.Equal(180, Single(frames, f => f.CarTelemetry).SpeedKph, 0.001);
        Assert.Equal(-1, Single(frames, f => f.CarTelemetry).Gear);
        var wear = Single(frames, f => f.CarDamage).TyreWear;
        Assert.Equal(0.25f, wear.FrontLeft);
        Assert.Equal(0.75f, wear.RearRight);
        Assert.Equal(860, Single(frames, f => f.Session).TrackId);
        Assert.Equal("Track 860", Single(frames, f => f.Session).Track);

        var label = Assert.IsType<DatagramLabel>(new ForzaGame(new ForzaFrameMapper(new ForzaSessions())).TryLabel(bytes, out var l) ? l : (DatagramLabel?)null);
        Assert.Equal(new DatagramLabel("Forza Motorsport (2023)", 331, 0, "Track 860"), label);
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(11, 0)]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    public void Forzas_gears_become_the_specs(byte forza, int spec) => Assert.Equal(spec, ForzaFrameMapper.Gear(forza));

    [Fact]
    public void Session_and_participant_come_once_a_second_with_the_first_datagram()
    {
        var mapper = new ForzaFrameMapper(new ForzaSessions());
        var bytes = Fixtures.ForzaPacket("fh6-324-000.bin");
        var withSession = 0;
        for (var i = 0; i < 120; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 621218u + (uint)(i * 16));
            var frames = Map(bytes, mapper);
            withSession += frames.Count(f => f.Session is not null);
            Assert.Equal((uint)i, frames[0].Envelope.FrameId);
            Assert.Equal(i * 0.016, frames[0].Envelope.SessionTimeS, 6);
        }

        Assert.Equal(2, withSession);
    }
}
