namespace FormulaTel.Simulation;

/// <summary>
/// How a set of tyres wears lap by lap: a base rate per wheel, scaled by how far the track is from the compound's
/// ideal temperature, rising as the tyre wears (the cliff), a quarter of it behind the safety car, and some noise in
/// each reading. For backtesting the estimators with models they cannot see.
/// </summary>
/// <param name="RatePerLap">Wear a lap on a fresh tyre at the ideal temperature, per wheel (spec order: RL, RR, FL, FR).</param>
/// <param name="Cliff">How much faster a worn tyre wears: the rate times (1 + Cliff × wear²).</param>
/// <param name="TrackTemperatureC">The track's temperature; every 10 °C from <see cref="IdealTemperatureC"/> adds 8 % to the rate.</param>
/// <param name="Noise">The spread of each reading (uniform, ± half of it).</param>
public sealed record TyreWearModel(double[] RatePerLap, double Cliff, double TrackTemperatureC, double Noise)
{
    public const double IdealTemperatureC = 35;

    /// <summary>The simulator's own: 2.2 % a lap on the rears, 1.8 % on the fronts, linear.</summary>
    public static TyreWearModel Default { get; } = new([0.022, 0.022, 0.018, 0.018], 0, IdealTemperatureC, 0);

    /// <summary>Adds one lap's wear to <paramref name="wear"/> (the true wear, before noise).</summary>
    public void Lap(double[] wear, bool safetyCar)
    {
        var heat = 1 + 0.08 * Math.Abs(TrackTemperatureC - IdealTemperatureC) / 10;
        for (var w = 0; w < wear.Length; w++)
        {
            wear[w] = Math.Min(1, wear[w] + RatePerLap[w] * heat * (1 + Cliff * wear[w] * wear[w]) * (safetyCar ? 0.25 : 1));
        }
    }

    /// <summary>What the game would report for <paramref name="wear"/>.</summary>
    public double[] Reading(double[] wear, Random random) =>
        [.. wear.Select(w => Math.Clamp(w + (random.NextDouble() - 0.5) * Noise, 0, 1))];
}
