namespace FormulaTel.History.Storage;

/// <summary>A stored lap; the best flags are computed over the session (overall) and the car (personal).</summary>
public sealed record LapRow
{
    public required long Id { get; init; }
    public required long SessionId { get; init; }
    public required uint CarIndex { get; init; }
    public string Driver { get; init; } = "";
    public string Team { get; init; } = "";
    public required uint LapNumber { get; init; }
    public uint LapTimeMs { get; init; }
    public uint Sector1Ms { get; init; }
    public uint Sector2Ms { get; init; }
    public uint Sector3Ms { get; init; }
    public bool Valid { get; init; }
    public string Status { get; init; } = "complete";
    public string TimeSource { get; init; } = "";
    public uint Position { get; init; }
    public string TyreCompound { get; init; } = "";
    public uint TyreAgeLaps { get; init; }
    public float WearStart { get; init; }
    public float WearRearLeft { get; init; }
    public float WearRearRight { get; init; }
    public float WearFrontLeft { get; init; }
    public float WearFrontRight { get; init; }
    public float FuelStartKg { get; init; }
    public float FuelEndKg { get; init; }
    public bool PitIn { get; init; }
    public bool PitOut { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public double TraceCoverage { get; init; }
    public bool PersonalBest { get; set; }
    public bool OverallBest { get; set; }
    public bool PersonalBestSector1 { get; set; }
    public bool PersonalBestSector2 { get; set; }
    public bool PersonalBestSector3 { get; set; }
    public bool OverallBestSector1 { get; set; }
    public bool OverallBestSector2 { get; set; }
    public bool OverallBestSector3 { get; set; }
}
