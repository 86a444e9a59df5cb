using System.Net;
using FormulaTel.Ingest.Capture;
using FormulaTel.Games;
using FormulaTel.Ingest.Udp;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// Records every datagram ingest receives, off the receive loop: the loop hands a copy to a bounded queue
/// (<see cref="Offer"/>), and this service files it into one recording per source and session
/// (<see cref="RecordingWriter"/>). A full queue or a failing disk is counted and logged, and live telemetry goes
/// on. Recordings are flushed every <see cref="RecordingOptions.FlushInterval"/>, closed when idle, when too many
/// are open, and when ingest stops; retention keeps the directory within its limits.
/// </summary>
public sealed partial class Recorder : BackgroundService, IDatagramSink
{
    private readonly RecordingOptions _options;
    private readonly IDatagramLabeler _labeler;
    private readonly RecordingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<Recorder> _logger;
    private readonly DatagramQueue _queue;
    private readonly RecordingRetention _retention;
    private readonly Dictionary<(IPEndPoint Source, ulong Session), RecordingWriter> _recordings = [];
    private readonly Dictionary<IPEndPoint, ulong> _lastSessionOfSource = [];
    private DateTimeOffset _nextFlush;
    private DateTimeOffset _nextRetention;
    private bool _failing;
    private bool _refusing;

    /// <summary>How long a recording must have been quiet to be closed for a new one when the cap is reached.</summary>
    private static readonly TimeSpan EvictableAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The recorder takes what has queued up this often, rather than waking for each datagram: a wake-up costs
    /// more than writing a datagram, and the receive loop's hand-off stays a copy and a queue write.
    /// </summary>
    private static readonly TimeSpan GatherInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// With no level configured, a recording opened while this many are open already compresses at the fastest
    /// level: one rig's recording is small at the default level and cheap either way; twenty rigs' at the default
    /// level would cost ingest most of its CPU again (docs/benchmarks.md).
    /// </summary>
    public const int FastCompressionFrom = 8;

    public Recorder(IOptions<RecordingOptions> options, IDatagramLabeler labeler, RecordingMetrics metrics, TimeProvider time, ILogger<Recorder> logger)
    {
        _options = options.Value;
        _labeler = labeler;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _queue = new DatagramQueue(_options.QueueCapacity);
        Directory = ResolveDirectory(_options.Directory);
        _retention = new RecordingRetention(_options.MaxAge, (long)(_options.MaxTotalSizeGB * 1e9), time);
    }

    /// <summary>The directory recordings are written to (absolute).</summary>
    public string Directory { get; }

