using System.Diagnostics.Metrics;

namespace FormulaTel.Ingest.Recording;

/// <summary>Why a received datagram is not in a recording. Each reason is counted on its own.</summary>
public enum RecordingDropReason
{
    /// <summary>The recorder's queue was full: the disk could not keep up.</summary>
    QueueFull,
    /// <summary>The file could not be created or written (disk full, read-only, no permission).</summary>
    WriteFailed,
    /// <summary>A new source or session while as many recordings as allowed are open and none is idle.</summary>
    TooManyFiles,
}

/// <summary>
/// The recorder's counters (meter "FormulaTel.Ingest", instruments formulatel.ingest.recording.*) and their totals
/// for GET /stats.
/// </summary>
public sealed class RecordingMetrics
{
    private long _recorded;
    private long _queueFull;
    private long _writeFailed;
    private long _tooManyFiles;
    private long _filesOpened;
    private long _filesClosed;
    private long _filesEvicted;
    private long _bytesWritten;
    private long _retentionDeletedFiles;
    private long _retentionDeletedBytes;
    private int _openFiles;

    public RecordingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(IngestMetrics.MeterName);
        meter.CreateObservableCounter("formulatel.ingest.recording.datagrams", () => Interlocked.Read(ref _recorded), "{datagram}", "Datagrams written to recordings (and flushed to their files).");
        meter.CreateObservableCounter("formulatel.ingest.recording.dropped", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _queueFull), new KeyValuePair<string, object?>("reason", "queue_full")),
            new Measurement<long>(Interlocked.Read(ref _writeFailed), new KeyValuePair<string, object?>("reason", "write_failed")),
            new Measurement<long>(Interlocked.Read(ref _tooManyFiles), new KeyValuePair<string, object?>("reason", "too_many_files")),
        }, "{datagram}", "Datagrams received but not recorded, by reason.");
        meter.CreateObservableCounter("formulatel.ingest.recording.bytes", () => Interlocked.Read(ref _bytesWritten), "By", "Bytes written to recording files (compressed).");
        meter.CreateObservableUpDownCounter("formulatel.ingest.recording.files.open", () => Volatile.Read(ref _openFiles), "{file}", "Recordings open now.");
        meter.CreateObservableCounter("formulatel.ingest.recording.files.evicted", () => Interlocked.Read(ref _filesEvicted), "{file}", "Recordings closed early because too many were open.");
        meter.CreateObservableCounter("formulatel.ingest.recording.retention.deleted", () => Interlocked.Read(ref _retentionDeletedFiles), "{file}", "Recordings deleted by retention (age or total size).");
    }

    public void Recorded(long datagrams) => Interlocked.Add(ref _recorded, datagrams);

    public void Dropped(RecordingDropReason reason, long datagrams = 1)
    {
        switch (reason)
        {
            case RecordingDropReason.QueueFull:
                Interlocked.Add(ref _queueFull, datagrams);
                break;
            case RecordingDropReason.WriteFailed:
                Interlocked.Add(ref _writeFailed, datagrams);
                break;
            default:
                Interlocked.Add(ref _tooManyFiles, datagrams);
                break;
        }
    }

    public void FileOpened()
    {
        Interlocked.Increment(ref _filesOpened);
        Interlocked.Increment(ref _openFiles);
    }

    public void FileClosed(bool evicted)
    {
        Interlocked.Increment(ref _filesClosed);
        Interlocked.Decrement(ref _openFiles);
        if (evicted)
        {
            Interlocked.Increment(ref _filesEvicted);
        }
    }

    public void BytesWritten(long bytes) => Interlocked.Add(ref _bytesWritten, bytes);

    public void RetentionDeleted(long bytes)
    {
        Interlocked.Increment(ref _retentionDeletedFiles);
        Interlocked.Add(ref _retentionDeletedBytes, bytes);
    }

    public RecordingStats Snapshot(bool enabled, string directory) => new(
        enabled,
        directory,
        Interlocked.Read(ref _recorded),
        new Dictionary<string, long>
        {
            ["queue_full"] = Interlocked.Read(ref _queueFull),
            ["write_failed"] = Interlocked.Read(ref _writeFailed),
            ["too_many_files"] = Interlocked.Read(ref _tooManyFiles),
        },
        Volatile.Read(ref _openFiles),
        Interlocked.Read(ref _filesOpened),
        Interlocked.Read(ref _filesClosed),
        Interlocked.Read(ref _filesEvicted),
        Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _retentionDeletedFiles),
        Interlocked.Read(ref _retentionDeletedBytes));
}

public sealed record RecordingStats(
    bool Enabled,
    string Directory,
    long DatagramsRecorded,
    IReadOnlyDictionary<string, long> DatagramsDroppedByReason,
    int FilesOpen,
    long FilesOpened,
    long FilesClosed,
    long FilesEvicted,
    long BytesWritten,
    long RetentionDeletedFiles,
    long RetentionDeletedBytes);
