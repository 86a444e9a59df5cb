namespace FormulaTel.Simulation;

/// <summary>One simulated car's state as it laps: what the game would report about it.</summary>
public sealed class SimulatedCar
{
    public static readonly double[] GearTopSpeedsKph = [0, 95, 135, 170, 205, 240, 275, 305, 340];
    public const int MaxRpm = 13_000;
    public const int IdleRpm = 4_000;

    public required int Index { get; init; }
    public required string Name { get; init; }
    public required int TeamId { get; init; }
    public required int RaceNumber { get; init; }
    public required bool AiControlled { get; init; }
    /// <summary>Fraction of the track's limit speed this driver reaches.</summary>
    public required double Pace { get; init; }

    public double LapDistance { get; set; }
    public double TotalDistance { get; set; }
    public int LapNumber { get; set; } = 1;
    public double CurrentLapTime { get; set; }
    public double LastLapTime { get; set; }
    public double BestLapTime { get; set; }
    public double Sector1Time { get; set; }
    public double Sector2Time { get; set; }
    public int Sector { get; set; }
    public int Position { get; set; }
    public int GridPosition { get; set; }

    public double SpeedMps { get; set; }
    public double AccelerationMps2 { get; set; }
    public double Throttle { get; set; }
    public double Brake { get; set; }
    public double Steer { get; set; }
    public int Gear { get; set; } = 1;
    public int EngineRpm { get; set; } = IdleRpm;
    public double LateralG { get; set; }
    public double FuelKg { get; set; } = 100;
    public double ErsJoules { get; set; } = 4_000_000;
    public double TyreAgeLaps { get; set; }
    public double[] TyreSurfaceC { get; } = [90, 90, 90, 90];
    public double[] BrakeC { get; } = [500, 500, 500, 500];

    public double SpeedKph => SpeedMps * 3.6;

    public static int GearFor(double speedKph)
    {
        for (var g = 1; g < GearTopSpeedsKph.Length; g++)
        {
            if (speedKph < GearTopSpeedsKph[g] - 5)
            {
                return g;
            }
        }

        return GearTopSpeedsKph.Length - 1;
    }

    public static int RpmFor(double speedKph, int gear)
    {
        if (speedKph < 1)
        {
            return IdleRpm;
        }

        // Each gear spans from just after the previous gear's shift point up to the limiter.
        var top = GearTopSpeedsKph[Math.Clamp(gear, 1, GearTopSpeedsKph.Length - 1)];
        var ratio = Math.Clamp(speedKph / top, 0, 1);
        return (int)Math.Round(6_500 + (MaxRpm - 6_500) * ratio);
    }
}