    /// <summary>The default directory, or a configured one made absolute against the working directory.</summary>
    public static string ResolveDirectory(string? configured) => string.IsNullOrWhiteSpace(configured)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "FormulaTel", "recordings")
        : Path.GetFullPath(configured);

    public void Offer(ReadOnlySpan<byte> datagram, IPEndPoint source, int localPort, DateTimeOffset receivedAt)
    {
        if (_options.Enabled && !_queue.TryEnqueue(datagram, source, localPort, receivedAt))
        {
            _metrics.Dropped(RecordingDropReason.QueueFull);
        }
    }

    public RecordingStats Snapshot() => _metrics.Snapshot(_options.Enabled, Directory);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            return;
        }

        LogRecording(_logger, Directory, _options.MaxAge.TotalDays, _options.MaxTotalSizeGB);
        var now = _time.GetUtcNow();
        _nextFlush = now + _options.FlushInterval;
        _nextRetention = now;
        // Gathering is paced by the machine's clock; what is due (flushes, idle, retention) by the recorder's.
        using var gather = new PeriodicTimer(GatherInterval);
        try
        {
            do
            {
                while (_queue.Reader.TryRead(out var datagram))
                {
                    Route(datagram);
                }

                Housekeeping();
            }
            while (await gather.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Drain();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Stopped before the service's loop began (the host runs it on the thread pool): the queue is drained here.
        if (_options.Enabled && ExecuteTask is null or { IsCompleted: true })
        {
            Drain();
        }
    }

    /// <summary>Stopping (the receive loop stopped first): what is queued still goes into its file, and every file is closed.</summary>
    private void Drain()
    {
        _queue.Complete();
        while (_queue.Reader.TryRead(out var datagram))
        {
            Route(datagram);
        }

        foreach (var key in _recordings.Keys.ToList())
        {
            Close(key, "ingest stopped");
        }
    }

    /// <summary>Flushes, closes idle recordings, opens ones whose metadata waited long enough, applies retention.</summary>
    private void Housekeeping()
    {
        var now = _time.GetUtcNow();
        if (now >= _nextFlush)
        {
            _nextFlush = now + _options.FlushInterval;
            foreach (var (key, recording) in _recordings.ToList())
            {
                if (recording.LastActivity + _options.IdleTimeout <= now)
                {
                    Close(key, "idle");
                }
                else
                {
                    recording.Tick(now);
                }
            }
        }

        if (now >= _nextRetention)
        {
            _nextRetention = now + _options.RetentionInterval;
            var open = _recordings.Values.Where(r => r.File is not null).Select(r => r.File!.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var (path, bytes) in _retention.Sweep(Directory, open))
            {
                _metrics.RetentionDeleted(bytes);
                LogDeleted(_logger, path, bytes);
            }
        }
    }

    private void Route(ReceivedDatagram datagram)
    {
        datagram = datagram with { Source = TelemetrySocket.Source(datagram.Source) };
        var source = datagram.Source;
        DatagramLabel? label = null;
        ulong session;
        if (_labeler.TryLabel(datagram.Bytes, out var read))
        {
            label = read;
            session = read.SessionUid;
            _lastSessionOfSource[source] = session;
        }
        else
        {
            // Not a datagram of a game the labeler knows: it goes with what this source sent last.
            session = _lastSessionOfSource.GetValueOrDefault(source);
        }

        if (!_recordings.TryGetValue((source, session), out var recording))
        {
            if (_recordings.Count >= _options.MaxOpenFiles)
            {
                // Make room by closing the longest idle; if every one is live, the newcomer is refused (closing
                // live ones would only have them open new files, one after another).
                var (oldest, idlest) = _recordings.MinBy(r => r.Value.LastActivity);
                if (_time.GetUtcNow() - idlest.LastActivity < EvictableAfter)
                {
                    _metrics.Dropped(RecordingDropReason.TooManyFiles);
                    if (!_refusing)
                    {
                        _refusing = true;
                        LogTooMany(_logger, _options.MaxOpenFiles, source);
                    }

                    datagram.Return();
                    return;
                }

                Close(oldest, "too many open recordings (Ingest:Recording:MaxOpenFiles)", evicted: true);
            }

            recording = NewRecording(source);
            _recordings[(source, session)] = recording;
            _lastSessionOfSource.TryAdd(source, session);
        }

        recording.Add(datagram, label);
    }

    private RecordingWriter NewRecording(IPEndPoint source)
    {
        var extension = RecordingFile.Extension(_options.Compression);
        var settings = new RecordingWriterSettings(
            m => Path.Combine(Directory, FileName(m) + extension),
            _options.CompressionLevel ?? (_recordings.Count >= FastCompressionFrom ? 1 : null),
            _options.RetryAfterFailure, source);
        var recording = new RecordingWriter(settings, _metrics, _time);
        recording.Failed += (path, e) =>
        {
            if (!_failing)
            {
                // Once per outage, not per datagram: the next line about it says recording works again.
                _failing = true;
                LogWriteFailed(_logger, path, e.Message);
            }
        };
        recording.Flushed += () =>
        {
            if (_failing)
            {
                _failing = false;
                LogResumed(_logger, Directory);
            }
        };
        return recording;
    }

    private void Close((IPEndPoint Source, ulong Session) key, string why, bool evicted = false)
    {
        if (!_recordings.Remove(key, out var recording))
        {
            return;
        }

        if (_lastSessionOfSource.TryGetValue(key.Source, out var last) && last == key.Session)
        {
            _lastSessionOfSource.Remove(key.Source);
        }

        var path = recording.File?.Path;
        recording.Close(why, evicted);
        if (path is not null)
        {
            LogClosed(_logger, path, why);
        }
    }

    /// <summary>"20261201-201503_f1-25_silverstone_1234567890_192.168.1.20-54321": sorts by time, says what it is.</summary>
    public static string FileName(RecordingMetadata metadata) =>
        $"{metadata.Started.UtcDateTime:yyyyMMdd-HHmmss}_{Slug(metadata.Game ?? "unknown")}_{Slug(metadata.Track ?? "unknown")}_{metadata.SessionUid ?? 0}_{Slug(metadata.Source ?? "all")}";

    private static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording every datagram to {Directory} (kept {Days} days, {GB} GB at most; Ingest:Recording)")]
    private static partial void LogRecording(ILogger logger, string directory, double days, double gb);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording is off (Ingest:Recording:Enabled)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording {Path} closed: {Why}")]
    private static partial void LogClosed(ILogger logger, string path, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write recording {Path}: {Reason}. Datagrams are counted as not recorded (formulatel.ingest.recording.dropped, reason write_failed) and live telemetry goes on; trying again shortly")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording to {Directory} works again")]
    private static partial void LogResumed(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Max} recordings are open and all are live: {Source}'s new session is not recorded (counted as too_many_files). Raise Ingest:Recording:MaxOpenFiles to record more at once")]
    private static partial void LogTooMany(ILogger logger, int max, IPEndPoint source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Path} ({Bytes} bytes)")]
    private static partial void LogDeleted(ILogger logger, string path, long bytes);
}
