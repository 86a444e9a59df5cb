namespace FormulaTel.Insights;

/// <summary>A race engineer's line for the ticker (and the voice), with the key that says it once.</summary>
public sealed record Callout(string Key, string Text);

/// <summary>
/// What is worth saying as a lap ends: a tyre a few laps from the limit, the pit window once a stint has laps enough
/// to place it, fuel that will not last; each said once for what it is about (a wheel in a stint, a stint's window,
/// a saving to the nearest 0.05 kg).
/// </summary>
public static class Callouts
{
    /// <summary>How many laps before the limit a tyre is called.</summary>
    public const int TyreWarningLaps = 3;

    /// <summary>Laps of a stint before its pit window is called: early bands are wide, and the window said once.</summary>
    public const int WindowAfterLaps = 5;

    public static IReadOnlyList<Callout> For(int lap, int stintStartLap, double wearLimit, IReadOnlyList<TyreLifeEstimate> tyres, FuelEstimate? fuel, PitWindowEstimate? window)
    {
        var callouts = new List<Callout>();
        foreach (var tyre in tyres.Where(t => t.ReachesLimit.Lap != int.MaxValue).OrderBy(t => t.ReachesLimit.Lap))
        {
            var lapsLeft = tyre.ReachesLimit.Lap - lap;
            if (lapsLeft <= TyreWarningLaps)
            {
                var wheel = PitWindow.WheelNames[tyre.Wheel];
                var when = lapsLeft <= 0 ? "now" : $"in {lapsLeft} lap{(lapsLeft == 1 ? "" : "s")}";
                callouts.Add(new Callout($"tyre-{wheel}-{stintStartLap}", $"{wheel} reaches {Math.Round(wearLimit * 100)} % {when}"));
            }
        }

        if (window is not null && lap - stintStartLap + 1 >= WindowAfterLaps)
        {
            callouts.Add(new Callout($"window-{stintStartLap}", window.Opens <= lap + 1 ? $"Box window open until lap {window.Closes}" : $"Box window opens lap {window.Opens}"));
        }

        if (fuel is { SavePerLapKg: > 0.02 } shortfall)
        {
            callouts.Add(new Callout($"fuel-{Math.Round(shortfall.SavePerLapKg * 20)}", $"Fuel: save {shortfall.SavePerLapKg:0.00} kg a lap"));
        }

        return callouts;
    }
}
