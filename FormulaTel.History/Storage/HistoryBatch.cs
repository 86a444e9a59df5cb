using FormulaTel.History.Laps;

namespace FormulaTel.History.Storage;

/// <summary>What the writer gathered since its last write; stored in one transaction.</summary>
public sealed class HistoryBatch
{
    public List<SessionInfo> Sessions { get; } = [];
    public List<CarInfo> Cars { get; } = [];
    public List<LapWrite> Laps { get; } = [];
    public List<ClassificationWrite> Results { get; } = [];

    public int Count => Sessions.Count + Cars.Count + Laps.Count + Results.Count;

    public void Clear()
    {
        Sessions.Clear();
        Cars.Clear();
        Laps.Clear();
        Results.Clear();
    }
}
