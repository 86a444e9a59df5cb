using System.Threading.Channels;
using FormulaTel.Protos.V1;

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

    public ValueTask PublishAsync(IReadOnlyList<TelemetryFrame> frames, CancellationToken cancellationToken)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var subscription in subscriptions)
        {
            foreach (var frame in frames)
            {
                if (subscription.Matches(frame.Envelope))
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
    private readonly Channel<TelemetryFrame> _queue;

    internal WatchSubscription(WatchRequest filter, LocalFanOut owner, RpcMetrics metrics)
    {
        _filter = filter;
        _owner = owner;
        _queue = Channel.CreateBounded<TelemetryFrame>(
            new BoundedChannelOptions(LocalFanOut.WatcherQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => metrics.WatchFrameDropped());
    }

    internal ChannelWriter<TelemetryFrame> Writer => _queue.Writer;

    public ChannelReader<TelemetryFrame> Reader => _queue.Reader;

    public bool Matches(Envelope envelope) =>
        (_filter.SourceId.Length == 0 || _filter.SourceId == envelope.SourceId)
        && (!_filter.HasSessionUid || _filter.SessionUid == envelope.SessionUid)
        && (!_filter.HasCarIndex || _filter.CarIndex == envelope.CarIndex);

    public void Dispose()
    {
        _owner.Unsubscribe(this);
        _queue.Writer.TryComplete();
    }
}
