using FormulaTel.Rpc.Gateway;

namespace FormulaTel.Rpc.Publishing;

/// <summary>Where rpc sends accepted frames: local watchers (embedded stack) or Kafka (full stack, later).</summary>
public interface ITelemetryPublisher
{
    /// <summary>Completes once the frames are safely handed on; only then is the batch acknowledged.</summary>
    ValueTask PublishAsync(IReadOnlyList<PublishedFrame> frames, CancellationToken cancellationToken);
}
