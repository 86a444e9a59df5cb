namespace FormulaTel.Web.History;

/// <summary>A run of laps on one set of tyres: from the first lap after a stop (or the start) to the lap into the pits.</summary>
public sealed record Stint(int Number, string TyreCompound, uint FirstLap, uint LastLap, int Laps, uint? AverageLapMs, float WearEnd)
{
    /// <summary>One car's laps (in lap order) cut into stints at pit-ins and changes of compound.</summary>
    public static IReadOnlyList<Stint> From(IReadOnlyList<StoredLap> laps)
    {
        var stints = new List<Stint>();
        var run = new List<StoredLap>();
        foreach (var lap in laps)
        {
            if (run.Count > 0 && (run[^1].PitIn || run[^1].TyreCompound != lap.TyreCompound))
            {
                stints.Add(Make(stints.Count + 1, run));
                run.Clear();
            }

            run.Add(lap);
        }

        if (run.Count > 0)
        {
            stints.Add(Make(stints.Count + 1, run));
        }

        return stints;
    }

    // The average over valid complete laps only: an in-lap, an out-lap or a cut lap says little about pace.
    private static Stint Make(int number, List<StoredLap> run)
    {
        var clean = run.Where(l => l.Valid && l.Status == "complete" && l.LapTimeMs > 0 && !l.PitIn && !l.PitOut).ToList();
        return new Stint(number, run[0].TyreCompound, run[0].LapNumber, run[^1].LapNumber, run.Count,
            clean.Count == 0 ? null : (uint)clean.Average(l => l.LapTimeMs), run[^1].MaxWear);
    }
}
