namespace FormulaTel.Web.Live;

/// <summary>Where the live view's frames come from: Kafka (full stack) or rpc's watch stream (embedded stack).</summary>
public interface IFrameFeed
{
    bool Connected { get; }

    long FramesReceived { get; }

    string Description { get; }
}
