namespace FormulaTel.Simulation;

/// <summary>
/// A closed circuit for the simulator: a spline through a circuit's outline whose curvature gives straights,
/// fast sweepers and a hairpin, with the fastest speed a car can hold at every metre (braking into corners, accelerating out).
/// </summary>
public sealed class SimulatedTrack
{
    private const int Samples = 4096;
    private const double MechanicalGrip = 1.8 * 9.81;           // m/s² of lateral grip at walking pace
    private const double DownforceGrip = 3.0 * 9.81;            // m/s² more at top speed
    private const double MaxBraking = 5.0 * 9.81;               // m/s²
    private const double MaxTraction = 1.3 * 9.81;              // m/s² at low speed, fading with speed
    private const double TopSpeed = 330 / 3.6;                  // m/s

    private readonly double[] _x = new double[Samples];
    private readonly double[] _z = new double[Samples];
    private readonly double[] _heading = new double[Samples];
    private readonly double[] _curvature = new double[Samples];
    private readonly double[] _speed = new double[Samples];
    private readonly double[] _distance = new double[Samples + 1];

    // A circuit's outline (arbitrary units): long straights, a fast sweeper, a hairpin, an esses section.
    private static readonly (double X, double Z)[] Outline =
    [
        (0, 0), (6, 0), (10, 0.2), (11, 1.2), (10.6, 2.4), (9, 3), (7.5, 3.2), (7, 4.2), (7.8, 5.4), (7.2, 6.3),
        (6.6, 6.2), (4, 6.6), (2.5, 5.8), (2.8, 4.5), (2, 3.6), (0.2, 3.4), (-1, 2.4), (-1.2, 1),
    ];

    public SimulatedTrack(double lengthMetres = 5_891)
    {
        // A closed Catmull-Rom spline through the outline, sampled evenly in its parameter.
        var rawX = new double[Samples];
        var rawZ = new double[Samples];
        var n = Outline.Length;
        for (var i = 0; i < Samples; i++)
        {
            var u = (double)i * n / Samples;
            var segment = (int)u;
            var t = u - segment;
            var p0 = Outline[(segment - 1 + n) % n];
            var p1 = Outline[segment % n];
            var p2 = Outline[(segment + 1) % n];
            var p3 = Outline[(segment + 2) % n];
            rawX[i] = CatmullRom(p0.X, p1.X, p2.X, p3.X, t);
            rawZ[i] = CatmullRom(p0.Z, p1.Z, p2.Z, p3.Z, t);
        }

        var rawLength = 0.0;
        for (var i = 0; i < Samples; i++)
        {
            var j = (i + 1) % Samples;
            rawLength += Math.Sqrt(Sq(rawX[j] - rawX[i]) + Sq(rawZ[j] - rawZ[i]));
        }

        var scale = lengthMetres / rawLength;
        for (var i = 0; i < Samples; i++)
        {
            _x[i] = rawX[i] * scale;
            _z[i] = rawZ[i] * scale;
        }

        for (var i = 0; i < Samples; i++)
        {
            var j = (i + 1) % Samples;
            _distance[i + 1] = _distance[i] + Math.Sqrt(Sq(_x[j] - _x[i]) + Sq(_z[j] - _z[i]));
            _heading[i] = Math.Atan2(_z[j] - _z[i], _x[j] - _x[i]);
        }

        Length = _distance[Samples];
        var raw = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var j = (i + 1) % Samples;
            var turn = Math.IEEERemainder(_heading[j] - _heading[i], 2 * Math.PI);
            raw[i] = turn / (_distance[i + 1] - _distance[i]);
        }

        // Averaged over ~30 m: a driver's line, not the sampling's jitter.
        const int window = 10;
        for (var i = 0; i < Samples; i++)
        {
            var sum = 0.0;
            for (var w = -window; w <= window; w++)
            {
                sum += raw[(i + w + Samples) % Samples];
            }

            _curvature[i] = sum / (2 * window + 1);
        }

        BuildSpeedProfile();
    }

    public double Length { get; }

    /// <summary>The fastest speed (m/s) at a distance into the lap.</summary>
    public double SpeedAt(double distance) => _speed[Index(distance)];

    /// <summary>Signed curvature (1/m; positive turns left) at a distance into the lap.</summary>
    public double CurvatureAt(double distance) => _curvature[Index(distance)];

    public (double X, double Z, double Heading) PositionAt(double distance)
    {
        var i = Index(distance);
        return (_x[i], _z[i], _heading[i]);
    }

    private int Index(double distance)
    {
        var d = distance % Length;
        if (d < 0)
        {
            d += Length;
        }

        var i = Array.BinarySearch(_distance, d);
        i = i >= 0 ? i : ~i - 1;
        return Math.Clamp(i, 0, Samples - 1);
    }

    private void BuildSpeedProfile()
    {
        for (var i = 0; i < Samples; i++)
        {
            // Grip grows with downforce: lateral limit 1.8 g + 3 g·(v/top)², so v²·k = that limit.
            var k = Math.Abs(_curvature[i]) - DownforceGrip / (TopSpeed * TopSpeed);
            _speed[i] = k <= 0 ? TopSpeed : Math.Min(TopSpeed, Math.Sqrt(MechanicalGrip / k));
        }

        // Twice round each way so the limits carry across the start line.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var n = 0; n < Samples; n++)
            {
                var i = n;
                var j = (n + 1) % Samples;
                var ds = _distance[i + 1] - _distance[i];
                var traction = MaxTraction * (1 - _speed[i] / TopSpeed) + 0.2 * 9.81;
                _speed[j] = Math.Min(_speed[j], Math.Sqrt(Sq(_speed[i]) + 2 * traction * ds));
            }

            for (var n = Samples - 1; n >= 0; n--)
            {
                var i = n;
                var j = (n + 1) % Samples;
                var ds = _distance[i + 1] - _distance[i];
                _speed[i] = Math.Min(_speed[i], Math.Sqrt(Sq(_speed[j]) + 2 * MaxBraking * ds));
            }
        }
    }

    private static double Sq(double v) => v * v;

    private static double CatmullRom(double p0, double p1, double p2, double p3, double t) =>
        0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t + (-p0 + 3 * p1 - 3 * p2 + p3) * t * t * t);
}
