using FormulaTel.History.Laps;

namespace FormulaTel.History.Feed;

/// <summary>Where history's frames come from: rpc's watch stream (embedded stack) or its Kafka consumer group (full stack).</summary>
public interface IHistoryFeed
{
    bool Connected { get; }

    string Description { get; }

    /// <summary>Drops a session being built, unwritten (it was deleted).</summary>
    void Forget(SessionKey session);
}
