namespace FormulaTel.History.Laps;

/// <summary>Bounds on what the builder holds in memory (History:Laps).</summary>
public sealed class LapBuilderOptions
{
    /// <summary>
    /// Live sessions followed at once. Past it a new session takes the place of the least recently seen one if that
    /// has been quiet for <see cref="QuietBeforeEviction"/> (its laps are stored cut short); otherwise the new
    /// session's frames are refused and counted, so sessions still racing are never cut to make room.
    /// </summary>
    public int MaxSessions { get; set; } = 128;

    /// <summary>How long the least recently seen session must have been silent before a new one may take its place.</summary>
    public TimeSpan QuietBeforeEviction { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cars per session (F1 has 22).</summary>
    public int MaxCarsPerSession { get; set; } = 32;

    /// <summary>A session silent this long has ended: its laps in progress are stored as cut short.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Trace points kept for one lap (one every 5 m: a 50 km lap); later samples are dropped and counted.</summary>
    public int MaxTracePointsPerLap { get; set; } = 10_000;
}
