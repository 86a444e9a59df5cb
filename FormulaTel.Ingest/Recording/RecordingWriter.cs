using System.Net;
using System.Net.Sockets;
using FormulaTel.Games;
using FormulaTel.Ingest.Udp;

namespace FormulaTel.Ingest.Recording;

/// <summary>How a <see cref="RecordingWriter"/> names its file and writes it.</summary>
/// <param name="PathFor">The file's path from its metadata (".zst" or ".gz" at the end compresses).</param>
/// <param name="CompressionLevel">The compressor's level; null takes its default.</param>
/// <param name="RetryAfterFailure">After a failed write, how long datagrams are counted as lost before a new file is tried.</param>
/// <param name="Source">The one source this file records, for its metadata; null when it takes every source.</param>
public sealed record RecordingWriterSettings(Func<RecordingMetadata, string> PathFor, int? CompressionLevel, TimeSpan RetryAfterFailure, IPEndPoint? Source);

/// <summary>
/// Writes datagrams into one recording. The first ones wait (two seconds, 256 datagrams at most) until a datagram
/// says the track, so the file's name and metadata can say it; after that they are written as they come. A failed
/// write (disk full, read-only) closes the file, counts what was lost, and after a pause a new file is tried.
/// Every datagram ends up counted: recorded when flushed to the file, or dropped with its reason.
/// </summary>
public sealed class RecordingWriter(RecordingWriterSettings settings, RecordingMetrics metrics, TimeProvider time)
{
    public const int MaxPending = 256;
    public static readonly TimeSpan MaxPendingAge = TimeSpan.FromSeconds(2);

    private readonly List<ReceivedDatagram> _pending = [];
    private readonly Dictionary<(IPEndPoint, int), IPEndPoint> _destinations = [];
    private readonly HashSet<IPEndPoint> _sources = [];
    private readonly HashSet<ulong> _sessions = [];
    private DatagramLabel? _label;
    private string? _track;
    private string? _sessionType;
    private long _unflushed;
    private long _bytesCounted;
    private long _dropped;
    private DateTimeOffset? _retryAt;

    /// <summary>Raised once a write fails, with the path and why (the owner logs it once per outage).</summary>
    public event Action<string, Exception>? Failed;

    /// <summary>Raised when a flush succeeds (the owner logs that recording works again).</summary>
    public event Action? Flushed;

    public RecordingFile? File { get; private set; }
    public DateTimeOffset LastActivity { get; private set; } = time.GetUtcNow();
    public int Sources => _sources.Count;
    public int Sessions => _sessions.Count;

    /// <summary>Takes the datagram (and its buffer, which this gives back to the pool).</summary>
    public void Add(ReceivedDatagram datagram, DatagramLabel? label)
    {
        LastActivity = time.GetUtcNow();
        if (_sources.Count < 4096)
        {
            _sources.Add(datagram.Source);
        }

        if (label is { } l)
        {
            _label ??= l;
            _track ??= l.Track;
            _sessionType ??= l.SessionType;
            if (_sessions.Count < 4096)
            {
                _sessions.Add(l.SessionUid);
            }
        }

        if (_retryAt is { } retry)
        {
            if (LastActivity < retry)
            {
                Lost(1);
                datagram.Return();
                return;
            }

            _retryAt = null;
        }

        if (File is null)
        {
            _pending.Add(datagram);
            Open(force: _track is not null || _pending.Count >= MaxPending || datagram.ReceivedAt - _pending[0].ReceivedAt >= MaxPendingAge);
            return;
        }

        Write(datagram);
        datagram.Return();
    }

    /// <summary>Opens the file if its datagrams have waited long enough for the track, and pushes what was written to it.</summary>
    public void Tick(DateTimeOffset now)
    {
        if (File is null && _pending.Count > 0 && now - _pending[0].ReceivedAt >= MaxPendingAge)
        {
            Open(force: true);
        }

        Flush();
    }

