namespace FormulaTel.History.Laps;

/// <summary>One point of a lap: where the car was, how far into the lap, and what the driver did there.</summary>
public readonly record struct TraceSample(
    float DistanceM,
    uint TimeMs,
    float SpeedKph,
    float Throttle,
    float Brake,
    float Steer,
    int Gear,
    float X,
    float Z);
