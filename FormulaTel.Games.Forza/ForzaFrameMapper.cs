using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.Forza;

/// <summary>
/// Turns one Forza datagram into spec frames for the player's car (car 0), in the session <see cref="ForzaSessions"/>
/// places it in. Every racing datagram gives car telemetry, motion, extra physics and car status (and lap data in the
/// Dash formats); the session and the car's identity come with a session's first datagram and once a second after,
/// FM 2023's tyre wear ten times a second. What Forza does not send (sectors, other cars, weather) stays unset.
/// </summary>
public sealed class ForzaFrameMapper(ForzaSessions sessions)
{
    /// <summary>Datagrams between session and participant frames: once a second at the games' 60 Hz.</summary>
    public const int SessionEvery = 60;

    /// <summary>Datagrams between tyre wear frames (FM 2023): ten a second.</summary>
    public const int DamageEvery = 6;

    private const float StandardGravity = 9.80665f;

    /// <summary>
    /// Maps a datagram <see cref="ForzaDatagram.Recognises"/> accepted, appending frames to <paramref name="output"/>.
    /// IsRaceOn 0 gives no frames and <see cref="DatagramDropReason.NotRacing"/>.
    /// </summary>
    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        if (!ForzaDatagram.Recognises(datagram))
        {
            return datagram.Length < ForzaDatagram.ShortestDatagram ? DatagramDropReason.TooShort : DatagramDropReason.UnknownFormat;
        }

        ForzaDatagram.TryFormat(datagram.Length, out var format);
        ref readonly var sled = ref ForzaDatagram.Sled(datagram);
        var at = receivedAt.ToDateTimeOffset();
        if (sled.IsRaceOn == 0)
        {
            sessions.ObserveNotRacing(sourceId, sled.TimestampMS, at);
            return DatagramDropReason.NotRacing;
        }

