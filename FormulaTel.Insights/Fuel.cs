namespace FormulaTel.Insights;

/// <summary>Fuel against the race: laps it lasts, and what to save a lap if that is short of the laps to go.</summary>
public sealed record FuelEstimate(double KgPerLap, double LapsOfFuel, double LapsToGo, double SavePerLapKg, string Why)
{
    /// <summary>Laps of fuel beyond the finish (negative: short).</summary>
    public double Margin => LapsOfFuel - LapsToGo;
}

/// <summary>
/// Fuel per lap is the median of the last racing laps' use (pit and safety-car laps left out; a refuel or a
/// flashback, where fuel rises, too), so one odd lap does not move it.
/// </summary>
public static class Fuel
{
    public const int Window = 5;

    public static FuelEstimate? Predict(IReadOnlyList<LapSample> laps, int totalLaps)
    {
        var used = new List<double>();
        for (var i = laps.Count - 1; i > 0 && used.Count < Window; i--)
        {
            var (before, after) = (laps[i - 1], laps[i]);
            if (after.Kind == LapKind.Racing && before.Kind != LapKind.Pit && after.Lap == before.Lap + 1 && after.FuelKg < before.FuelKg)
            {
                used.Add(before.FuelKg - after.FuelKg);
            }
        }

        if (used.Count == 0)
        {
            return null;
        }

        used.Sort();
        var perLap = used.Count % 2 == 1 ? used[used.Count / 2] : (used[used.Count / 2 - 1] + used[used.Count / 2]) / 2;
        var last = laps[^1];
        var lapsToGo = Math.Max(0, totalLaps - last.Lap);
        var lapsOfFuel = perLap > 0 ? last.FuelKg / perLap : double.PositiveInfinity;
        var save = lapsToGo > 0 && lapsOfFuel < lapsToGo ? (lapsToGo * perLap - last.FuelKg) / lapsToGo : 0;
        return new FuelEstimate(perLap, lapsOfFuel, lapsToGo, save, $"median of the last {used.Count} racing lap{(used.Count == 1 ? "" : "s")}, {perLap:0.00} kg/lap");
    }
}
