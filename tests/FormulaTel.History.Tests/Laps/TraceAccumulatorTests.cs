using FormulaTel.History.Laps;

namespace FormulaTel.History.Tests.Laps;

public sealed class TraceAccumulatorTests
{
    [Theory]
    [InlineData(1, 60.0)]   // a car sampled at 60 Hz
    [InlineData(2, 20.0)]   // at 20 Hz
    [InlineData(3, 7.0)]    // sparse: samples more than a step apart
    public void Built_as_driven_it_holds_the_points_resampling_the_whole_lap_gives(int seed, double hz)
    {
        var random = new Random(seed);
        var raw = new List<TraceSample>();
        var (distance, time) = (random.NextSingle() * 3, 0u);
        while (distance < 5_000)
        {
            var speed = 150 + random.NextSingle() * 150;
            raw.Add(new TraceSample(distance, time, speed, random.NextSingle(), random.NextSingle(), random.NextSingle() * 2 - 1, random.Next(1, 9), distance * 0.7f, -distance * 0.3f));
            distance += (float)(speed / 3.6 / hz);
            time += (uint)(1000 / hz);
        }

        var accumulator = new TraceAccumulator();
        foreach (var sample in raw)
        {
            accumulator.Add(sample);
        }

        var expected = LapTrace.Resample(raw);
        var built = accumulator.ToTrace();
        Assert.Equal(expected.StartM, built.StartM);
        Assert.Equal(expected.Points, built.Points);
        Assert.InRange(built.Points.Length, 995, 1000); // a point every 5 m, not one per frame
    }

    [Fact]
    public void A_flashback_within_the_lap_drops_what_lies_past_it_and_the_lap_is_driven_again()
    {
        var accumulator = new TraceAccumulator();
        for (var d = 0; d <= 1000; d += 2)
        {
            accumulator.Add(new TraceSample(d, (uint)(d * 10), 200, 1, 0, 0, 7, 0, 0));
        }

        accumulator.RemoveFrom(600);
        Assert.Equal(595, accumulator.LastDistanceM);
        for (var d = 602; d <= 700; d += 2)
        {
            accumulator.Add(new TraceSample(d, (uint)(d * 11), 100, 0.5f, 0, 0, 4, 0, 0));
        }

        var points = accumulator.ToTrace().Points;
        Assert.Equal(141, points.Length); // 0, 5, …, 700
        Assert.Equal(200, points[119].SpeedKph); // 595 m, from before the flashback
        Assert.Equal(100, points[^1].SpeedKph); // driven again
        Assert.All(points.Zip(points.Skip(1)), pair => Assert.Equal(5, pair.Second.DistanceM - pair.First.DistanceM, 3));
    }

    [Fact]
    public void An_empty_lap_has_no_points()
    {
        var accumulator = new TraceAccumulator();
        Assert.True(accumulator.IsEmpty);
        Assert.Empty(accumulator.ToTrace().Points);
        Assert.Equal(float.NegativeInfinity, accumulator.LastDistanceM);
    }
}
