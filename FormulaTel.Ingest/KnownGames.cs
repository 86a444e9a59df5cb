using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;

namespace FormulaTel.Ingest;

/// <summary>The game families ingest reads, for the command line and tests (the service gets them from its DI wiring).</summary>
public static class KnownGames
{
    /// <summary>Fresh decoders with state of their own (F1's active cars, Forza's sessions).</summary>
    public static GameDecoders Create() =>
        new([new F1Game(new F1FrameMapper(new F1ActiveCars())), new ForzaGame(new ForzaFrameMapper(new ForzaSessions()))]);
}
