using System.Buffers.Binary;

namespace FormulaTel.History.Laps;

/// <summary>
/// A lap resampled against lap distance at a fixed step (<see cref="StepM"/>), so laps of any car, night or game year
/// line up point by point. Stored as a compact blob: 20 bytes a point, ~20 KB for a 5 km lap.
/// </summary>
public sealed class LapTrace
{
    /// <summary>Metres between points (the bound is 5 m).</summary>
    public const float StepM = 5;

    private const byte FormatVersion = 1;
    private const int HeaderBytes = 1 + 4 + 4 + 4;
    private const int PointBytes = 20;

    public LapTrace(float startM, float stepM, TraceSample[] points)
    {
        StartM = startM;
        Step = stepM;
        Points = points;
    }

    /// <summary>Lap distance of the first point.</summary>
    public float StartM { get; }

    public float Step { get; }

    public TraceSample[] Points { get; }

    /// <summary>
    /// Resamples <paramref name="raw"/> (ordered by distance, as driven) onto points every <see cref="StepM"/> metres
    /// from the first multiple of the step the car passed, interpolating linearly between the samples either side.
    /// </summary>
    public static LapTrace Resample(IReadOnlyList<TraceSample> raw, float stepM = StepM)
    {
        if (raw.Count == 0)
        {
            return new LapTrace(0, stepM, []);
        }

        var first = MathF.Ceiling(raw[0].DistanceM / stepM) * stepM;
        var last = raw[^1].DistanceM;
        var count = last < first ? 0 : (int)((last - first) / stepM) + 1;
        var points = new TraceSample[count];
        var j = 0;
        for (var i = 0; i < count; i++)
        {
            var d = first + i * stepM;
            while (j < raw.Count - 2 && raw[j + 1].DistanceM < d)
            {
                j++;
            }

            points[i] = Between(raw[j], raw[Math.Min(j + 1, raw.Count - 1)], d);
        }

        return new LapTrace(first, stepM, points);
    }

    /// <summary>The point at lap distance <paramref name="d"/>, interpolated linearly between samples <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static TraceSample Between(TraceSample a, TraceSample b, float d)
    {
        var span = b.DistanceM - a.DistanceM;
        var t = span <= 0 ? 0 : Math.Clamp((d - a.DistanceM) / span, 0, 1);
        return new TraceSample(
            d,
            (uint)Math.Round(a.TimeMs + (b.TimeMs - (double)a.TimeMs) * t),
            Lerp(a.SpeedKph, b.SpeedKph, t),
            Lerp(a.Throttle, b.Throttle, t),
            Lerp(a.Brake, b.Brake, t),
            Lerp(a.Steer, b.Steer, t),
            t < 0.5f ? a.Gear : b.Gear,
            Lerp(a.X, b.X, t),
            Lerp(a.Z, b.Z, t));
    }

    /// <summary>The share of a lap of <paramref name="trackLengthM"/> the points cover, 0..1.</summary>
    public double Coverage(float trackLengthM) => Points.Length < 2 || trackLengthM <= 0
        ? 0
        : Math.Clamp((Points[^1].DistanceM - Points[0].DistanceM + Step) / trackLengthM, 0, 1);

    public byte[] Encode()
    {
        var bytes = new byte[HeaderBytes + Points.Length * PointBytes];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteSingleLittleEndian(span[1..], StartM);
        BinaryPrimitives.WriteSingleLittleEndian(span[5..], Step);
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], Points.Length);
        var at = HeaderBytes;
        foreach (var p in Points)
        {
            var point = span.Slice(at, PointBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(point, p.TimeMs);
            BinaryPrimitives.WriteSingleLittleEndian(point[4..], p.SpeedKph);
            point[8] = (byte)Math.Round(Math.Clamp(p.Throttle, 0, 1) * 255);
            point[9] = (byte)Math.Round(Math.Clamp(p.Brake, 0, 1) * 255);
            point[10] = (byte)(sbyte)Math.Round(Math.Clamp(p.Steer, -1, 1) * 127);
            point[11] = (byte)(sbyte)Math.Clamp(p.Gear, -1, 15);
            BinaryPrimitives.WriteSingleLittleEndian(point[12..], p.X);
            BinaryPrimitives.WriteSingleLittleEndian(point[16..], p.Z);
            at += PointBytes;
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; throws <see cref="FormatException"/> on anything else.</summary>
    public static LapTrace Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes || bytes[0] != FormatVersion)
        {
            throw new FormatException($"Not a lap trace of format {FormatVersion} ({bytes.Length} bytes).");
        }

        var start = BinaryPrimitives.ReadSingleLittleEndian(bytes[1..]);
        var step = BinaryPrimitives.ReadSingleLittleEndian(bytes[5..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[9..]);
        if (count < 0 || bytes.Length != HeaderBytes + (long)count * PointBytes)
        {
            throw new FormatException($"A lap trace of {count} points cannot be {bytes.Length} bytes.");
        }

        var points = new TraceSample[count];
        for (var i = 0; i < count; i++)
        {
            var point = bytes.Slice(HeaderBytes + i * PointBytes, PointBytes);
            points[i] = new TraceSample(
                start + i * step,
                BinaryPrimitives.ReadUInt32LittleEndian(point),
                BinaryPrimitives.ReadSingleLittleEndian(point[4..]),
                point[8] / 255f,
                point[9] / 255f,
                (sbyte)point[10] / 127f,
                (sbyte)point[11],
                BinaryPrimitives.ReadSingleLittleEndian(point[12..]),
                BinaryPrimitives.ReadSingleLittleEndian(point[16..]));
        }

        return new LapTrace(start, step, points);
    }

    private static float Lerp(float a, float b, float t) => a + (b - a) * t;
}
