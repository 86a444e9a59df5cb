namespace FormulaTel.Insights;

/// <summary>One tyre's wear rate in this stint and the lap it reaches the limit.</summary>
public sealed record TyreLifeEstimate(int Wheel, double WearPerLap, double CurrentWear, LapEstimate ReachesLimit);

/// <summary>
/// Tyre life from the current stint's laps. Each wheel's wear is fitted by least squares against the stint's racing
/// laps (a safety-car lap counts as a quarter of one, a pit lap as half): a line, bent upwards once there are laps enough to see a tyre wearing
/// faster as it wears (a quadratic whose curvature, never negative, is trusted in proportion to the laps behind it).
/// The lap it reaches the limit is where the fit crosses it. The band is how far the crossing could move: two of the
/// fit's residual spreads in wear, the slope's own uncertainty, and a share of the laps still to run for what the
/// model cannot know (a cliff that has not begun); never narrower than a lap either side. With a prior (the racer's
/// stored stints at this track and compound), the rate is shrunk towards it as if the prior were worth
/// <see cref="PriorLaps"/> laps.
/// </summary>
public static class TyreLife
{
    public const double DefaultLimit = 0.70;

    /// <summary>How many laps of this stint a prior is worth.</summary>
    public const double PriorLaps = 4;

    /// <summary>The laps a prediction needs from this stint before it is made (with no prior).</summary>
    public const int MinimumLaps = 2;

    /// <summary>Laps before a curvature is fitted at all, and how many more make it fully trusted.</summary>
    private const int CurvatureFrom = 5;
    private const double CurvatureTrustLaps = 8;

    /// <summary>The share of the laps to run that the band allows for what the fit cannot see yet.</summary>
    private const double ModelShare = 0.10;

    public static IReadOnlyList<TyreLifeEstimate> Predict(IReadOnlyList<LapSample> stint, double limit = DefaultLimit, double? priorWearPerLap = null, string? priorSource = null)
    {
        if (stint.Count < MinimumLaps && priorWearPerLap is null || stint.Count == 0)
        {
            return [];
        }

        var last = stint[^1];
        var estimates = new List<TyreLifeEstimate>(4);
        for (var wheel = 0; wheel < last.TyreWear.Count; wheel++)
        {
            var fit = Fit(stint, wheel);
            var laps = stint.Count;
            var slope = fit.SlopeAt(0);
            var why = $"based on {laps} lap{(laps == 1 ? "" : "s")}, {slope * 100:0.0} %/lap" + (fit.Curvature > 1e-5 ? ", rising" : "");
            var (level, curvature, spread, slopeError) = (fit.At(0), fit.Curvature, fit.Spread, fit.SlopeError);
            if (priorWearPerLap is { } prior && prior > 0)
            {
                var weight = Math.Max(0, laps - 1);
                var shrunk = (slope * weight + prior * PriorLaps) / (weight + PriorLaps);
                (slope, slopeError) = (shrunk, slopeError * weight / (weight + PriorLaps) + prior * 0.15 * PriorLaps / (weight + PriorLaps));
                why += $"; {priorSource ?? "stored stints here"} {prior * 100:0.0} %/lap";
            }

            if (slope <= 1e-6 && curvature <= 1e-9)
            {
                estimates.Add(new TyreLifeEstimate(wheel, slope, last.TyreWear[wheel], new LapEstimate(int.MaxValue, int.MaxValue, int.MaxValue, why + "; not wearing")));
                continue;
            }

            // Laps from the last one until level + slope·x + curvature·x² reaches the limit.
            double LapsTo(double target, double rate) => Crossing(Math.Max(0, target - level), rate, curvature);
            var ahead = LapsTo(limit, slope);
            var noise = 2 * spread;
            var early = Math.Min(LapsTo(limit - noise, slope + 2 * slopeError), ahead) * (1 - ModelShare);
            var late = Math.Max(LapsTo(limit + noise, Math.Max(slope - 2 * slopeError, slope * 0.5)), ahead) * (1 + ModelShare);
            var reaches = last.Lap + (int)Math.Ceiling(ahead);
            estimates.Add(new TyreLifeEstimate(wheel, slope, last.TyreWear[wheel], new LapEstimate(
                reaches,
                Math.Min(reaches - 1, last.Lap + (int)Math.Floor(early)),
                Math.Max(reaches + 1, last.Lap + (int)Math.Ceiling(late)),
                why)));
        }

        return estimates;
    }

    /// <summary>The smallest x ≥ 0 with rate·x + curvature·x² ≥ toGo.</summary>
    private static double Crossing(double toGo, double rate, double curvature)
    {
        if (toGo <= 0)
        {
            return 0;
        }

        if (curvature <= 1e-9)
        {
            return rate > 1e-9 ? toGo / rate : double.PositiveInfinity;
        }

        return (-rate + Math.Sqrt(rate * rate + 4 * curvature * toGo)) / (2 * curvature);
    }

