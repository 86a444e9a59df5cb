using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using FormulaTel.Ingest.Capture;

namespace FormulaTel.Ingest.Replay;

public sealed record ReplayOptions
{
    public required IReadOnlyList<string> Files { get; init; }
    public required IPEndPoint Target { get; init; }
    /// <summary>Times as fast as recorded; null sends as fast as possible.</summary>
    public double? Speed { get; init; } = 1;
    /// <summary>Where in the recording to start (from its first datagram).</summary>
    public TimeSpan From { get; init; }
    public bool Loop { get; init; }
    /// <summary>The first recorded source sends from this port, the next from the one after, …; null: any free port.</summary>
    public int? SourcePort { get; init; }
    /// <summary>Only datagrams that were sent to this port (a capture with other UDP traffic in it).</summary>
    public int? Port { get; init; }
}

/// <summary>What a replay has done so far; safe to read while it runs.</summary>
public sealed record ReplayProgress(long Sent, long SendErrors, int Sources, TimeSpan RecordedOffset, TimeSpan? RecordedDuration, double Fraction, int Pass, long SkippedBeforeFrom);

/// <summary>
/// Sends recorded datagrams to a target with their recorded spacing (scaled by the speed): several captures are
/// merged by time, and each recorded source (address:port) gets a socket of its own, so a recording of twenty rigs
/// arrives as twenty sources. Reading runs ahead of sending on its own task, so neither waits on the other.
/// </summary>
public sealed class Replayer : IDisposable
{
    private const int BatchSize = 256;
    private const int MaxSources = 4096;

    private readonly ReplayOptions _options;
    private readonly Channel<Batch> _batches = Channel.CreateBounded<Batch>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
    private readonly Dictionary<(IPAddress, int), int> _sourceIndex = [];
    private readonly List<Socket?> _sockets = [];
    private List<ReplayInput> _inputs;
    private long _sent;
    private long _sendErrors;
    private long _skippedBeforeFrom;
    private readonly TimeSpan? _recordedDuration;
    private long _sentOffsetTicks;
    private int _pass = 1;
    private int _sourceCount;

    private Replayer(ReplayOptions options, List<ReplayInput> inputs, TimeSpan? duration)
    {
        _options = options;
        _inputs = inputs;
        _recordedDuration = duration;
    }

    public IReadOnlyList<ReplayInput> Inputs => _inputs;

    /// <summary>Opens every file first, so a missing or foreign file fails before anything is sent.</summary>
    public static Replayer Open(ReplayOptions options)
    {
        var inputs = new List<ReplayInput>();
        try
        {
            foreach (var file in options.Files)
            {
                inputs.Add(new ReplayInput(file, options.Port));
            }
        }
        catch
        {
            inputs.ForEach(i => i.Dispose());
            throw;
        }

        return new Replayer(options, inputs, RecordedDuration(options.Files));
    }

    public ReplayProgress Progress()
    {
        var offset = TimeSpan.FromTicks(Interlocked.Read(ref _sentOffsetTicks));
        var fraction = _recordedDuration is { Ticks: > 0 } total
            ? Math.Clamp((offset - _options.From) / (total - _options.From), 0, 1)
            : Math.Clamp(_inputs.Sum(i => (double)i.FilePosition) / Math.Max(1, _inputs.Sum(i => (double)i.FileLength)), 0, 1);
        return new ReplayProgress(Interlocked.Read(ref _sent), Interlocked.Read(ref _sendErrors), Volatile.Read(ref _sourceCount), offset, _recordedDuration,
            fraction, Volatile.Read(ref _pass), Interlocked.Read(ref _skippedBeforeFrom));
    }

