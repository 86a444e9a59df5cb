using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Udp;

/// <summary>
/// Receives game datagrams, maps each with the game decoder that recognises it and hands the spec frames to the buffer. Nothing a datagram contains
/// can stop the loop: bad ones are counted by reason and dropped.
/// </summary>
public sealed partial class UdpReceiver(
    IOptions<IngestOptions> options,
    GameDecoders games,
    FrameBuffer buffer,
    IngestMetrics metrics,
    IEnumerable<IDatagramSink> sinks,
    SourceGate gate,
    TimeProvider time,
    ILogger<UdpReceiver> logger) : BackgroundService
{
    // Larger than any datagram a game sends, so an oversized one arrives whole and is counted as wrong length.
    private const int ReceiveBufferSize = 65_536;

    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint?> _forzaBound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<EndPoint, string> _sourceIds = new();
    private readonly IDatagramSink[] _sinks = [.. sinks];

    /// <summary>Completes with the local endpoint once the socket is bound (the port when 0 was asked for).</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    /// <summary>Completes with the Ingest:ForzaPort socket's endpoint once bound; null when there is none.</summary>
    public Task<IPEndPoint?> ForzaBound => _forzaBound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var ports = new List<(int Port, string Setting)> { (o.UdpPort, "Ingest:UdpPort") };
        if (o.ForzaPort > 0 && o.ForzaPort != o.UdpPort)
        {
            ports.Add((o.ForzaPort, "Ingest:ForzaPort"));
        }
        else
        {
            _forzaBound.TrySetResult(null);
        }

        var sockets = new List<Socket>();
        try
        {
            foreach (var (port, setting) in ports)
            {
                try
                {
                    sockets.Add(TelemetrySocket.Bind(IPAddress.Parse(o.BindAddress), port, o.ReceiveBufferBytes));
                }
                catch (Exception e) when (e is SocketException or FormatException)
                {
                    LogBindFailed(logger, o.BindAddress, port, e.Message, setting);
                    _bound.TrySetException(e);
                    _forzaBound.TrySetException(e);
                    throw;
                }
            }

            var locals = sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToArray();
            foreach (var local in locals)
            {
                LogListening(logger, local);
            }

            _bound.TrySetResult(locals[0]);
            if (locals.Length > 1)
            {
                _forzaBound.TrySetResult(locals[1]);
            }

            using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var kernelDrops = WatchKernelDropsAsync(sockets, watching.Token);
            try
            {
                await Task.WhenAll(sockets.Select((s, i) => ReceiveAsync(s, locals[i], stoppingToken)));
            }
            finally
            {
                await watching.CancelAsync();
                await kernelDrops;
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Once a second, what the kernel dropped for this socket (its buffer full: ingest fell behind, or a burst larger
    /// than Ingest:ReceiveBufferBytes), as a drop reason of its own; logged when it grows, at most once a minute.
    /// </summary>
    private async Task WatchKernelDropsAsync(IReadOnlyList<Socket> sockets, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        long logged = 0;
        var lastLog = long.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                long? read = null;
                foreach (var socket in sockets)
                {
                    if (KernelDrops.Read(socket) is { } count)
                    {
                        read = (read ?? 0) + count;
                    }
                }

                if (read is not { } drops)
                {
                    continue;
                }

                metrics.KernelDropped(drops);
                if (drops > logged && (lastLog == long.MinValue || time.GetElapsedTime(lastLog) >= TimeSpan.FromMinutes(1)))
                {
                    LogKernelDrops(logger, drops - logged, drops, options.Value.ReceiveBufferBytes);
                    (logged, lastLog) = (drops, time.GetTimestamp());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The receive loop runs on a thread of its own, blocking in the socket's receive: at tens of thousands of
    /// datagrams a second it must never wait behind other work for a thread-pool thread, or the kernel's buffer
    /// overflows. Stopping shuts the socket down, which ends the blocking receive.
    /// </summary>
    private Task ReceiveAsync(Socket socket, IPEndPoint local, CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Receive(socket, local, stoppingToken);
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"UDP receive :{local.Port}",
        };
        thread.Start();
        return WaitAsync(socket, done.Task, stoppingToken);
    }

    private static async Task WaitAsync(Socket socket, Task receiving, CancellationToken stoppingToken)
    {
        using (stoppingToken.Register(() =>
        {
            try
            {
                socket.Shutdown(SocketShutdown.Receive);
            }
            catch (SocketException)
            {
                // Not connected (UDP): closing below ends the receive instead.
            }

            socket.Close();
        }))
        {
            await receiving;
        }
    }

    private void Receive(Socket socket, IPEndPoint local, CancellationToken stoppingToken)
    {
        var datagram = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var anyRemote = TelemetrySocket.AnyRemote(socket);
        var frames = new List<TelemetryFrame>(F1Limits.MaxCars);

        while (!stoppingToken.IsCancellationRequested)
        {
            int length;
            EndPoint from = anyRemote;
            try
            {
                length = socket.ReceiveFrom(datagram, SocketFlags.None, ref from);
                if (stoppingToken.IsCancellationRequested)
                {
                    break; // woken by the shutdown, not by a datagram
                }
            }
            catch (Exception e) when (stoppingToken.IsCancellationRequested && e is SocketException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                // E.g. ICMP port unreachable reported on the socket: nothing was received, keep listening.
                metrics.ReceiveError();
                LogReceiveError(logger, e.SocketErrorCode);
                continue;
            }

            metrics.DatagramReceived();
            var remote = (IPEndPoint)from;
            // Refused senders are neither recorded nor forwarded: a stranger on the network cannot fill the disk.
            if (gate.Check(remote.Address) is var refusal and not DatagramDropReason.None)
            {
                metrics.DatagramDropped(refusal);
                continue;
            }

            var bytes = datagram.AsSpan(0, length);
            var receivedAt = time.GetUtcNow();
            foreach (var sink in _sinks)
            {
                // Recorder and forwarder: the datagram as it came, whatever decoding makes of it.
                sink.Offer(bytes, remote, local.Port, receivedAt);
            }

            try
            {
                Process(bytes, remote, receivedAt, frames);
            }
            catch (Exception e)
            {
                // A bug in a mapper must not end ingest; the datagram is counted and the loop goes on.
                metrics.ReceiveError();
                LogProcessError(logger, e);
            }
        }
    }

    /// <summary>Maps one datagram and buffers its frames; public for tests and the load harness.</summary>
    public void Process(ReadOnlySpan<byte> bytes, EndPoint remote, DateTimeOffset receivedAt, List<TelemetryFrame> frames)
    {
        frames.Clear();
        var reason = games.Map(bytes, SourceId(remote), Timestamp.FromDateTimeOffset(receivedAt), frames);
        if (reason != DatagramDropReason.None)
        {
            metrics.DatagramDropped(reason);
            return;
        }

        metrics.FramesDecoded(frames.Count);
        if (frames.Count > 0)
        {
            buffer.Write(EncodedFrames.Encode(frames));
        }
    }

    private string SourceId(EndPoint remote)
    {
        if (_sourceIds.TryGetValue(remote, out var id))
        {
            return id;
        }

        // A label per sender address, kept up to a cap: a flood of spoofed or short-lived ports cannot grow it.
        if (_sourceIds.Count >= options.Value.MaxSourceLabels)
        {
            _sourceIds.Clear();
            metrics.SourceLabelsCleared();
        }

        return _sourceIds.GetOrAdd(remote, static r => TelemetrySocket.Source((IPEndPoint)r).ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for game telemetry on UDP {EndPoint}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot listen on UDP {Address} port {Port}: {Reason}. Is another program (or ingest) using it? Set {Setting} to choose another.")]
    private static partial void LogBindFailed(ILogger logger, string address, int port, string reason, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kernel dropped {New} datagrams ({Total} in all) that ingest could not take in time: the socket's receive buffer ({Bytes} bytes asked, Ingest:ReceiveBufferBytes) was full. Counted as formulatel.ingest.datagrams.dropped{{reason=kernel}}")]
    private static partial void LogKernelDrops(ILogger logger, long @new, long total, int bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP receive error {Error}; listening on")]
    private static partial void LogReceiveError(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A datagram could not be processed; it was dropped and counted")]
    private static partial void LogProcessError(ILogger logger, Exception exception);
}
