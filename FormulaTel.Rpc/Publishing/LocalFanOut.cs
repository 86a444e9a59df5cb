using System.Threading.Channels;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Gateway;

namespace FormulaTel.Rpc.Publishing;

/// <summary>
/// Hands every published frame to each watcher whose filter matches. Each watcher has its own bounded queue:
/// a slow one loses its oldest frames (counted) and never slows publishers or other watchers.
/// </summary>
public sealed class LocalFanOut(RpcMetrics metrics) : ITelemetryPublisher
{
    public const int WatcherQueueCapacity = 20_000;

    private readonly Lock _lock = new();
    private WatchSubscription[] _subscriptions = [];

    public int WatcherCount => Volatile.Read(ref _subscriptions).Length;

    public ValueTask PublishAsync(IReadOnlyList<PublishedFrame> frames, CancellationToken cancellationToken)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var subscription in subscriptions)
        {
            foreach (var frame in frames)
            {
                if (subscription.Matches(frame.Header) && subscription.Thinning?.Pass(frame.Header) != false)
                {
                    subscription.Writer.TryWrite(frame);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public WatchSubscription Subscribe(WatchRequest filter)
    {
        var subscription = new WatchSubscription(filter, this, metrics);
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
    }
}

/// <summary>One watcher's filter and queue; dispose to stop watching.</summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly WatchRequest _filter;
    private readonly LocalFanOut _owner;
    private readonly Channel<PublishedFrame> _queue;

    internal WatchSubscription(WatchRequest filter, LocalFanOut owner, RpcMetrics metrics)
    {
        _filter = filter;
        _owner = owner;
        Thinning = filter is { HasMaxFramesPerSecond: true, MaxFramesPerSecond: > 0 } ? new FrameThinning(filter.MaxFramesPerSecond, metrics.WatchThinningCleared) : null;
        _queue = Channel.CreateBounded<PublishedFrame>(
            new BoundedChannelOptions(LocalFanOut.WatcherQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => metrics.WatchFrameDropped());
    }

    internal ChannelWriter<PublishedFrame> Writer => _queue.Writer;

    /// <summary>Set when the watcher asked for at most so many frames a second per car and payload.</summary>
    internal FrameThinning? Thinning { get; }

    public ChannelReader<PublishedFrame> Reader => _queue.Reader;

    public bool Matches(FrameHeader header) =>
        (_filter.SourceId.Length == 0 || _filter.SourceId == header.SourceId)
        && (!_filter.HasSessionUid || _filter.SessionUid == header.SessionUid)
        && (!_filter.HasCarIndex || _filter.CarIndex == header.CarIndex);

    public void Dispose()
    {
        _owner.Unsubscribe(this);
        _queue.Writer.TryComplete();
    }
}
