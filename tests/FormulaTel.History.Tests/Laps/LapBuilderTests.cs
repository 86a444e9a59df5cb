using System.Diagnostics.Metrics;
using FormulaTel.History.Laps;
using FormulaTel.Protos.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.History.Tests.Laps;

public sealed class LapBuilderTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RecordingSink _sink = new();
    private readonly FakeTimeProvider _time = new();
    private readonly HistoryMetrics _metrics;
    private readonly LapBuilder _builder;
    private readonly Frames _frames = new();

    public LapBuilderTests()
    {
        _metrics = new HistoryMetrics(_services.GetRequiredService<IMeterFactory>());
        _builder = new LapBuilder(_sink, _metrics, Options.Create(new LapBuilderOptions { MaxSessions = 2, SessionIdleTimeout = TimeSpan.FromSeconds(60) }), _time);
    }

    public void Dispose() => _services.Dispose();

    private void Apply(IEnumerable<TelemetryFrame> frames)
    {
        foreach (var frame in frames)
        {
            _builder.Apply(frame);
        }
    }

    [Fact]
    public void A_lap_driven_to_the_line_is_stored_with_the_games_time_sectors_trace_and_the_cars_state()
    {
        Apply([_frames.Session(), _frames.Participant(0, "ALBON"), _frames.Status(0, fuel: 20), _frames.Damage(0, 0.10f)]);
        Apply(_frames.Drive(0, 1, 0, 5000, s1: 30_000));
        Apply([_frames.Status(0, fuel: 18.5f, age: 3), _frames.Damage(0, 0.12f)]);
        Apply([_frames.Telemetry(0, 250), _frames.Lap(0, 2, 4, 80, lastMs: 100_250, s2: 0, position: 3)]);

        var lap = Assert.Single(_sink.Laps);
        Assert.Equal((1u, LapStatus.Complete, TimeSource.LapData, 100_250u, 30_000u), (lap.LapNumber, lap.Status, lap.TimeSource, lap.LapTimeMs, lap.Sector1Ms));
        Assert.True(lap.Valid);
        Assert.Equal(3u, lap.Position);
        Assert.Equal((20f, 18.5f, "C3", 3u), (lap.FuelStartKg, lap.FuelEndKg, lap.TyreCompound, lap.TyreAgeLaps));
        Assert.Equal(0.11f, lap.WearStart, 3);
        Assert.Equal(0.13f, lap.WearEnd[2], 3);
        // The trace covers the lap: 0 to 5,000 m every 5 m, ending at the lap's time on the line.
        Assert.True(lap.TraceCoverage > 0.99, $"coverage {lap.TraceCoverage}");
        Assert.Equal(0, lap.Trace!.Points[0].DistanceM);
        Assert.Equal(5000, lap.Trace.Points[^1].DistanceM);
        Assert.Equal(100_250u, lap.Trace.Points[^1].TimeMs);
        Assert.Equal(1001, lap.Trace.Points.Length);
        Assert.Contains(_sink.Cars, c => c.Driver == "ALBON" && c.IsPlayer);
        Assert.Contains(_sink.Sessions, s => s.Track == "Silverstone" && s.SessionType == "race" && s.Game == "F1 24");
    }

    [Fact]
    public void An_invalidated_lap_is_stored_invalid_and_a_pit_lap_is_marked()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 2000));
        Apply([_frames.Lap(0, 1, 2000, 40_000, invalid: true)]);
        Apply(_frames.Drive(0, 1, 2010, 5000));
        Apply([_frames.Lap(0, 1, 4990, 99_000, pit: PitStatus.Pitting)]);
        Apply([_frames.Lap(0, 2, 5, 100, lastMs: 101_000, pit: PitStatus.Pitting)]);
        Apply(_frames.Drive(0, 2, 20, 5000));
        Apply([_frames.Lap(0, 3, 5, 100, lastMs: 120_000)]);

        Assert.Equal(2, _sink.Laps.Count);
        Assert.False(_sink.Laps[0].Valid);
        Assert.True(_sink.Laps[0].PitIn);
        Assert.False(_sink.Laps[0].PitOut);
        Assert.True(_sink.Laps[1].PitOut);
        Assert.True(_sink.Laps[1].Valid);
    }

    [Fact]
    public void A_flashback_within_a_lap_drives_the_rewound_part_again()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 3000));
        // Back 600 m, then on to the line: the trace has the second attempt from 2,400 m, not both.
        Apply(_frames.Drive(0, 1, 2400, 5000).Select(f =>
        {
            if (f.Lap is { } l)
            {
                l.CurrentLapTimeMs += 7_000;
            }

            return f;
        }));
        Apply([_frames.Lap(0, 2, 5, 100, lastMs: 107_100)]);

        var lap = Assert.Single(_sink.Laps);
        Assert.Equal(LapStatus.Complete, lap.Status);
        var at2500 = lap.Trace!.Points.Single(p => p.DistanceM == 2500);
        Assert.Equal(2500 / 50 * 1000 + 7000, (int)at2500.TimeMs);
        Assert.True(lap.Trace.Points.Zip(lap.Trace.Points.Skip(1)).All(p => p.Second.TimeMs >= p.First.TimeMs), "times rise along the lap");
    }

    [Fact]
    public void A_flashback_to_the_previous_lap_stores_the_unfinished_lap_as_cut_short()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 5000));
        Apply([_frames.Lap(0, 2, 5, 100, lastMs: 100_000)]);
        Apply(_frames.Drive(0, 2, 10, 800));
        Apply([_frames.Lap(0, 1, 4800, 96_000)]);

        Assert.Equal(2, _sink.Laps.Count);
        var cut = _sink.Laps[1];
        Assert.Equal((2u, LapStatus.Flashback, 0u, false), (cut.LapNumber, cut.Status, cut.LapTimeMs, cut.Valid));
        Assert.InRange(cut.TraceCoverage, 0.1, 0.2);
    }

    [Fact]
    public void Retirement_and_the_end_of_the_session_store_the_laps_in_progress_marked()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 1000));
        Apply(_frames.Drive(1, 1, 0, 2000));
        Apply([_frames.Lap(1, 1, 2000, 40_000, result: ResultStatus.Retired)]);
        Apply(_frames.Drive(1, 1, 2000, 2500)); // a retired car's frames add nothing
        Apply([_frames.Event(RaceEventKind.RaceEventSessionEnded)]);

        Assert.Equal(2, _sink.Laps.Count);
        Assert.Contains(_sink.Laps, l => l.CarIndex == 1 && l.Status == LapStatus.Retired);
        Assert.Contains(_sink.Laps, l => l.CarIndex == 0 && l.Status == LapStatus.SessionEnded && l.LapTimeMs == 0);
    }

    [Fact]
    public void The_games_own_record_of_finished_laps_is_handed_on_once_per_change()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 5000));
        Apply([_frames.Lap(0, 2, 5, 100, lastMs: 100_000)]);
        Apply(_frames.Drive(0, 2, 10, 100));
        // Lap 1 as the game records it, and lap 2 in progress (not finished: not the game's word yet).
        var record = (99_950u, 30_000u, 35_000u, 34_950u, true);
        Apply([_frames.History(0, record, (20_000u, 0u, 0u, 0u, true)), _frames.History(0, record, (21_000u, 0u, 0u, 0u, true))]);

        var fromGame = Assert.Single(_sink.Laps, l => l.TimeSource == TimeSource.GameHistory);
        Assert.Equal((1u, 99_950u, 34_950u, false), (fromGame.LapNumber, fromGame.LapTimeMs, fromGame.Sector3Ms, fromGame.HasDetail));
    }

    [Fact]
    public void A_silent_session_ends_after_the_idle_timeout_and_the_oldest_gives_way_past_the_cap()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 1000));
        _time.Advance(TimeSpan.FromSeconds(61));
        _builder.EndIdleSessions();
        Assert.Equal(0, _builder.LiveSessions);
        Assert.Contains(_sink.Laps, l => l.Status == LapStatus.SessionEnded);

        // Three sessions with a cap of two: the least recently seen gives way once it has been quiet long enough.
        foreach (var uid in new ulong[] { 1, 2, 3 })
        {
            var other = new Frames(session: uid);
            Apply([other.Session()]);
            _time.Advance(TimeSpan.FromSeconds(11));
        }

        Assert.Equal(2, _builder.LiveSessions);
        Assert.False(_builder.Holds(new SessionKey(Frames.Source, 1)));
        Assert.True(_builder.Holds(new SessionKey(Frames.Source, 3)));
    }

    [Fact]
    public void Past_the_cap_a_new_session_is_refused_and_counted_while_every_held_one_is_still_sending()
    {
        var (first, second, third) = (new Frames(session: 1), new Frames(session: 2), new Frames(session: 3));
        Apply([first.Session(), second.Session()]);
        Apply(first.Drive(0, 1, 0, 1000));
        _time.Advance(TimeSpan.FromSeconds(1));

        // Both held sessions sent a second ago: the third is refused rather than cutting a lap of one still racing.
        Apply([third.Session(), .. third.Drive(0, 1, 0, 500)]);
        Assert.True(_builder.Holds(new SessionKey(Frames.Source, 1)));
        Assert.True(_builder.Holds(new SessionKey(Frames.Source, 2)));
        Assert.False(_builder.Holds(new SessionKey(Frames.Source, 3)));
        Assert.DoesNotContain(_sink.Laps, l => l.Status == LapStatus.SessionEnded);
        Assert.True(_metrics.Dropped > 0);
    }

    [Fact]
    public void A_lap_finished_before_the_sessions_details_arrive_has_its_coverage_from_its_own_length()
    {
        // A reader that came in mid-session: the car's frames, but no session frame yet (no track length).
        Apply(_frames.Drive(0, 1, 0, 5000));
        Apply([_frames.Lap(0, 2, 4, 80, lastMs: 100_000)]);
        var lap = Assert.Single(_sink.Laps);
        Assert.Equal((LapStatus.Complete, 100_000u), (lap.Status, lap.LapTimeMs));
        Assert.True(lap.TraceCoverage > 0.99, $"coverage {lap.TraceCoverage}");
    }

    [Fact]
    public void A_forgotten_session_stores_nothing_more_when_it_goes_quiet()
    {
        Apply([_frames.Session()]);
        Apply(_frames.Drive(0, 1, 0, 1000));
        Assert.True(_builder.Forget(new SessionKey("192.168.1.20:50000", 42)));
        _time.Advance(TimeSpan.FromSeconds(61));
        _builder.EndIdleSessions();
        _builder.EndAll();
        Assert.Empty(_sink.Laps);
        Assert.Equal(0, _builder.LiveSessions);
    }

    [Fact]
    public void Frames_without_a_session_are_ignored()
    {
        var lobby = new Frames(session: 0);
        Apply([lobby.Session(), .. lobby.Drive(0, 1, 0, 5000), lobby.Lap(0, 2, 5, 100, lastMs: 100_000)]);
        Assert.Empty(_sink.Laps);
        Assert.Empty(_sink.Sessions);
    }
}
