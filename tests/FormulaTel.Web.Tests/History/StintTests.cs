using FormulaTel.Web.History;

namespace FormulaTel.Web.Tests.History;

public sealed class StintTests
{
    private static StoredLap Lap(uint number, string compound, uint ms, bool pitIn = false, bool pitOut = false, bool valid = true, float wear = 0) =>
        new(number, 0, "ALBON", number, ms, 0, 0, 0, valid, "complete", 1, compound, number, wear, wear, wear, wear, 10, pitIn, pitOut,
            false, false, false, false, false, false, false, false);

    [Fact]
    public void Laps_are_cut_at_the_pit_in_and_the_average_leaves_out_in_out_and_invalid_laps()
    {
        var stints = Stint.From(
        [
            Lap(1, "C3", 92_000), Lap(2, "C3", 90_000), Lap(3, "C3", 91_000, valid: false), Lap(4, "C3", 110_000, pitIn: true, wear: 0.4f),
            Lap(5, "C2", 100_000, pitOut: true), Lap(6, "C2", 89_000), Lap(7, "C2", 89_500, wear: 0.1f),
        ]);

        Assert.Equal(2, stints.Count);
        Assert.Equal((1, "C3", 1u, 4u, 4, 91_000u, 0.4f), (stints[0].Number, stints[0].TyreCompound, stints[0].FirstLap, stints[0].LastLap, stints[0].Laps, stints[0].AverageLapMs, stints[0].WearEnd));
        Assert.Equal((2, "C2", 5u, 7u, 3, 89_250u), (stints[1].Number, stints[1].TyreCompound, stints[1].FirstLap, stints[1].LastLap, stints[1].Laps, stints[1].AverageLapMs));
    }

    [Fact]
    public void A_change_of_compound_without_a_recorded_pit_in_starts_a_stint_and_no_laps_make_none()
    {
        Assert.Equal(2, Stint.From([Lap(1, "C3", 90_000), Lap(2, "C1", 91_000)]).Count);
        Assert.Empty(Stint.From([]));
        Assert.Null(Stint.From([Lap(1, "C3", 120_000, pitIn: true)])[0].AverageLapMs);
    }
}
