namespace FormulaTel.Insights;

/// <summary>
/// One car's laps in order, cut into stints: a new set of tyres (their age going back, or every wheel's wear falling)
/// starts a stint, and a flashback (a lap finished again, or an earlier one) takes back the laps after it. Bounded:
/// a race's laps at most (<see cref="MaxLaps"/>), the oldest forgotten first.
/// </summary>
public sealed class StintTracker
{
    public const int MaxLaps = 200;

    private readonly List<LapSample> _laps = [];
    private int _stintStart;

    /// <summary>Every lap kept, this stint's and the ones before (fuel is read across stints).</summary>
    public IReadOnlyList<LapSample> Laps => _laps;

    /// <summary>The current stint's laps.</summary>
    public IReadOnlyList<LapSample> Stint => _laps.GetRange(_stintStart, _laps.Count - _stintStart);

    /// <summary>Laps taken back by flashbacks.</summary>
    public int LapsTakenBack { get; private set; }

    /// <summary>Stints started after the first (pit stops for tyres).</summary>
    public int Stops { get; private set; }

    public void Add(LapSample lap)
    {
        // A flashback: the game went back to before this lap; what came after it did not happen.
        var back = _laps.FindIndex(l => l.Lap >= lap.Lap);
        if (back >= 0)
        {
            LapsTakenBack += _laps.Count - back;
            _laps.RemoveRange(back, _laps.Count - back);
        }

        _laps.Add(lap);
        if (_laps.Count > MaxLaps)
        {
            _laps.RemoveAt(0);
        }

        // Stints from the laps kept: cheap at a race's length, and right after a flashback took a stop back.
        (_stintStart, Stops) = (0, 0);
        for (var i = 1; i < _laps.Count; i++)
        {
            if (StartsStint(_laps[i - 1], _laps[i]))
            {
                (_stintStart, Stops) = (i, Stops + 1);
            }
        }
    }

    private static bool StartsStint(LapSample before, LapSample after) =>
        after.TyreAgeLaps < before.TyreAgeLaps || Enumerable.Range(0, Math.Min(before.TyreWear.Count, after.TyreWear.Count)).All(w => after.TyreWear[w] < before.TyreWear[w] - 0.05);
}
