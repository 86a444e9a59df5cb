namespace FormulaTel.Web.Live;

/// <summary>
/// The track's shape, learned from where the cars drive: world positions averaged in bins of lap distance, so the
/// outline firms up within a lap of any car and is not thrown off by one car's line.
/// </summary>
public sealed class TrackOutline
{
    public const int Bins = 300;
    private const int SamplesPerBin = 40;
    private readonly (double X, double Z, int Count)[] _bins = new (double, double, int)[Bins];
    private float _lengthM;

    /// <summary>The lap length: the session's, else the furthest lap distance seen.</summary>
    public void SetLength(float trackLengthM)
    {
        if (trackLengthM > 0 && Math.Abs(trackLengthM - _lengthM) > 1)
        {
            _lengthM = trackLengthM;
            Array.Clear(_bins);
        }
    }

    public void Add(float lapDistanceM, float x, float z)
    {
        if (lapDistanceM < 0 || (x == 0 && z == 0))
        {
            return;
        }

        if (_lengthM <= 0 || lapDistanceM > _lengthM * 1.05f)
        {
            return; // length not known yet
        }

        var bin = Math.Min(Bins - 1, (int)(lapDistanceM / _lengthM * Bins));
        ref var b = ref _bins[bin];
        if (b.Count < SamplesPerBin)
        {
            b = (b.X + x, b.Z + z, b.Count + 1);
        }
    }

    /// <summary>
    /// The outline in lap order, a gap (a NaN point) where no car has been yet; empty until a quarter of the lap
    /// is known. Closed (first point repeated) once every bin is known.
    /// </summary>
    public IReadOnlyList<MapPoint> Points()
    {
        var points = new List<MapPoint>(Bins + 1);
        var known = 0;
        foreach (var b in _bins)
        {
            if (b.Count > 0)
            {
                known++;
                points.Add(new MapPoint((float)(b.X / b.Count), (float)(b.Z / b.Count)));
            }
            else if (points.Count > 0 && !float.IsNaN(points[^1].X))
            {
                points.Add(new MapPoint(float.NaN, float.NaN));
            }
        }

        if (known == Bins)
        {
            points.Add(points[0]);
        }

        return known >= Bins / 4 ? points : [];
    }
}
