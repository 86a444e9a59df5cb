using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;

namespace FormulaTel.Ingest;

/// <summary>The game families ingest reads, in the order they are asked: the one list the service, the command line and
/// the tests build their decoders from.</summary>
public static class KnownGames
{
    /// <summary>Decoders with state of their own (F1's active cars; Forza's sessions, given when someone else counts them).</summary>
    public static GameDecoders Create(ForzaSessions? forzaSessions = null) =>
        new([new F1Game(new F1FrameMapper(new F1ActiveCars())), new ForzaGame(new ForzaFrameMapper(forzaSessions ?? new ForzaSessions()))]);
}
