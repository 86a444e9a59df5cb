namespace FormulaTel.Web.Live;

/// <summary>
/// A car's current lap and best lap as traces of speed, throttle and brake against lap distance, sampled every
/// <see cref="SpacingM"/> metres, and the delta to the best lap at the same distance.
/// </summary>
public sealed class LapTraceRecorder
{
    public const float SpacingM = 10;
    private List<TracePoint> _current = [];
    private uint _currentLap;

    public LapTrace? Best { get; private set; }

    public LapTrace Current => new(_currentLap, 0, _current.ToArray());

    /// <summary>Adds a sample if the car moved on by the spacing (or started a new lap).</summary>
    public void Add(uint lap, TracePoint point)
    {
        if (lap != _currentLap)
        {
            _current = [];
            _currentLap = lap;
        }

        if (point.DistanceM < 0)
        {
            return; // before the line on the first lap
        }

        if (_current.Count == 0 || point.DistanceM >= _current[^1].DistanceM + SpacingM)
        {
            _current.Add(point);
        }
        else if (point.DistanceM < _current[^1].DistanceM - 100)
        {
            // Went back (a flashback): the lap restarts from here.
            _current.RemoveAll(p => p.DistanceM >= point.DistanceM);
            _current.Add(point);
        }
    }

    /// <summary>The lap <paramref name="lap"/> ended in <paramref name="lapTimeMs"/>: keep it if it is the best and covers the lap.</summary>
    public void Complete(uint lap, uint lapTimeMs, float trackLengthM)
    {
        if (lap != _currentLap || lapTimeMs == 0 || _current.Count < 2)
        {
            return;
        }

        var covered = _current[^1].DistanceM - _current[0].DistanceM;
        var length = trackLengthM > 0 ? trackLengthM : _current[^1].DistanceM;
        if (covered >= 0.9 * length && (Best is null || lapTimeMs < Best.LapTimeMs))
        {
            Best = new LapTrace(lap, lapTimeMs, _current.ToArray());
        }

        _current = [];
        _currentLap = lap + 1;
    }

    /// <summary>Current lap time minus the best lap's time at the same distance (interpolated), ms.</summary>
    public int? DeltaToBest(float distanceM, uint currentLapTimeMs)
    {
        if (Best is not { Points.Count: >= 2 } best || distanceM < best.Points[0].DistanceM || distanceM > best.Points[^1].DistanceM)
        {
            return null;
        }

        var points = best.Points;
        int lo = 0, hi = points.Count - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (points[mid].DistanceM <= distanceM)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var a = points[lo];
        var b = points[hi];
        var f = b.DistanceM > a.DistanceM ? (distanceM - a.DistanceM) / (b.DistanceM - a.DistanceM) : 0;
        var bestTime = a.TimeMs + f * ((double)b.TimeMs - a.TimeMs);
        return (int)Math.Round(currentLapTimeMs - bestTime);
    }
}
