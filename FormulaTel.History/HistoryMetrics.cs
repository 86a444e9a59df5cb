using System.Diagnostics.Metrics;

namespace FormulaTel.History;

/// <summary>What history counts: laps stored by status, what it refused or evicted, and the writer's queue.</summary>
public sealed class HistoryMetrics
{
    public const string MeterName = "FormulaTel.History";

    private readonly Counter<long> _laps;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _evicted;
    private long _lapsWritten;
    private long _framesRead;
    private long _writeFailures;
    private long _commitFailures;
    private long _droppedTotal;

    public HistoryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _laps = meter.CreateCounter<long>("formulatel.history.laps.written", "{lap}", "Laps written to the store, by how they ended.");
        _dropped = meter.CreateCounter<long>("formulatel.history.dropped", "{item}", "What history refused, by reason.");
        _evicted = meter.CreateCounter<long>("formulatel.history.sessions.evicted", "{session}", "Live sessions let go of, by reason (idle, capacity).");
        meter.CreateObservableCounter("formulatel.history.frames.read", () => Interlocked.Read(ref _framesRead), "{frame}", "Frames read from the stream.");
        meter.CreateObservableCounter("formulatel.history.write.failures", () => Interlocked.Read(ref _writeFailures), "{batch}", "Batches the store failed to write (retried).");
        meter.CreateObservableCounter("formulatel.history.kafka.commit.failures", () => Interlocked.Read(ref _commitFailures), "{commit}", "Kafka offset commits that failed (carried by the next).");
    }

    public long LapsWritten => Interlocked.Read(ref _lapsWritten);
    public long FramesRead => Interlocked.Read(ref _framesRead);
    public long WriteFailures => Interlocked.Read(ref _writeFailures);
    public long Dropped => Interlocked.Read(ref _droppedTotal);

    public void FramesReadAdd(int count) => Interlocked.Add(ref _framesRead, count);

    public void LapWritten(string status)
    {
        Interlocked.Increment(ref _lapsWritten);
        _laps.Add(1, new KeyValuePair<string, object?>("status", status));
    }

    public void Drop(string reason, long count = 1)
    {
        Interlocked.Add(ref _droppedTotal, count);
        _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    public void SessionEvicted(string reason) => _evicted.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void WriteFailed() => Interlocked.Increment(ref _writeFailures);

    public void CommitFailed() => Interlocked.Increment(ref _commitFailures);
}
