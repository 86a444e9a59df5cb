using System.Globalization;
using System.Text;

namespace FormulaTel.Web.History;

/// <summary>
/// Laps of one track side by side (the compare page): each lap's channels against lap distance, its running time
/// delta to the first (reference) lap, and which lap is quickest through each stretch of the track.
/// </summary>
public sealed class LapComparison
{
    public const int MaxLaps = 4;

    /// <summary>The map is coloured per stretch of this length: short enough to show a corner, long enough to read.</summary>
    public const float SegmentM = 50;

    /// <summary>
    /// The charts draw a point every 10 m (traces are stored every 5 m): every braking zone's shape at half the
    /// points, so four laps in six synchronised charts draw in a few hundred milliseconds (docs/benchmarks.md).
    /// </summary>
    public const float DisplayStepM = 10;

    private static readonly string[] Palette = ["#4fc3f7", "#ffb74d", "#81c784", "#f06292"];

    private LapComparison(IReadOnlyList<ComparedLap> laps, IReadOnlyList<MapSegment> segments, string mapViewBox, float mapStroke)
    {
        Laps = laps;
        Segments = segments;
        MapViewBox = mapViewBox;
        MapStroke = mapStroke;
    }

    public IReadOnlyList<ComparedLap> Laps { get; }

    /// <summary>The reference lap's line cut into stretches, each with the lap that was quickest through it.</summary>
    public IReadOnlyList<MapSegment> Segments { get; }

    public string MapViewBox { get; }

    public float MapStroke { get; }

    public static string Colour(int index) => Palette[index % Palette.Length];

    public static LapComparison Build(IReadOnlyList<(StoredLapSummary Lap, StoredTrace Trace)> laps)
    {
        if (laps.Count == 0)
        {
            return new LapComparison([], [], "0 0 1 1", 1);
        }

        var reference = laps[0].Trace.Points;
        var compared = new List<ComparedLap>(laps.Count);
        for (var i = 0; i < laps.Count; i++)
        {
            var (lap, trace) = laps[i];
            var points = new List<ComparePoint>(trace.Points.Count / 2 + 1);
            var delta = new List<DeltaPoint>(trace.Points.Count / 2 + 1);
            var every = Math.Max(1, (int)MathF.Round(DisplayStepM / Math.Max(1, trace.StepM)));
            for (var p = 0; p < trace.Points.Count; p++)
            {
                var point = trace.Points[p];
                // Every few points, and always the last, so the line reaches the end of the lap.
                if (p % every != 0 && p != trace.Points.Count - 1)
                {
                    continue;
                }

                points.Add(new ComparePoint(point.DistanceM, point.SpeedKph, point.Throttle * 100, point.Brake * 100, point.Gear, point.Steer * 100));
                if (TimeAt(reference, point.DistanceM) is { } referenceMs)
                {
                    delta.Add(new DeltaPoint(point.DistanceM, (point.TimeMs - referenceMs) / 1000.0));
                }
            }

            compared.Add(new ComparedLap(i, lap, Colour(i), points, delta, delta.Count > 0 ? delta[^1].DeltaS : null));
        }

        var (segments, viewBox, stroke) = Map(laps.Select(l => l.Trace.Points).ToList());
        return new LapComparison(compared, segments, viewBox, stroke);
    }

    /// <summary>Lap time (ms) at a lap distance, interpolated between the points either side; null outside the trace.</summary>
    public static double? TimeAt(IReadOnlyList<TracePoint> points, double distanceM)
    {
        if (points.Count == 0 || distanceM < points[0].DistanceM || distanceM > points[^1].DistanceM)
        {
            return null;
        }

        int low = 0, high = points.Count - 1;
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            if (points[middle].DistanceM <= distanceM)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        var (a, b) = (points[low], points[high]);
        var span = b.DistanceM - a.DistanceM;
        return span <= 0 ? a.TimeMs : a.TimeMs + (b.TimeMs - a.TimeMs) * (distanceM - a.DistanceM) / span;
    }

    private static (IReadOnlyList<MapSegment>, string, float) Map(IReadOnlyList<IReadOnlyList<TracePoint>> traces)
    {
        var reference = traces[0];
        if (reference.Count < 2)
        {
            return ([], "0 0 1 1", 1);
        }

        var segments = new List<MapSegment>();
        var start = 0;
        while (start < reference.Count - 1)
        {
            var from = reference[start].DistanceM;
            var end = start;
            while (end < reference.Count - 1 && reference[end].DistanceM - from < SegmentM)
            {
                end++;
            }

            var to = reference[end].DistanceM;
            // Time each lap took over the stretch; a lap that does not cover it takes no part.
            var times = traces.Select(t => TimeAt(t, from) is { } a && TimeAt(t, to) is { } b ? b - a : (double?)null).ToList();
            var fastest = -1;
            for (var i = 0; i < times.Count; i++)
            {
                if (times[i] is { } time && (fastest < 0 || time < times[fastest]!.Value))
                {
                    fastest = i;
                }
            }

            var runnerUp = times.Where((t, i) => t is not null && i != fastest).Select(t => t!.Value).DefaultIfEmpty(double.NaN).Min();
            var line = new StringBuilder();
            for (var p = start; p <= end; p++)
            {
                line.Append(F(reference[p].X)).Append(',').Append(F(-reference[p].Z)).Append(' ');
            }

            segments.Add(new MapSegment(line.ToString().TrimEnd(), from, to, fastest,
                fastest < 0 || double.IsNaN(runnerUp) ? 0 : (runnerUp - times[fastest]!.Value) / 1000.0));
            start = end;
        }

        // World X across, -Z down the page, as the live map draws it.
        float minX = reference.Min(p => p.X), maxX = reference.Max(p => p.X), minY = reference.Min(p => -p.Z), maxY = reference.Max(p => -p.Z);
        var size = Math.Max(Math.Max(maxX - minX, maxY - minY), 50);
        var pad = size * 0.06f;
        return (segments, $"{F(minX - pad)} {F(minY - pad)} {F(maxX - minX + 2 * pad)} {F(maxY - minY + 2 * pad)}", size / 70);
    }

    // +0 for -0: a flipped zero would print as "-0".
    private static string F(float value) => (value + 0f).ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>One lap in the comparison, with its colour, its points for the charts and its delta to the reference lap.</summary>
public sealed record ComparedLap(int Index, StoredLapSummary Lap, string Colour, IReadOnlyList<ComparePoint> Points, IReadOnlyList<DeltaPoint> Delta, double? FinalDeltaS);

/// <summary>A chart point: percentages for the pedals and steering, so they share an axis.</summary>
public sealed record ComparePoint(double DistanceM, double SpeedKph, double ThrottlePct, double BrakePct, double Gear, double SteerPct);

/// <summary>Seconds behind (positive) or ahead (negative) of the reference lap at a lap distance.</summary>
public sealed record DeltaPoint(double DistanceM, double DeltaS);

/// <summary>A stretch of the map (an SVG polyline), the index of the lap quickest through it (-1: none) and by how much.</summary>
public sealed record MapSegment(string SvgPoints, float FromM, float ToM, int FastestLap, double GainS);
