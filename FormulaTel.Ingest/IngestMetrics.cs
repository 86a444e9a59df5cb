using System.Diagnostics.Metrics;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;

namespace FormulaTel.Ingest;

/// <summary>
/// Ingest's counters, as OpenTelemetry instruments (meter "FormulaTel.Ingest") and as totals readable in process
/// (GET /stats, logs, tests).
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "FormulaTel.Ingest";

    private readonly Counter<long> _datagramsReceived;
    private readonly Counter<long> _framesDecoded;
    private readonly Counter<long> _framesAcknowledged;
    private readonly Counter<long> _reconnects;
    private readonly long[] _droppedByReason = new long[Enum.GetValues<DatagramDropReason>().Length];
    private long _datagramsReceivedTotal;
    private long _framesDecodedTotal;
    private long _framesBufferDroppedTotal;
    private long _framesAcknowledgedTotal;
    private long _receiveErrorsTotal;
    private long _reconnectsTotal;
    private long _kernelDroppedTotal;
    private long _sourceLabelsClearedTotal;

    public IngestMetrics(IMeterFactory meterFactory, ForzaSessions forzaSessions)
    {
        var meter = meterFactory.Create(MeterName);
        _datagramsReceived = meter.CreateCounter<long>("formulatel.ingest.datagrams.received", "{datagram}", "UDP datagrams received.");
        // Observed from the totals, so every reason is a series from the start (at 0): dashboards and alerts on
        // drops have data before the first drop.
        meter.CreateObservableCounter("formulatel.ingest.datagrams.dropped", ObserveDropped, "{datagram}", "Datagrams not turned into frames, by reason.");
        _framesDecoded = meter.CreateCounter<long>("formulatel.ingest.frames.decoded", "{frame}", "Spec frames produced from datagrams.");
        meter.CreateObservableCounter("formulatel.ingest.frames.dropped",
            () => new Measurement<long>(Interlocked.Read(ref _framesBufferDroppedTotal), new KeyValuePair<string, object?>("reason", "buffer_full")),
            "{frame}", "Frames lost before reaching rpc, by reason.");
        _framesAcknowledged = meter.CreateCounter<long>("formulatel.ingest.frames.acknowledged", "{frame}", "Frames rpc acknowledged.");
        _reconnects = meter.CreateCounter<long>("formulatel.ingest.rpc.reconnects", "{reconnect}", "Times the stream to rpc was opened again after a failure.");
        meter.CreateObservableCounter("formulatel.ingest.sources.labels.cleared", () => Interlocked.Read(ref _sourceLabelsClearedTotal), "{clear}",
            "Times the cache of sender labels reached Ingest:MaxSourceLabels and was emptied.");
        meter.CreateObservableCounter("formulatel.ingest.forza.sources.evicted", () => forzaSessions.Evicted, "{source}",
            "Forza sources whose session state was let go to make room for new sources (each comes back as a new session).");
    }

    public void DatagramReceived()
    {
        Interlocked.Increment(ref _datagramsReceivedTotal);
        _datagramsReceived.Add(1);
    }

    public void DatagramDropped(DatagramDropReason reason)
    {
        Interlocked.Increment(ref _droppedByReason[(int)reason]);
    }

    /// <summary>The socket's kernel drop count so far (read from /proc: it only grows while the socket lives).</summary>
    public void KernelDropped(long total) => Interlocked.Exchange(ref _kernelDroppedTotal, total);

    public void SourceLabelsCleared() => Interlocked.Increment(ref _sourceLabelsClearedTotal);

    /// <summary>Times the sender-label cache reached its cap and was emptied.</summary>
    public long SourceLabelsClearedTotal => Interlocked.Read(ref _sourceLabelsClearedTotal);

    public void ReceiveError()
    {
        Interlocked.Increment(ref _receiveErrorsTotal);
    }

    public void FramesDecoded(int count)
    {
        Interlocked.Add(ref _framesDecodedTotal, count);
        _framesDecoded.Add(count);
    }

    public void FramesDroppedBufferFull(int count)
    {
        Interlocked.Add(ref _framesBufferDroppedTotal, count);
    }

    public void FramesAcknowledged(int count)
    {
        Interlocked.Add(ref _framesAcknowledgedTotal, count);
        _framesAcknowledged.Add(count);
    }

    public void Reconnected()
    {
        Interlocked.Increment(ref _reconnectsTotal);
        _reconnects.Add(1);
    }

    private IEnumerable<Measurement<long>> ObserveDropped()
    {
        foreach (var reason in Enum.GetValues<DatagramDropReason>())
        {
            if (reason != DatagramDropReason.None)
            {
                yield return new Measurement<long>(Interlocked.Read(ref _droppedByReason[(int)reason]), new KeyValuePair<string, object?>("reason", reason.ToTag()));
            }
        }

        yield return new Measurement<long>(Interlocked.Read(ref _receiveErrorsTotal), new KeyValuePair<string, object?>("reason", "receive_error"));
        // Never received: the kernel dropped them because the socket's receive buffer was full.
        yield return new Measurement<long>(Interlocked.Read(ref _kernelDroppedTotal), new KeyValuePair<string, object?>("reason", KernelReason));
    }

    /// <summary>The drop reason of datagrams the kernel dropped before ingest could receive them.</summary>
    public const string KernelReason = "kernel";

    public IngestStats Snapshot() => new(
        Interlocked.Read(ref _datagramsReceivedTotal),
        Enum.GetValues<DatagramDropReason>()
            .Where(r => r != DatagramDropReason.None)
            .Select(r => (Tag: r.ToTag(), Count: Interlocked.Read(ref _droppedByReason[(int)r])))
            .Append((Tag: KernelReason, Count: Interlocked.Read(ref _kernelDroppedTotal)))
            .ToDictionary(r => r.Tag, r => r.Count),
        Interlocked.Read(ref _receiveErrorsTotal),
        Interlocked.Read(ref _framesDecodedTotal),
        Interlocked.Read(ref _framesBufferDroppedTotal),
        Interlocked.Read(ref _framesAcknowledgedTotal),
        Interlocked.Read(ref _reconnectsTotal));
}

public sealed record IngestStats(
    long DatagramsReceived,
    IReadOnlyDictionary<string, long> DatagramsDroppedByReason,
    long ReceiveErrors,
    long FramesDecoded,
    long FramesDroppedBufferFull,
    long FramesAcknowledged,
    long Reconnects)
{
    /// <summary>Frames waiting in the buffer for the stream to rpc, now (GET /stats).</summary>
    public int? BufferedFrames { get; init; }

    /// <summary>Batches sent to rpc and not yet acknowledged, now (GET /stats).</summary>
    public int? UnacknowledgedBatches { get; init; }

    /// <summary>The recorder's counts (GET /stats).</summary>
    public Recording.RecordingStats? Recording { get; init; }

    /// <summary>Each forwarding target's counts (GET /stats).</summary>
    public IReadOnlyList<Forwarding.ForwardTargetStats>? Forwarding { get; init; }
}