        ForzaSessions.Place place;
        Envelope envelope;
        if (ForzaDatagram.HasDash(format))
        {
            ref readonly var dash = ref ForzaDatagram.Dash(datagram, format);
            place = sessions.ObserveRacing(sourceId, sled.TimestampMS, dash.CurrentRaceTime, sled.CarOrdinal, at,
                new ForzaSessions.LapProgress(dash.LapNumber, dash.DistanceTraveled));
            envelope = Envelope(format, sourceId, place, receivedAt);
            output.Add(new TelemetryFrame { Envelope = envelope, CarTelemetry = CarTelemetry(in sled, in dash) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), Motion = Motion(in sled, in dash) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), Lap = Lap(in dash, place.LapDistanceM) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), CarStatus = CarStatus(in sled, dash.Fuel) });
        }
        else
        {
            place = sessions.ObserveRacing(sourceId, sled.TimestampMS, null, sled.CarOrdinal, at);
            envelope = Envelope(format, sourceId, place, receivedAt);
            output.Add(new TelemetryFrame { Envelope = envelope, CarTelemetry = CarTelemetry(in sled) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), Motion = Motion(in sled) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), CarStatus = CarStatus(in sled, null) });
        }

        output.Add(new TelemetryFrame { Envelope = envelope.Clone(), MotionEx = MotionEx(in sled) });

        if (place.IsNew || place.FrameId % SessionEvery == 0)
        {
            int? track = format == ForzaFormat.Fm2023Dash ? ForzaDatagram.Fm2023(datagram).TrackOrdinal : null;
            int? category = format == ForzaFormat.Horizon ? ForzaDatagram.Horizon(datagram).CarCategory : null;
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), Session = Session(track) });
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), Participant = Participant(in sled, category) });
        }

        if (format == ForzaFormat.Fm2023Dash && (place.IsNew || place.FrameId % DamageEvery == 0))
        {
            output.Add(new TelemetryFrame { Envelope = envelope.Clone(), CarDamage = Damage(in ForzaDatagram.Fm2023(datagram)) });
        }

        return DatagramDropReason.None;
    }

    private static Envelope Envelope(ForzaFormat format, string sourceId, ForzaSessions.Place place, Timestamp receivedAt) => new()
    {
        Game = ForzaDatagram.Game(format),
        Format = (uint)format,
        SourceId = sourceId,
        SessionUid = place.SessionUid,
        CarIndex = 0,
        FrameId = place.FrameId,
        SessionTimeS = place.SessionTimeS,
        ReceivedAt = receivedAt,
        IsPlayerCar = true,
    };

    /// <summary>Forza's tyre temperatures are in °F; the spec's in °C.</summary>
    public static float Celsius(float fahrenheit) => (fahrenheit - 32f) * 5f / 9f;

    /// <summary>Forza's gear byte: 0 reverse, 11 neutral (Horizon); the spec's: -1 reverse, 0 neutral.</summary>
    public static int Gear(byte gear) => gear switch
    {
        0 => -1,
        11 => 0,
        _ => gear,
    };

    private static uint Rpm(float rpm) => rpm > 0 && float.IsFinite(rpm) ? (uint)MathF.Round(rpm) : 0;

    private static Wheels Wheels(float frontLeft, float frontRight, float rearLeft, float rearRight) => new()
    {
        FrontLeft = frontLeft,
        FrontRight = frontRight,
        RearLeft = rearLeft,
        RearRight = rearRight,
    };

    private static CarTelemetry CarTelemetry(in ForzaSled sled, in ForzaDash dash) => new()
    {
        SpeedKph = dash.Speed * 3.6f,
        Throttle = dash.Accel / 255f,
        Brake = dash.Brake / 255f,
        Clutch = dash.Clutch / 255f,
        Handbrake = dash.HandBrake / 255f,
        Steer = Math.Clamp(dash.Steer / 127f, -1f, 1f),
        Gear = Gear(dash.Gear),
        EngineRpm = Rpm(sled.CurrentEngineRpm),
        TyreSurfaceTemperatureC = Wheels(Celsius(dash.TireTempFrontLeft), Celsius(dash.TireTempFrontRight), Celsius(dash.TireTempRearLeft), Celsius(dash.TireTempRearRight)),
        BoostPsi = dash.Boost,
        PowerW = dash.Power,
        TorqueNm = dash.Torque,
    };

    /// <summary>The Sled format has no speed: the car's own velocity gives it.</summary>
    private static CarTelemetry CarTelemetry(in ForzaSled sled) => new()
    {
        SpeedKph = MathF.Sqrt((sled.VelocityX * sled.VelocityX) + (sled.VelocityY * sled.VelocityY) + (sled.VelocityZ * sled.VelocityZ)) * 3.6f,
        EngineRpm = Rpm(sled.CurrentEngineRpm),
    };

    private static Motion Motion(in ForzaSled sled) => new()
    {
        // The car's axes: X right, Y up, Z forward.
        GForceLateral = sled.AccelerationX / StandardGravity,
        GForceVertical = sled.AccelerationY / StandardGravity,
        GForceLongitudinal = sled.AccelerationZ / StandardGravity,
        YawRad = sled.Yaw,
        PitchRad = sled.Pitch,
        RollRad = sled.Roll,
    };

    private static Motion Motion(in ForzaSled sled, in ForzaDash dash)
    {
        var motion = Motion(in sled);
        motion.WorldPositionXM = dash.PositionX;
        motion.WorldPositionYM = dash.PositionY;
        motion.WorldPositionZM = dash.PositionZ;
        return motion;
    }

    private static MotionEx MotionEx(in ForzaSled sled) => new()
    {
        LocalVelocityXMps = sled.VelocityX,
        LocalVelocityYMps = sled.VelocityY,
        LocalVelocityZMps = sled.VelocityZ,
        AngularVelocityX = sled.AngularVelocityX,
        AngularVelocityY = sled.AngularVelocityY,
        AngularVelocityZ = sled.AngularVelocityZ,
        SuspensionTravelM = Wheels(sled.SuspensionTravelMetersFrontLeft, sled.SuspensionTravelMetersFrontRight, sled.SuspensionTravelMetersRearLeft, sled.SuspensionTravelMetersRearRight),
        SuspensionTravelRatio = Wheels(sled.NormalizedSuspensionTravelFrontLeft, sled.NormalizedSuspensionTravelFrontRight, sled.NormalizedSuspensionTravelRearLeft, sled.NormalizedSuspensionTravelRearRight),
        WheelRotationSpeedRadps = Wheels(sled.WheelRotationSpeedFrontLeft, sled.WheelRotationSpeedFrontRight, sled.WheelRotationSpeedRearLeft, sled.WheelRotationSpeedRearRight),
        TyreSlipRatioNormalised = Wheels(sled.TireSlipRatioFrontLeft, sled.TireSlipRatioFrontRight, sled.TireSlipRatioRearLeft, sled.TireSlipRatioRearRight),
        TyreSlipAngleNormalised = Wheels(sled.TireSlipAngleFrontLeft, sled.TireSlipAngleFrontRight, sled.TireSlipAngleRearLeft, sled.TireSlipAngleRearRight),
        TyreCombinedSlipNormalised = Wheels(sled.TireCombinedSlipFrontLeft, sled.TireCombinedSlipFrontRight, sled.TireCombinedSlipRearLeft, sled.TireCombinedSlipRearRight),
        WheelOnRumbleStrip = Wheels(sled.WheelOnRumbleStripFrontLeft, sled.WheelOnRumbleStripFrontRight, sled.WheelOnRumbleStripRearLeft, sled.WheelOnRumbleStripRearRight),
        WheelInPuddleDepth = Wheels(sled.WheelInPuddleDepthFrontLeft, sled.WheelInPuddleDepthFrontRight, sled.WheelInPuddleDepthRearLeft, sled.WheelInPuddleDepthRearRight),
        SurfaceRumble = Wheels(sled.SurfaceRumbleFrontLeft, sled.SurfaceRumbleFrontRight, sled.SurfaceRumbleRearLeft, sled.SurfaceRumbleRearRight),
    };

    private static LapData Lap(in ForzaDash dash, float lapDistanceM) => new()
    {
        LapNumber = dash.LapNumber + 1u,
        LapDistanceM = lapDistanceM,
        TotalDistanceM = dash.DistanceTraveled,
        CurrentLapTimeMs = Milliseconds(dash.CurrentLap),
        LastLapTimeMs = Milliseconds(dash.LastLap),
        BestLapTimeMs = Milliseconds(dash.BestLap),
        Position = dash.RacePosition,
        RaceTimeS = dash.CurrentRaceTime,
    };

    private static uint Milliseconds(float seconds) => seconds > 0 && float.IsFinite(seconds) ? (uint)MathF.Round(seconds * 1000f) : 0;

    private static CarStatus CarStatus(in ForzaSled sled, float? fuel)
    {
        var status = new CarStatus { MaxRpm = Rpm(sled.EngineMaxRpm), IdleRpm = Rpm(sled.EngineIdleRpm) };
        if (fuel is { } f)
        {
            status.FuelRatio = f;
        }

        return status;
    }

    private static Session Session(int? trackOrdinal) => new()
    {
        TrackId = trackOrdinal ?? -1,
        Track = trackOrdinal is { } t ? $"Track {t}" : "",
    };

    private static Participant Participant(in ForzaSled sled, int? carCategory) => new()
    {
        CarOrdinal = (uint)Math.Max(0, sled.CarOrdinal),
        CarClass = (uint)Math.Max(0, sled.CarClass),
        PerformanceIndex = (uint)Math.Max(0, sled.CarPerformanceIndex),
        Drivetrain = sled.DrivetrainType switch
        {
            0 => Drivetrain.Front,
            1 => Drivetrain.Rear,
            2 => Drivetrain.All,
            _ => Drivetrain.Unknown,
        },
        Cylinders = (uint)Math.Max(0, sled.NumCylinders),
        CarCategory = carCategory ?? 0,
        ActiveCars = 1,
        TelemetryPublic = true,
    };

    private static CarDamage Damage(in ForzaMotorsport2023Block block) => new()
    {
        TyreWear = Wheels(block.TireWearFrontLeft, block.TireWearFrontRight, block.TireWearRearLeft, block.TireWearRearRight),
    };
}