    /// <summary>Replays until the recordings end (or, with Loop, until cancelled).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(stop.Token), CancellationToken.None);
        var sending = Task.Factory.StartNew(() => Send(stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(reading, sending).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            while (_batches.Reader.TryRead(out var left))
            {
                left.Return();
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (var pass = 1; ; pass++)
            {
                if (pass > 1)
                {
                    // A capture reads forwards only: the next loop opens the files again.
                    _inputs.ForEach(i => i.Dispose());
                    _inputs = [.. _options.Files.Select(f => new ReplayInput(f, _options.Port))];
                }

                var schedule = new ReplaySchedule(_options.Speed, _options.From);
                var heads = new PriorityQueue<(ReplayDatagram Datagram, int Input), (long Ticks, int Input)>();
                for (var i = 0; i < _inputs.Count; i++)
                {
                    if (_inputs[i].TryNext(out var first))
                    {
                        heads.Enqueue((first, i), (first.Ticks, i));
                    }
                }

                var batch = new Batch(pass);
                while (heads.TryDequeue(out var head, out _))
                {
                    if (_inputs[head.Input].TryNext(out var next))
                    {
                        heads.Enqueue((next, head.Input), (next.Ticks, head.Input));
                    }

                    if (!schedule.TrySchedule(head.Datagram.Ticks, out var due))
                    {
                        Interlocked.Increment(ref _skippedBeforeFrom);
                        head.Datagram.Return();
                        continue;
                    }

                    batch.Entries.Add(new Entry(head.Datagram, SourceIndex(head.Datagram.Source), due, schedule.RecordedOffset));
                    if (batch.Entries.Count == BatchSize)
                    {
                        await _batches.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        batch = new Batch(pass);
                    }
                }

                if (batch.Entries.Count > 0)
                {
                    await _batches.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (!_options.Loop || cancellationToken.IsCancellationRequested || _inputs.All(i => i.Datagrams == 0))
                {
                    break;
                }
            }
        }
        finally
        {
            _batches.Writer.TryComplete();
        }
    }

    private void Send(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pass = 0;
        var passStart = TimeSpan.Zero;
        try
        {
            while (true)
            {
                if (!_batches.Reader.TryRead(out var batch))
                {
                    if (!_batches.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                    {
                        return;
                    }

                    continue;
                }

                if (batch.Pass != pass)
                {
                    pass = batch.Pass;
                    passStart = clock.Elapsed;
                    Volatile.Write(ref _pass, pass);
                }

                foreach (var entry in batch.Entries)
                {
                    var wait = passStart + entry.Due - clock.Elapsed;
                    if (wait > TimeSpan.FromMilliseconds(1) && cancellationToken.WaitHandle.WaitOne(wait))
                    {
                        batch.Return();
                        return;
                    }

                    SocketFor(entry.Source).Send(entry.Datagram.Payload, SocketFlags.None, out var error);
                    if (error == SocketError.Success)
                    {
                        Interlocked.Increment(ref _sent);
                    }
                    else
                    {
                        // E.g. nothing listening yet (ICMP port unreachable): the datagram is gone, as it would be from a game.
                        Interlocked.Increment(ref _sendErrors);
                    }

                    Interlocked.Exchange(ref _sentOffsetTicks, entry.RecordedOffset.Ticks);
                }

                batch.Return();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private int SourceIndex(IPEndPoint source)
    {
        var key = (source.Address, source.Port);
        if (!_sourceIndex.TryGetValue(key, out var index))
        {
            // Past the cap, further sources share the last socket.
            index = Math.Min(_sourceIndex.Count, MaxSources - 1);
            _sourceIndex[key] = index;
            Volatile.Write(ref _sourceCount, Math.Min(_sourceIndex.Count, MaxSources));
        }

        return index;
    }

    private Socket SocketFor(int index)
    {
        while (_sockets.Count <= index)
        {
            _sockets.Add(null);
        }

        if (_sockets[index] is { } socket)
        {
            return socket;
        }

        socket = new Socket(_options.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1024 * 1024 };
        try
        {
            if (_options.SourcePort is { } first)
            {
                if (_options.Target.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = true;
                }

                var any = _options.Target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                socket.Bind(new IPEndPoint(any, first + index));
            }

            socket.Connect(_options.Target);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException(_options.SourcePort is { } port
                ? $"cannot send from port {port + index} (recorded source {index + 1}): {e.Message}"
                : $"cannot send to {_options.Target}: {e.Message}", e);
        }

        _sockets[index] = socket;
        return socket;
    }

    /// <summary>The recorded span of FormulaTel recordings, from their statistics blocks; null when any file lacks one.</summary>
    private static TimeSpan? RecordedDuration(IReadOnlyList<string> files)
    {
        DateTimeOffset? start = null, end = null;
        foreach (var file in files)
        {
            Recording.RecordingSummary? summary;
            try
            {
                summary = Recording.RecordingCatalog.DescribeQuickly(file);
            }
            catch (Exception ex) when (ex is IOException or CaptureFormatException)
            {
                return null;
            }

            if (summary?.Start is not { } s || summary.End is not { } e)
            {
                return null;
            }

            start = start is null || s < start ? s : start;
            end = end is null || e > end ? e : end;
        }

        return end - start;
    }

    public void Dispose()
    {
        _inputs.ForEach(i => i.Dispose());
        foreach (var socket in _sockets)
        {
            socket?.Dispose();
        }
    }

    private readonly record struct Entry(ReplayDatagram Datagram, int Source, TimeSpan Due, TimeSpan RecordedOffset);

    private sealed class Batch(int pass)
    {
        public int Pass { get; } = pass;
        public List<Entry> Entries { get; } = new(BatchSize);

        public void Return()
        {
            foreach (var entry in Entries)
            {
                entry.Datagram.Return();
            }

            Entries.Clear();
        }
    }
}
