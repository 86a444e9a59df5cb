using FormulaTel.History.Laps;

namespace FormulaTel.History.Tests.Laps;

/// <summary>Keeps what the builder hands on, for the tests to look at.</summary>
internal sealed class RecordingSink : IHistorySink
{
    public List<SessionInfo> Sessions { get; } = [];
    public List<CarInfo> Cars { get; } = [];
    public List<LapWrite> Laps { get; } = [];
    public List<ClassificationWrite> Results { get; } = [];

    public void Session(SessionInfo session) => Sessions.Add(session);
    public void Car(CarInfo car) => Cars.Add(car);
    public void Lap(LapWrite lap) => Laps.Add(lap);
    public void Classification(ClassificationWrite result) => Results.Add(result);
}
