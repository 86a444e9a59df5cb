namespace FormulaTel.Insights;

/// <summary>The first and last sensible laps to stop, and why.</summary>
public sealed record PitWindowEstimate(int Opens, int Closes, string Why);

/// <summary>
/// The window closes on the lap the first tyre reaches the limit (the earliest of its band: stopping later risks the
/// tyre) and opens <see cref="Width"/> laps before it; no window when the tyres last to the flag.
/// </summary>
public static class PitWindow
{
    public const int Width = 4;

    public static PitWindowEstimate? Predict(IReadOnlyList<TyreLifeEstimate> tyres, int currentLap, int totalLaps)
    {
        if (tyres.Count == 0)
        {
            return null;
        }

        var first = tyres.MinBy(t => t.ReachesLimit.Earliest)!;
        if (first.ReachesLimit.Earliest >= totalLaps)
        {
            return null;
        }

        var closes = Math.Max(currentLap + 1, first.ReachesLimit.Earliest);
        var opens = Math.Max(currentLap + 1, closes - Width);
        return new PitWindowEstimate(opens, closes, $"{WheelNames[first.Wheel]} likely reaches the limit from lap {first.ReachesLimit.Earliest}");
    }

    /// <summary>The spec's wheel order.</summary>
    public static readonly IReadOnlyList<string> WheelNames = ["RL", "RR", "FL", "FR"];
}
