using FormulaTel.Ingest.Replay;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>When replay sends each datagram, checked on the computed schedule, not on the wall clock.</summary>
public class ReplayScheduleTests
{
    private static readonly long Start = new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero).UtcTicks;

    private static readonly TimeSpan[] Recorded =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(16.7), TimeSpan.FromMilliseconds(33.3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(750), TimeSpan.FromSeconds(751.5)];

    private static List<TimeSpan?> Schedule(double? speed, TimeSpan from, IEnumerable<TimeSpan> offsets)
    {
        var schedule = new ReplaySchedule(speed, from);
        return [.. offsets.Select(o => schedule.TrySchedule(Start + o.Ticks, out var due) ? due : (TimeSpan?)null)];
    }

    [Fact]
    public void At_speed_1_each_datagram_goes_at_its_recorded_offset()
    {
        Assert.Equal(Recorded.Select(r => (TimeSpan?)r), Schedule(1, TimeSpan.Zero, Recorded));
    }

    [Fact]
    public void At_speed_4_the_schedule_is_a_quarter_of_the_recording()
    {
        Assert.Equal(Recorded.Select(r => (TimeSpan?)(r / 4)), Schedule(4, TimeSpan.Zero, Recorded));
    }

    [Fact]
    public void At_max_speed_everything_goes_at_once()
    {
        Assert.All(Schedule(null, TimeSpan.Zero, Recorded), due => Assert.Equal(TimeSpan.Zero, due));
    }

    [Fact]
    public void From_skips_what_came_before_and_starts_the_clock_there()
    {
        var due = Schedule(2, TimeSpan.FromSeconds(750), Recorded);
        Assert.Equal([null, null, null, null, TimeSpan.Zero, TimeSpan.FromSeconds(0.75)], due);
    }

    [Fact]
    public void A_datagram_recorded_before_the_one_before_it_goes_in_file_order_at_once()
    {
        var due = Schedule(1, TimeSpan.Zero, [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2)]);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], due);
    }

    [Theory]
    [InlineData("max", null)]
    [InlineData("MAX", null)]
    [InlineData("1", 1.0)]
    [InlineData("4", 4.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("4x", 4.0)]
    public void Speeds_parse(string text, double? expected)
    {
        Assert.True(ReplaySchedule.TryParseSpeed(text, out var speed));
        Assert.Equal(expected, speed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("fast")]
    [InlineData("NaN")]
    public void Bad_speeds_do_not(string text) => Assert.False(ReplaySchedule.TryParseSpeed(text, out _));

    [Theory]
    [InlineData("750", 750)]
    [InlineData("90.5", 90.5)]
    [InlineData("12:30", 750)]
    [InlineData("1:02:30", 3750)]
    [InlineData("0:05", 5)]
    public void Offsets_parse(string text, double seconds)
    {
        Assert.True(ReplaySchedule.TryParseOffset(text, out var offset));
        Assert.Equal(TimeSpan.FromSeconds(seconds), offset);
    }

    [Theory]
    [InlineData("12:75")]
    [InlineData("1:2:3:4")]
    [InlineData("-5")]
    [InlineData("1.5:00")]
    [InlineData("soon")]
    public void Bad_offsets_do_not(string text) => Assert.False(ReplaySchedule.TryParseOffset(text, out _));
}
