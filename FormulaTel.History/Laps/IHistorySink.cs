namespace FormulaTel.History.Laps;

/// <summary>Where the lap builder hands what it has built (the store's writer).</summary>
public interface IHistorySink
{
    void Session(SessionInfo session);
    void Car(CarInfo car);
    void Lap(LapWrite lap);
    void Classification(ClassificationWrite result);
}
