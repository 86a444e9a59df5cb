using FormulaTel.History.Laps;

namespace FormulaTel.History.Tests.Laps;

public sealed class LapTraceTests
{
    [Fact]
    public void Resampling_puts_a_point_every_five_metres_interpolating_between_samples()
    {
        // A car at a steady 36 m/s sampled every 12 m (a third of a second apart).
        var raw = Enumerable.Range(0, 11).Select(i => new TraceSample(i * 12f + 1, (uint)(i * 333), 100 + i, 1, 0, 0, 5, i * 12f, 0)).ToList();
        var trace = LapTrace.Resample(raw);
        Assert.Equal(5, trace.Points[0].DistanceM);
        Assert.All(trace.Points.Zip(trace.Points.Skip(1)), pair => Assert.Equal(5, pair.Second.DistanceM - pair.First.DistanceM, 3));
        Assert.Equal(120, trace.Points[^1].DistanceM); // the last point at or before the last sample (121 m)
        // 5 m is a third of the way from the sample at 1 m to the one at 13 m.
        Assert.Equal(111u, trace.Points[0].TimeMs);
        Assert.Equal(100 + 4 / 12f, trace.Points[0].SpeedKph, 3);
    }

    [Fact]
    public void Encoding_round_trips_within_the_stored_precision()
    {
        var raw = Enumerable.Range(0, 200).Select(i => new TraceSample(i * 3f, (uint)(i * 40), 200 + i * 0.1f, i % 2 == 0 ? 1 : 0.25f, i % 3 == 0 ? 0.5f : 0, (i % 7 - 3) / 3f, i % 8, i * 1.5f, -i * 0.5f)).ToList();
        var trace = LapTrace.Resample(raw);
        var decoded = LapTrace.Decode(trace.Encode());
        Assert.Equal(trace.Points.Length, decoded.Points.Length);
        foreach (var (a, b) in trace.Points.Zip(decoded.Points))
        {
            Assert.Equal(a.DistanceM, b.DistanceM, 3);
            Assert.Equal(a.TimeMs, b.TimeMs);
            Assert.Equal(a.SpeedKph, b.SpeedKph);
            Assert.Equal(a.Throttle, b.Throttle, 1.0 / 255); // a byte each
            Assert.Equal(a.Brake, b.Brake, 1.0 / 255);
            Assert.Equal(a.Steer, b.Steer, 1.0 / 127);
            Assert.Equal(a.Gear, b.Gear);
            Assert.Equal(a.X, b.X);
            Assert.Equal(a.Z, b.Z);
        }
    }

    [Fact]
    public void A_blob_that_is_not_a_trace_is_refused()
    {
        Assert.Throws<FormatException>(() => LapTrace.Decode([9, 9, 9]));
        var bytes = LapTrace.Resample([new TraceSample(0, 0, 1, 1, 0, 0, 1, 0, 0), new TraceSample(20, 500, 1, 1, 0, 0, 1, 0, 0)]).Encode();
        Assert.Throws<FormatException>(() => LapTrace.Decode(bytes.AsSpan(0, bytes.Length - 3)));
    }
}
