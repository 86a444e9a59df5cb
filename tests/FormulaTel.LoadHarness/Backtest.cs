using System.Globalization;
using FormulaTel.Insights;
using FormulaTel.Simulation;

/// <summary>
/// `-- backtest [STINTS=400] [MAXCLIFF=1.5]`: the tyre-life and fuel estimators against simulated stints whose wear model (rates,
/// cliff, track temperature, noise, safety-car laps) and fuel use they cannot see, drawn afresh for each stint. At
/// every lap from lap 3 on, each prediction is compared with what then happened; printed: the mean absolute error in
/// laps and the share of outcomes inside the band, by the lap the prediction was made, and for fuel from mid-race.
/// </summary>
internal static class Backtest
{
    public static void Run(int stints, double maxCliff)
    {
        var random = new Random(20261202);
        var tyreErrors = new SortedDictionary<int, List<(double Error, bool Inside)>>();
        var fuelErrors = new List<double>();
        for (var s = 0; s < stints; s++)
        {
            var model = new TyreWearModel(
                [.. Enumerable.Range(0, 4).Select(w => (w < 2 ? 0.018 : 0.014) * (0.6 + 0.8 * random.NextDouble()))],
                Cliff: random.NextDouble() * maxCliff,
                TrackTemperatureC: 20 + random.NextDouble() * 30,
                Noise: random.NextDouble() * 0.01);
            var fuelPerLap = 1.2 + random.NextDouble() * 0.8;
            var totalLaps = 50;
            var fuel = fuelPerLap * totalLaps * (0.97 + random.NextDouble() * 0.06);
            var safetyCar = random.NextDouble() < 0.4 ? random.Next(4, 30) : -1;

            // Drive the stint to the end of the race, noting the lap each tyre really passed 70 %.
            var wear = new double[4];
            var laps = new List<LapSample>();
            var reached = new int?[4];
            for (var lap = 1; lap <= totalLaps; lap++)
            {
                var sc = safetyCar > 0 && lap >= safetyCar && lap < safetyCar + 3;
                model.Lap(wear, sc);
                fuel -= fuelPerLap * (sc ? 0.4 : 1) * (0.98 + random.NextDouble() * 0.04);
                laps.Add(new LapSample(lap, model.Reading(wear, random), lap, Math.Max(0, fuel), sc ? LapKind.SafetyCar : LapKind.Racing));
                for (var w = 0; w < 4; w++)
                {
                    reached[w] ??= wear[w] >= TyreLife.DefaultLimit ? lap : null;
                }
            }

            var fuelOut = laps.FindIndex(l => l.FuelKg <= 0) is var o and >= 0 ? o + 1 : (double?)null;
            for (var at = 3; at < totalLaps; at++)
            {
                var seen = laps[..at];
                foreach (var tyre in TyreLife.Predict(seen))
                {
                    if (reached[tyre.Wheel] is { } actual && actual > at)
                    {
                        var inside = actual >= tyre.ReachesLimit.Earliest && actual <= tyre.ReachesLimit.Latest;
                        (tyreErrors.TryGetValue(at, out var list) ? list : tyreErrors[at] = []).Add((Math.Abs(tyre.ReachesLimit.Lap - actual), inside));
                    }
                }

                if (at >= totalLaps / 2 && Fuel.Predict(seen, totalLaps) is { } estimate)
                {
                    // What the laps of fuel said against the lap the tank really ran dry (or its fuel at the flag).
                    var actualLaps = fuelOut is { } dry ? dry - at : laps[^1].FuelKg / estimate.KgPerLap + (totalLaps - at);
                    fuelErrors.Add(Math.Abs(estimate.LapsOfFuel - actualLaps));
                }
            }
        }

        Console.WriteLine($"{stints} stints of 50 laps: wear rates ×0.6–1.4, cliff 0–{maxCliff.ToString(CultureInfo.InvariantCulture)}, track 20–50 °C, reading noise up to ±0.5 %, a 3-lap safety car in 40 % of them; fuel 1.2–2.0 kg a lap");
        Console.WriteLine("| predicted after lap | predictions | mean absolute error, laps | outcomes inside the band |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (at, results) in tyreErrors.Where(r => r.Key is 3 or 5 or 8 or 10 or 15 or 20 or 25 or 30))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {at} | {results.Count:N0} | {results.Average(r => r.Error):0.00} | {results.Count(r => r.Inside) * 100.0 / results.Count:0} % |"));
        }

        var fromFive = tyreErrors.Where(r => r.Key >= 5).SelectMany(r => r.Value).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tyre-limit lap, every prediction from lap 5 on: MAE {fromFive.Average(r => r.Error):0.00} laps (target ≤ 1), {fromFive.Count(r => r.Inside) * 100.0 / fromFive.Count:0} % inside the band (target ≥ 80 %)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"laps of fuel from mid-race: MAE {fuelErrors.Average():0.00} laps, {fuelErrors.Count(e => e <= 0.5) * 100.0 / fuelErrors.Count:0} % within ±0.5 lap (target: within ±0.5)"));
    }
}
