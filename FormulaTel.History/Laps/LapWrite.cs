namespace FormulaTel.History.Laps;

/// <summary>
/// One lap of one car, as the builder saw it or as the game's history records it. Writes are idempotent by
/// (session, car, lap): a lap written again merges, the game's times winning and the fuller trace kept.
/// </summary>
public sealed record LapWrite
{
    public required SessionKey Session { get; init; }
    public required uint CarIndex { get; init; }
    public required uint LapNumber { get; init; }
    public required LapStatus Status { get; init; }
    public TimeSource TimeSource { get; init; }
    public uint LapTimeMs { get; init; }
    public uint Sector1Ms { get; init; }
    public uint Sector2Ms { get; init; }
    public uint Sector3Ms { get; init; }
    public bool Valid { get; init; }

    /// <summary>False for a record of times alone (the game's history): the fields below are then not known.</summary>
    public bool HasDetail { get; init; }
    public uint Position { get; init; }
    public string TyreCompound { get; init; } = "";
    public uint TyreAgeLaps { get; init; }
    /// <summary>The most worn tyre at the start of the lap, 0..1.</summary>
    public float WearStart { get; init; }
    /// <summary>Tyre wear at the end of the lap, rear-left, rear-right, front-left, front-right, 0..1.</summary>
    public float[] WearEnd { get; init; } = [0, 0, 0, 0];
    public float FuelStartKg { get; init; }
    public float FuelEndKg { get; init; }
    public bool PitIn { get; init; }
    public bool PitOut { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public LapTrace? Trace { get; init; }
    /// <summary>The share of the lap the trace covers, 0..1.</summary>
    public double TraceCoverage { get; init; }
}
