using FormulaTel.History.Laps;
using FormulaTel.History.Storage;

namespace FormulaTel.History.Feed;

/// <summary>
/// The writer, noting which cars had a lap handed on (and taken: a lap the full queue refused is not noted, so its
/// frames stay uncommitted). The Kafka reader drains the notes after each frame to move its commit point.
/// </summary>
public sealed class LapNotingSink(HistoryWriter writer) : IHistorySink
{
    private readonly List<CarRef> _laps = [];

    public void Session(SessionInfo session) => writer.Session(session);

    public void Car(CarInfo car) => writer.Car(car);

    public void Classification(ClassificationWrite result) => writer.Classification(result);

    public void Lap(LapWrite lap)
    {
        var dropped = writer.Dropped;
        writer.Lap(lap);
        if (writer.Dropped == dropped)
        {
            _laps.Add(new CarRef(lap.Session, lap.CarIndex));
        }
    }

    /// <summary>The cars with a lap handed on since the last call, and the writer's sequence that covers them.</summary>
    public (IReadOnlyList<CarRef> Cars, long Sequence) Drain()
    {
        if (_laps.Count == 0)
        {
            return ([], writer.Accepted);
        }

        var cars = _laps.ToArray();
        _laps.Clear();
        return (cars, writer.Accepted);
    }
}