    private readonly record struct WearFit(double A, double B, double Curvature, double Spread, double SlopeError)
    {
        public double At(double lap) => A + B * lap + Curvature * lap * lap;

        public double SlopeAt(double lap) => B + 2 * Curvature * lap;
    }

    /// <summary>
    /// Least squares of wear against the stint's racing laps so far: a line, or a quadratic bending upwards with laps
    /// enough. The result is in racing laps from the stint's last lap (x = 0 there).
    /// </summary>
    private static WearFit Fit(IReadOnlyList<LapSample> stint, int wheel)
    {
        if (stint.Count == 1)
        {
            var only = stint[0];
            var rate = only.TyreAgeLaps > 0 ? only.TyreWear[wheel] / only.TyreAgeLaps : 0;
            return new WearFit(only.TyreWear[wheel], rate, 0, only.TyreWear[wheel] * 0.1, rate * 0.5);
        }

        // Racing laps: a safety-car lap wears about a quarter of one, a lap through the pits half; so the wear is a
        // smooth function of these, and what is left to run is counted in racing laps.
        var xs = new double[stint.Count];
        for (var i = 1; i < stint.Count; i++)
        {
            xs[i] = xs[i - 1] + Effective(stint[i]);
        }

        var end = xs[^1];
        var (a, b) = Line(stint, wheel, xs);
        var curvature = 0.0;
        if (stint.Count >= CurvatureFrom && Quadratic(stint, wheel, xs) is { } q && q.C > 0)
        {
            var trust = Math.Min(1, (stint.Count - CurvatureFrom + 1) / CurvatureTrustLaps);
            curvature = q.C * trust;
            // The line refitted to what the curvature leaves.
            (a, b) = Line(stint, wheel, xs, curvature);
        }

        double residuals = 0, sxx = 0, mx = xs.Average();
        for (var i = 0; i < stint.Count; i++)
        {
            var r = stint[i].TyreWear[wheel] - (a + b * xs[i] + curvature * xs[i] * xs[i]);
            residuals += r * r;
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }

        var freedom = Math.Max(1, stint.Count - (curvature > 0 ? 3 : 2));
        var spread = Math.Sqrt(residuals / freedom);
        var slopeError = sxx > 0 ? spread / Math.Sqrt(sxx) : Math.Abs(b) * 0.5;
        // Moved so that x = 0 is the stint's last lap: a + b·(x + end) + c·(x + end)².
        var (A, B, C) = (a + b * end + curvature * end * end, b + 2 * curvature * end, curvature);
        return new WearFit(A, B, C, Math.Max(spread, 1e-4), Math.Max(slopeError, Math.Abs(b) * 0.02));
    }

    private static double Effective(LapSample s) => s.Kind switch
    {
        LapKind.SafetyCar => 0.25,
        LapKind.Pit => 0.5,
        _ => 1,
    };

    /// <summary>The least-squares line through wear minus <paramref name="curvature"/>·x².</summary>
    private static (double A, double B) Line(IReadOnlyList<LapSample> stint, int wheel, double[] xs, double curvature = 0)
    {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < stint.Count; i++)
        {
            var (w, x) = (1.0, xs[i]);
            var y = stint[i].TyreWear[wheel] - curvature * x * x;
            (sw, sx, sy, sxx, sxy) = (sw + w, sx + w * x, sy + w * y, sxx + w * x * x, sxy + w * x * y);
        }

        var d = sw * sxx - sx * sx;
        if (Math.Abs(d) < 1e-12)
        {
            return (sy / sw, 0);
        }

        var b = (sw * sxy - sx * sy) / d;
        return ((sy - b * sx) / sw, b);
    }

    /// <summary>The least-squares quadratic a + b·x + c·x², null when the laps cannot fix one.</summary>
    private static (double A, double B, double C)? Quadratic(IReadOnlyList<LapSample> stint, int wheel, double[] xs)
    {
        // Normal equations, solved by Cramer's rule (3×3).
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
        for (var i = 0; i < stint.Count; i++)
        {
            var (w, x, y) = (1.0, xs[i], stint[i].TyreWear[wheel]);
            (s0, s1, s2, s3, s4) = (s0 + w, s1 + w * x, s2 + w * x * x, s3 + w * x * x * x, s4 + w * x * x * x * x);
            (t0, t1, t2) = (t0 + w * y, t1 + w * x * y, t2 + w * x * x * y);
        }

        static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
            a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        var det = Det(s0, s1, s2, s1, s2, s3, s2, s3, s4);
        if (Math.Abs(det) < 1e-9)
        {
            return null;
        }

        return (Det(t0, s1, s2, t1, s2, s3, t2, s3, s4) / det, Det(s0, t0, s2, s1, t1, s3, s2, t2, s4) / det, Det(s0, s1, t0, s1, s2, t1, s2, s3, t2) / det);
    }

}
