using FormulaTel.Insights;

namespace FormulaTel.Insights.Tests;

/// <summary>Synthetic laps with known answers: linear wear per wheel, fuel per lap, laps marked as the test says.</summary>
internal static class Stints
{
    /// <summary>Laps <paramref name="from"/>..<paramref name="to"/> of a stint that began on lap <paramref name="start"/> with fresh tyres.</summary>
    public static IEnumerable<LapSample> Linear(int from, int to, double[] wearPerLap, double fuelStart = 100, double fuelPerLap = 1.5, int start = 0, Func<int, LapKind>? kind = null)
    {
        for (var lap = from; lap <= to; lap++)
        {
            var age = lap - start;
            yield return new LapSample(lap, [.. wearPerLap.Select(r => r * age)], age, fuelStart - fuelPerLap * lap, kind?.Invoke(lap) ?? LapKind.Racing);
        }
    }

    public static StintTracker Track(IEnumerable<LapSample> laps)
    {
        var tracker = new StintTracker();
        foreach (var lap in laps)
        {
            tracker.Add(lap);
        }

        return tracker;
    }
}
