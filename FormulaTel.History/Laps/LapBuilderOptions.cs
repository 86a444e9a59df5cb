namespace FormulaTel.History.Laps;

/// <summary>Bounds on what the builder holds in memory (History:Laps).</summary>
public sealed class LapBuilderOptions
{
    /// <summary>Live sessions followed at once; the least recently seen is let go of (its laps cut short) past it.</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>Cars per session (F1 has 22).</summary>
    public int MaxCarsPerSession { get; set; } = 32;

    /// <summary>A session silent this long has ended: its laps in progress are stored as cut short.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Raw samples kept for one lap (60 Hz for 10 minutes); later ones are dropped and counted.</summary>
    public int MaxSamplesPerLap { get; set; } = 36_000;
}
