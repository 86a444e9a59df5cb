namespace FormulaTel.History.Laps;

/// <summary>What the builder knows of one car: the lap in progress, its trace so far, and the latest readings.</summary>
internal sealed class CarLapState(uint carIndex)
{
    public uint CarIndex { get; } = carIndex;

    // The lap in progress.
    public uint Lap { get; set; }
    public TraceAccumulator Trace { get; } = new();
    public uint Sector1Ms { get; set; }
    public uint Sector2Ms { get; set; }
    public bool Invalid { get; set; }
    public bool PitSeen { get; set; }
    public bool StartedInPit { get; set; }
    public float WearStart { get; set; }
    public float FuelStartKg { get; set; }
    public uint Position { get; set; }
    public bool Retired { get; set; }

    // Latest readings, joined with the lap payload into trace samples.
    public float SpeedKph { get; set; }
    public float Throttle { get; set; }
    public float Brake { get; set; }
    public float Steer { get; set; }
    public int Gear { get; set; }
    public float X { get; set; }
    public float Z { get; set; }
    public float FuelKg { get; set; }
    public string Compound { get; set; } = "";
    public uint TyreAgeLaps { get; set; }
    public float[] Wear { get; } = new float[4];

    // Participant, as last written.
    public CarInfo? Written { get; set; }

    /// <summary>The game's lap records already written (lap number → times), so each is written once.</summary>
    public Dictionary<uint, (uint Time, uint S1, uint S2, uint S3, bool Valid)> GameRecords { get; } = [];

    public float MaxWear => Math.Max(Math.Max(Wear[0], Wear[1]), Math.Max(Wear[2], Wear[3]));

    public void StartLap(uint lap, bool inPit)
    {
        Lap = lap;
        Trace.Clear();
        Sector1Ms = 0;
        Sector2Ms = 0;
        Invalid = false;
        PitSeen = inPit;
        StartedInPit = inPit;
        WearStart = MaxWear;
        FuelStartKg = FuelKg;
    }
}