    public void Flush()
    {
        if (File is not { } file || _unflushed == 0)
        {
            return;
        }

        try
        {
            file.Flush();
            metrics.Recorded(_unflushed);
            CountBytes(file.BytesOnDisk);
            _unflushed = 0;
            Flushed?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    /// <summary>Writes what waits, the statistics block (with <paramref name="why"/>) and closes the file.</summary>
    public void Close(string why, bool evicted = false)
    {
        Open(force: true);
        if (File is not { } file)
        {
            return;
        }

        try
        {
            file.Close(time.GetUtcNow(), _dropped, $"closed: {why}; sources: {_sources.Count}; sessions: {Math.Max(1, _sessions.Count)}");
            metrics.Recorded(_unflushed);
            CountBytes(new FileInfo(file.Path).Length);
            _unflushed = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Lost(_unflushed);
            _unflushed = 0;
            Failed?.Invoke(file.Path, e);
        }
        finally
        {
            File = null;
            metrics.FileClosed(evicted);
        }
    }

    /// <summary>Counts the file's growth since the last count (a new file starts from nothing).</summary>
    private void CountBytes(long length)
    {
        metrics.BytesWritten(length - _bytesCounted);
        _bytesCounted = length;
    }

    private void Open(bool force)
    {
        if (!force || File is not null || _pending.Count == 0 || _retryAt is not null)
        {
            return;
        }

        var metadata = new RecordingMetadata
        {
            Game = _label?.Game,
            Format = _label?.Format,
            SessionUid = _label?.SessionUid,
            Track = _track,
            SessionType = _sessionType,
            Source = settings.Source?.ToString(),
            // As precise as the file's timestamps (microseconds), so the two agree.
            Started = new DateTimeOffset(_pending[0].ReceivedAt.UtcTicks / 10 * 10, TimeSpan.Zero),
        };
        var port = _pending[0].LocalPort;
        var path = settings.PathFor(metadata);
        try
        {
            File = RecordingFile.Create(path, settings.CompressionLevel, metadata,
                $"udp/{port}",
                $"UDP datagrams FormulaTel received on port {port}; IP headers made from each datagram's source and the local address");
            metrics.FileOpened();
            _bytesCounted = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Lost(_pending.Count);
            DropPending();
            _retryAt = time.GetUtcNow() + settings.RetryAfterFailure;
            Failed?.Invoke(path, e);
            return;
        }

        foreach (var datagram in _pending)
        {
            Write(datagram);
        }

        DropPending();
    }

    /// <summary>Writes one datagram; its buffer stays the caller's.</summary>
    private void Write(ReceivedDatagram datagram)
    {
        if (File is not { } file)
        {
            // A write before this one failed (counted there): this one is lost too.
            Lost(1);
            return;
        }

        try
        {
            file.Write(datagram.Bytes, datagram.Source, DestinationFor(datagram.Source, datagram.LocalPort), datagram.ReceivedAt);
            _unflushed++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _unflushed++;
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        var path = File?.Path ?? "";
        File?.Dispose();
        if (File is not null)
        {
            File = null;
            metrics.FileClosed(evicted: false);
        }

        Lost(_unflushed);
        _unflushed = 0;
        _retryAt = time.GetUtcNow() + settings.RetryAfterFailure;
        Failed?.Invoke(path, e);
    }

    private void Lost(long datagrams)
    {
        metrics.Dropped(RecordingDropReason.WriteFailed, datagrams);
        _dropped += datagrams;
    }

    private void DropPending()
    {
        foreach (var datagram in _pending)
        {
            datagram.Return();
        }

        _pending.Clear();
    }

    private IPEndPoint DestinationFor(IPEndPoint source, int localPort)
    {
        if (!_destinations.TryGetValue((source, localPort), out var destination))
        {
            destination = new IPEndPoint(LocalAddressFor(source.Address), localPort);
            if (_destinations.Count < 4096)
            {
                _destinations[(source, localPort)] = destination;
            }
        }

        return destination;
    }

    /// <summary>The local address datagrams from <paramref name="remote"/> arrive on (the route back to it).</summary>
    private static IPAddress LocalAddressFor(IPAddress remote)
    {
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(remote, 9);
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        }
    }
}
