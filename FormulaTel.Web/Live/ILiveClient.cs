namespace FormulaTel.Web.Live;

/// <summary>
/// What the live hub sends to its clients (docs/live-hub.md): the method names are the messages' names on the
/// wire, the payloads the contract records in LiveModels.cs.
/// </summary>
public interface ILiveClient
{
    /// <summary>A subscribed car's latest state, at most 60 times a second per car.</summary>
    Task CarState(CarState state);

    /// <summary>The live sessions, whenever they change.</summary>
    Task Sessions(IReadOnlyList<SessionSummary> sessions);
}
