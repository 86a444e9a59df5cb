using System.Diagnostics.Metrics;
using FormulaTel.Protos.V1;

namespace FormulaTel.Rpc;

/// <summary>
/// rpc's pipeline instruments (meter "FormulaTel.Rpc"): frames by game and payload, rejects, acknowledgements,
/// watch drops, publish streams, Kafka. The telemetry itself is measured by <see cref="SpecMetrics"/>.
/// </summary>
public sealed class RpcMetrics
{
    public const string MeterName = "FormulaTel.Rpc";

    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesRejected;
    private readonly Counter<long> _callsRefused;
    private long _callsRefusedTotal;
    private readonly Counter<long> _batchesAcknowledged;
    private readonly Counter<long> _watchFramesDropped;
    private readonly UpDownCounter<long> _publishStreams;
    private readonly Counter<long> _kafkaFrames;
    private readonly Counter<long> _kafkaErrors;
    private long _kafkaFramesTotal;
    private long _kafkaDroppedTotal;
    private long _framesReceivedTotal;
    private long _framesRejectedTotal;
    private long _watchFramesDroppedTotal;
    private long _watchThinningClearedTotal;

    public RpcMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _framesReceived = meter.CreateCounter<long>("formulatel.rpc.frames.received", "{frame}", "Frames accepted from publishers, by game and payload kind.");
        _framesRejected = meter.CreateCounter<long>("formulatel.rpc.frames.rejected", "{frame}", "Frames refused, by reason.");
        _callsRefused = meter.CreateCounter<long>("formulatel.rpc.calls.refused", "{call}",
            "Publish and Watch calls refused, by reason: unauthenticated (no or an unknown key), permission_denied (a key of the other role), stream_cap, batch_too_large.");
        _batchesAcknowledged = meter.CreateCounter<long>("formulatel.rpc.batches.acknowledged", "{batch}", "Batches acknowledged to publishers.");
        _watchFramesDropped = meter.CreateCounter<long>("formulatel.rpc.watch.frames.dropped", "{frame}", "Frames a slow watcher lost.");
        _publishStreams = meter.CreateUpDownCounter<long>("formulatel.rpc.publish.streams", "{stream}", "Open publish streams.");
        _kafkaFrames = meter.CreateCounter<long>("formulatel.rpc.kafka.frames.published", "{frame}", "Frames Kafka accepted.");
        // Observed from the total so the series exists (at 0) before the first drop.
        meter.CreateObservableCounter("formulatel.rpc.kafka.frames.dropped",
            () => new Measurement<long>(Interlocked.Read(ref _kafkaDroppedTotal), new KeyValuePair<string, object?>("reason", "message_too_large")),
            "{frame}", "Frames that can never be published (too large for Kafka), by reason.");
        meter.CreateObservableCounter("formulatel.rpc.watch.thinning.cleared", () => Interlocked.Read(ref _watchThinningClearedTotal), "{clear}",
            "Times a thinned watcher's memory of cars reached its cap and started again.");
        meter.CreateObservableCounter("formulatel.rpc.source_ids.cleared", () => FrameHeaderReader.SourceIdsCleared, "{clear}",
            "Times the cache of frames' source ids reached its cap and was emptied.");
        _kafkaErrors = meter.CreateCounter<long>("formulatel.rpc.kafka.errors", "{error}", "Failed deliveries (the batch is sent again), by error code.");
    }

    public long FramesReceivedTotal => Interlocked.Read(ref _framesReceivedTotal);

    /// <summary>Calls refused before they reached the gateway (or ended by it for a limit), by reason.</summary>
    public long CallsRefusedTotal => Interlocked.Read(ref _callsRefusedTotal);

    public void CallRefused(string reason)
    {
        Interlocked.Increment(ref _callsRefusedTotal);
        _callsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }
    public long FramesRejectedTotal => Interlocked.Read(ref _framesRejectedTotal);
    public long WatchFramesDroppedTotal => Interlocked.Read(ref _watchFramesDroppedTotal);

    public void FrameReceived(TelemetryFrame frame) => FrameReceived(FrameHeader.From(frame));

    public void FrameReceived(FrameHeader header)
    {
        Interlocked.Increment(ref _framesReceivedTotal);
        _framesReceived.Add(1,
            new KeyValuePair<string, object?>("game", header.Game.ToString()),
            new KeyValuePair<string, object?>("payload", header.Payload.ToString()));
    }

    public void FrameRejected(string reason)
    {
        Interlocked.Increment(ref _framesRejectedTotal);
        _framesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void BatchAcknowledged() => _batchesAcknowledged.Add(1);

    /// <summary>A thinned watcher's memory of cars reached its cap and started again.</summary>
    public void WatchThinningCleared()
    {
        Interlocked.Increment(ref _watchThinningClearedTotal);
    }

    public long WatchThinningClearedTotal => Interlocked.Read(ref _watchThinningClearedTotal);

    public void WatchFrameDropped()
    {
        Interlocked.Increment(ref _watchFramesDroppedTotal);
        _watchFramesDropped.Add(1);
    }

    public long KafkaFramesPublishedTotal => Interlocked.Read(ref _kafkaFramesTotal);
    public long KafkaFramesDroppedTotal => Interlocked.Read(ref _kafkaDroppedTotal);

    public void KafkaFramePublished()
    {
        Interlocked.Increment(ref _kafkaFramesTotal);
        _kafkaFrames.Add(1);
    }

    public void KafkaFrameTooLarge() => Interlocked.Increment(ref _kafkaDroppedTotal);

    public void KafkaPublishError(string code)
    {
        _kafkaErrors.Add(1, new KeyValuePair<string, object?>("code", code));
    }

    public void PublishStreamOpened() => _publishStreams.Add(1);

    public void PublishStreamClosed() => _publishStreams.Add(-1);
}
