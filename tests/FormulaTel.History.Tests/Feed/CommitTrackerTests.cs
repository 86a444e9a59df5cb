using FormulaTel.History.Feed;
using FormulaTel.History.Laps;

namespace FormulaTel.History.Tests.Feed;

public sealed class CommitTrackerTests
{
    private static readonly SessionKey Session = new("192.168.1.20:50000", 42);
    private static readonly CarRef A = new(Session, 0);
    private static readonly CarRef B = new(Session, 1);

    [Fact]
    public void A_partition_is_committed_up_to_the_oldest_frame_a_lap_in_progress_needs_and_only_once_its_lap_is_written()
    {
        var tracker = new CommitTracker(maxCars: 100);
        tracker.Read(A, 0, 10);
        tracker.Read(B, 0, 11);
        tracker.Read(A, 0, 12);
        Assert.Equal(10, tracker.Committable()[0]);

        // A completes a lap on offset 20, handed to the writer as item 5: nothing moves until item 5 is written.
        tracker.Read(A, 0, 20);
        tracker.LapHandedOn(A, 20, sequence: 5);
        tracker.Written(4);
        Assert.Equal(10, tracker.Committable()[0]);
        tracker.Written(5);
        Assert.Equal(11, tracker.Committable()[0]);

        // B's session ends; once its last laps are written, nothing of B holds the partition back.
        tracker.Ended(B, sequence: 6);
        tracker.Ended(B, sequence: 7);
        tracker.Written(6);
        Assert.Equal(20, tracker.Committable()[0]);
        Assert.Single(tracker.TrackedCars());
    }

    [Fact]
    public void Partitions_are_apart_a_revoked_one_is_forgotten_and_past_the_cap_cars_are_counted_not_tracked()
    {
        var tracker = new CommitTracker(maxCars: 1);
        tracker.Read(A, 0, 5);
        tracker.Read(B, 1, 7);
        tracker.Read(B, 1, 8);
        Assert.Equal((5L, 9L), (tracker.Committable()[0], tracker.Committable()[1]));
        Assert.Equal(2, tracker.Untracked);

        tracker.Revoked([0]);
        Assert.False(tracker.Committable().ContainsKey(0));
        Assert.Equal(0, tracker.Cars);
    }
}
