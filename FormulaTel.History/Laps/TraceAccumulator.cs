namespace FormulaTel.History.Laps;

/// <summary>
/// A lap's trace built as it is driven: each sample adds the points every <see cref="LapTrace.StepM"/> metres it
/// passes, interpolated from the sample before, so a car holds a point per step of the lap rather than every frame.
/// The points are those <see cref="LapTrace.Resample"/> would give for the same samples.
/// </summary>
internal sealed class TraceAccumulator(float stepM = LapTrace.StepM)
{
    private readonly List<TraceSample> _points = [];
    private TraceSample? _last;
    private float _first;

    /// <summary>No sample since the lap started.</summary>
    public bool IsEmpty => _last is null;

    /// <summary>Points held (one every step of the lap driven so far).</summary>
    public int Count => _points.Count;

    /// <summary>Lap distance of the latest sample (negative infinity before the first).</summary>
    public float LastDistanceM => _last?.DistanceM ?? float.NegativeInfinity;

    /// <summary>Adds a sample further along the lap than the last one.</summary>
    public void Add(TraceSample sample)
    {
        if (_last is not { } last)
        {
            _first = MathF.Ceiling(sample.DistanceM / stepM) * stepM;
            if (_first == sample.DistanceM)
            {
                _points.Add(sample);
            }

            _last = sample;
            return;
        }

        // The grid points past the last one added, up to this sample (the points run from the first without a gap).
        for (var d = _first + _points.Count * stepM; d <= sample.DistanceM; d = _first + _points.Count * stepM)
        {
            _points.Add(LapTrace.Between(last, sample, d));
        }

        _last = sample;
    }

    /// <summary>Drops what lies at or past <paramref name="distanceM"/> (a flashback within the lap): it is driven again.</summary>
    public void RemoveFrom(float distanceM)
    {
        _points.RemoveAll(p => p.DistanceM >= distanceM);
        _last = _points.Count > 0 ? _points[^1] : null;
    }

    public void Clear()
    {
        _points.Clear();
        _last = null;
    }

    public LapTrace ToTrace() => new(_last is null ? 0 : _first, stepM, [.. _points]);
}
