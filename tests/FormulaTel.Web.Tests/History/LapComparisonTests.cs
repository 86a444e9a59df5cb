using FormulaTel.Web.History;

namespace FormulaTel.Web.Tests.History;

public sealed class LapComparisonTests
{
    private static StoredLapSummary Summary(long id, uint car) =>
        new(id, 1, "F1 24", "Silverstone", 1000, "race", DateTimeOffset.UnixEpoch, car, $"DRIVER{car}", "Team", 2, 0, true, "complete");

    /// <summary>A 1 km straight along X, every 5 m, at <paramref name="kph"/> before 500 m and <paramref name="laterKph"/> after.</summary>
    private static StoredTrace Straight(long id, double kph, double laterKph)
    {
        var points = new List<TracePoint>();
        double timeMs = 0;
        for (var d = 0; d <= 1000; d += 5)
        {
            if (d > 0)
            {
                timeMs += 5 / ((d <= 500 ? kph : laterKph) / 3.6) * 1000;
            }

            points.Add(new TracePoint(d, (long)Math.Round(timeMs), (float)(d <= 500 ? kph : laterKph), 1, 0, 0, 7, d, 0));
        }

        return new StoredTrace(id, 5, points);
    }

    [Fact]
    public void Time_at_a_distance_interpolates_between_points_and_is_unknown_outside_the_trace()
    {
        var points = new List<TracePoint> { new(10, 1000, 0, 0, 0, 0, 0, 0, 0), new(15, 1100, 0, 0, 0, 0, 0, 0, 0), new(20, 1300, 0, 0, 0, 0, 0, 0, 0) };
        Assert.Equal(1050, LapComparison.TimeAt(points, 12.5));
        Assert.Equal(1200, LapComparison.TimeAt(points, 17.5));
        Assert.Equal(1300, LapComparison.TimeAt(points, 20));
        Assert.Null(LapComparison.TimeAt(points, 9.9));
        Assert.Null(LapComparison.TimeAt(points, 20.1));
        Assert.Null(LapComparison.TimeAt([], 0));
    }

    [Fact]
    public void The_delta_grows_where_a_lap_is_slower_and_the_map_gives_each_stretch_to_the_quicker_lap()
    {
        // Lap 2 matches lap 1 to 500 m, then runs 180 instead of 200 km/h: 500 m at 180 km/h is 1.000 s slower than at 200.
        var comparison = LapComparison.Build([(Summary(1, 0), Straight(1, 200, 200)), (Summary(2, 1), Straight(2, 200, 180))]);

        var (reference, slower) = (comparison.Laps[0], comparison.Laps[1]);
        Assert.All(reference.Delta, p => Assert.Equal(0, p.DeltaS, 3));
        Assert.Equal(1.0, slower.FinalDeltaS!.Value, 2);
        Assert.All(slower.Delta.Where(p => p.DistanceM <= 500), p => Assert.Equal(0, p.DeltaS, 2));
        Assert.Equal(0.52, slower.Delta.Single(p => p.DistanceM == 760).DeltaS, 2);

        // A point every display step for the charts, and the last point always.
        Assert.Equal(1000 / (int)LapComparison.DisplayStepM + 1, slower.Points.Count);
        Assert.Equal(1000, slower.Points[^1].DistanceM);
        Assert.Equal(100, slower.Points[0].ThrottlePct);

        // 20 stretches of 50 m; after 500 m every one is the reference lap's, by 0.1 s each.
        Assert.Equal(20, comparison.Segments.Count);
        Assert.All(comparison.Segments.Where(s => s.FromM >= 500), s =>
        {
            Assert.Equal(0, s.FastestLap);
            Assert.Equal(0.1, s.GainS, 2);
        });
        Assert.NotEqual("0 0 1 1", comparison.MapViewBox);
    }

    [Fact]
    public void A_lap_that_does_not_cover_a_stretch_takes_no_part_in_it()
    {
        var partial = Straight(2, 300, 300);
        var cut = new StoredTrace(2, 5, partial.Points.Where(p => p.DistanceM <= 300).ToList());
        var comparison = LapComparison.Build([(Summary(1, 0), Straight(1, 200, 200)), (Summary(2, 1), cut)]);

        Assert.All(comparison.Segments.Where(s => s.ToM <= 300), s => Assert.Equal(1, s.FastestLap));
        Assert.All(comparison.Segments.Where(s => s.FromM >= 300), s => Assert.Equal((0, 0.0), (s.FastestLap, s.GainS)));
        Assert.Equal(300, comparison.Laps[1].Delta[^1].DistanceM);
    }
}
