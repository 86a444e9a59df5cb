using System.Runtime.InteropServices;
using FormulaTel.Games.Forza;

namespace FormulaTel.Simulation;

/// <summary>
/// Writes the player's car of a <see cref="SimulatedField"/> as one Forza Data Out datagram a tick, in any of the four
/// formats, as the games do: Forza sends only the player's car.
/// </summary>
public sealed class ForzaPacketWriter(SimulatedField field, ForzaFormat format, uint startTimestampMs = 1_000_000)
{
    public const int CarOrdinal = 2352;
    public const int TrackOrdinal = 860;

    private const double WheelRadiusM = 0.33;

    public ForzaFormat Format { get; } = Array.IndexOf(ForzaDatagram.Formats, format) >= 0
        ? format
        : throw new ArgumentOutOfRangeException(nameof(format), format, "Not a Forza Data Out format.");

    /// <summary>Writes the tick's datagram; returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        var car = field.Cars[field.PlayerCarIndex];
        var length = (int)Format;
        destination[..length].Clear();
        var (x, z, heading) = field.Track.PositionAt(car.LapDistance);
        var wheelSpeed = (float)(car.SpeedMps / WheelRadiusM);
        var sled = new ForzaSled
        {
            IsRaceOn = 1,
            TimestampMS = startTimestampMs + (uint)(field.SessionTime * 1000),
            EngineMaxRpm = SimulatedCar.MaxRpm,
            EngineIdleRpm = SimulatedCar.IdleRpm,
            CurrentEngineRpm = car.EngineRpm,
            AccelerationX = (float)(car.LateralG * 9.80665),
            AccelerationY = 0,
            AccelerationZ = (float)car.AccelerationMps2,
            VelocityZ = (float)car.SpeedMps,
            AngularVelocityY = (float)(car.SpeedMps * field.Track.CurvatureAt(car.LapDistance)),
            Yaw = (float)heading,
            NormalizedSuspensionTravelFrontLeft = 0.5f,
            NormalizedSuspensionTravelFrontRight = 0.5f,
            NormalizedSuspensionTravelRearLeft = 0.5f,
            NormalizedSuspensionTravelRearRight = 0.5f,
            WheelRotationSpeedFrontLeft = wheelSpeed,
            WheelRotationSpeedFrontRight = wheelSpeed,
            WheelRotationSpeedRearLeft = wheelSpeed,
            WheelRotationSpeedRearRight = wheelSpeed,
            TireSlipRatioRearLeft = (float)(car.Throttle * 0.1),
            TireSlipRatioRearRight = (float)(car.Throttle * 0.1),
            TireSlipAngleFrontLeft = (float)Math.Abs(car.LateralG * 0.15),
            TireSlipAngleFrontRight = (float)Math.Abs(car.LateralG * 0.15),
            CarOrdinal = CarOrdinal,
            CarClass = 5,
            CarPerformanceIndex = 800,
            DrivetrainType = 1,
            NumCylinders = 8,
        };
        MemoryMarshal.Write(destination, in sled);
        if (Format == ForzaFormat.Sled)
        {
            return length;
        }

        var dashAt = ForzaDatagram.SledSize;
        if (Format == ForzaFormat.Horizon)
        {
            MemoryMarshal.Write(destination[dashAt..], new ForzaHorizonBlock { CarCategory = 26 });
            dashAt += ForzaDatagram.HorizonBlockSize;
        }

        // The simulator's tyres run RL, RR, FL, FR (the spec's order); Forza's FL, FR, RL, RR, in °F.
        static float Fahrenheit(double celsius) => (float)((celsius * 9 / 5) + 32);
        var dash = new ForzaDash
        {
            PositionX = (float)x,
            PositionZ = (float)z,
            Speed = (float)car.SpeedMps,
            Power = (float)(car.Throttle * 450_000),
            Torque = (float)(car.Throttle * 600),
            TireTempFrontLeft = Fahrenheit(car.TyreSurfaceC[2]),
            TireTempFrontRight = Fahrenheit(car.TyreSurfaceC[3]),
            TireTempRearLeft = Fahrenheit(car.TyreSurfaceC[0]),
            TireTempRearRight = Fahrenheit(car.TyreSurfaceC[1]),
            Fuel = (float)Math.Clamp(car.FuelKg / 110, 0, 1),
            DistanceTraveled = (float)car.TotalDistance,
            BestLap = (float)car.BestLapTime,
            LastLap = (float)car.LastLapTime,
            CurrentLap = (float)car.CurrentLapTime,
            CurrentRaceTime = (float)field.SessionTime,
            LapNumber = (ushort)Math.Max(0, car.LapNumber - 1),
            RacePosition = (byte)car.Position,
            Accel = (byte)Math.Round(car.Throttle * 255),
            Brake = (byte)Math.Round(car.Brake * 255),
            Gear = (byte)Math.Clamp(car.Gear, 1, 10),
            Steer = (sbyte)Math.Round(Math.Clamp(car.Steer, -1, 1) * 127),
        };
        MemoryMarshal.Write(destination[dashAt..], in dash);

        if (Format == ForzaFormat.Fm2023Dash)
        {
            var wear = (float)Math.Min(1, car.TyreAgeLaps * 0.02);
            MemoryMarshal.Write(destination[(ForzaDatagram.SledSize + ForzaDatagram.DashSize)..], new ForzaMotorsport2023Block
            {
                TireWearFrontLeft = Math.Min(1, wear * 1.1f),
                TireWearFrontRight = Math.Min(1, wear * 1.1f),
                TireWearRearLeft = wear,
                TireWearRearRight = wear,
                TrackOrdinal = TrackOrdinal,
            });
        }

        return length;
    }
}
