namespace FormulaTel.Ingest.Simulation;

/// <summary>
/// A closed circuit for the simulator: a smooth loop whose curvature gives fast sweepers, slow hairpins and
/// straights, with the fastest speed a car can hold at every metre (braking into corners, accelerating out).
/// </summary>
public sealed class SimulatedTrack
{
    private const int Samples = 4096;
    private const double MaxLateralAcceleration = 4.5 * 9.81;   // m/s², an F1 car in fast corners
    private const double MaxBraking = 5.0 * 9.81;               // m/s²
    private const double MaxTraction = 1.3 * 9.81;              // m/s² at low speed, fading with speed
    private const double TopSpeed = 330 / 3.6;                  // m/s

    private readonly double[] _x = new double[Samples];
    private readonly double[] _z = new double[Samples];
    private readonly double[] _heading = new double[Samples];
    private readonly double[] _curvature = new double[Samples];
    private readonly double[] _speed = new double[Samples];
    private readonly double[] _distance = new double[Samples + 1];

    public SimulatedTrack(double lengthMetres = 5_891)
    {
        // A polar loop r(θ) with lobes: its sharp inner bends are hairpins, the long arcs straights.
        var rawX = new double[Samples];
        var rawZ = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var t = 2 * Math.PI * i / Samples;
            var r = 1 + 0.32 * Math.Sin(2 * t) + 0.18 * Math.Cos(3 * t + 0.6) + 0.06 * Math.Sin(5 * t);
            rawX[i] = r * Math.Cos(t) * 1.5;
            rawZ[i] = r * Math.Sin(t);
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
        for (var i = 0; i < Samples; i++)
        {
            var j = (i + 1) % Samples;
            var turn = Math.IEEERemainder(_heading[j] - _heading[i], 2 * Math.PI);
            _curvature[i] = turn / (_distance[i + 1] - _distance[i]);
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
            var k = Math.Abs(_curvature[i]);
            _speed[i] = k < 1e-6 ? TopSpeed : Math.Min(TopSpeed, Math.Sqrt(MaxLateralAcceleration / k));
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
}
