namespace FormulaTel.Web.Live;

/// <summary>Where the live view's frames come from: Kafka (full stack) or rpc's watch stream (embedded stack).</summary>
public interface IFrameFeed
{
    bool Connected { get; }

    long FramesReceived { get; }

    string Description { get; }

    /// <summary>
    /// Completes once a just-watched car's frames come in at full rate (at once for a feed that takes everything),
    /// or after <paramref name="patience"/>.
    /// </summary>
    Task FollowingAsync(CarKey car, TimeSpan patience) => Task.CompletedTask;
}
