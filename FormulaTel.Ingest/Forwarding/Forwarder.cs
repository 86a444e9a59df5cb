using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Udp;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Forwarding;

/// <summary>
/// Sends every datagram ingest receives, unchanged and in order, to the other apps in <c>Ingest:ForwardTo</c>
/// (SimHub, a phone dash, another FormulaTel). Off the receive loop: the loop hands a copy to a bounded queue and
/// this service sends it to each target from a non-blocking socket, so a target that is down, slow or unreachable
/// costs ingest nothing; what does not reach a target is counted per target and logged once per outage.
/// </summary>
public sealed partial class Forwarder : BackgroundService, IDatagramSink
{
    private static readonly TimeSpan ResolveRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long sends must go without an error before a failing target counts as working again. UDP cannot say
    /// a datagram arrived: to a closed port, every other send on Linux is refused (the ICMP answer to the one
    /// before), and the ones in between look sent.
    /// </summary>
    private static readonly TimeSpan RecoveredAfter = TimeSpan.FromSeconds(30);

    private readonly ForwardTarget[] _targets;
    private readonly DatagramQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<Forwarder> _logger;

    public Forwarder(IOptions<IngestOptions> options, IMeterFactory meterFactory, TimeProvider time, ILogger<Forwarder> logger)
    {
        _targets = [.. options.Value.ForwardTargets().Select(t => new ForwardTarget(t.Host, t.Port))];
        _queue = new DatagramQueue(options.Value.ForwardQueueCapacity);
        _time = time;
        _logger = logger;
        var meter = meterFactory.Create(IngestMetrics.MeterName);
        meter.CreateObservableCounter("formulatel.ingest.forwarding.datagrams", Observe, "{datagram}",
            "Datagrams forwarded to other apps (Ingest:ForwardTo), by target and result (forwarded, failed).");
    }

    public IReadOnlyList<ForwardTargetStats> Snapshot() => [.. _targets.Select(t => t.Snapshot())];

    public void Offer(ReadOnlySpan<byte> datagram, IPEndPoint source, int localPort, DateTimeOffset receivedAt)
    {
        if (_targets.Length == 0 || _queue.TryEnqueue(datagram, source, localPort, receivedAt))
        {
            return;
        }

        foreach (var target in _targets)
        {
            target.Failed("queue full (the forwarder fell behind)", receivedAt, _logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_targets.Length == 0)
        {
            return;
        }

        LogForwarding(_logger, string.Join(", ", _targets.Select(t => t.Name)));
        // What has queued up is sent every couple of milliseconds rather than with a wake-up per datagram (which
        // costs more than the send); other apps see a game's 60 Hz a millisecond or two later.
        using var gather = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        try
        {
            do
            {
                var now = _time.GetUtcNow();
                while (_queue.Reader.TryRead(out var datagram))
                {
                    foreach (var target in _targets)
                    {
                        target.Send(datagram.Bytes, now, _logger);
                    }

                    datagram.Return();
                }
            }
            while (await gather.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // The receive loop has stopped: what it queued still goes out.
            _queue.Complete();
            while (_queue.Reader.TryRead(out var datagram))
            {
                foreach (var target in _targets)
                {
                    target.Send(datagram.Bytes, _time.GetUtcNow(), _logger);
                }

                datagram.Return();
            }

            foreach (var target in _targets)
            {
                target.Dispose();
            }
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var target in _targets)
        {
            var stats = target.Snapshot();
            yield return new Measurement<long>(stats.Forwarded, new("target", target.Name), new("result", "forwarded"));
            yield return new Measurement<long>(stats.Failed, new("target", target.Name), new("result", "failed"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding every datagram to {Targets} (Ingest:ForwardTo)")]
    private static partial void LogForwarding(ILogger logger, string targets);

    /// <summary>One target: its socket, counts and whether it is failing now (logged on change only).</summary>
    private sealed partial class ForwardTarget(string host, int port) : IDisposable
    {
        private Socket? _socket;
        private DateTimeOffset _nextResolve;
        private long _forwarded;
        private long _failed;
        private bool _failing;
        private DateTimeOffset _lastFailure;
        private string? _lastError;

        public string Name { get; } = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

        public void Send(ReadOnlySpan<byte> datagram, DateTimeOffset now, ILogger logger)
        {
            if (_socket is null && !TryConnect(now, logger))
            {
                Interlocked.Increment(ref _failed);
                return;
            }

            _socket!.Send(datagram, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                Interlocked.Increment(ref _forwarded);
                if (_failing && now - _lastFailure >= RecoveredAfter)
                {
                    _failing = false;
                    LogRecovered(logger, Name);
                }

                return;
            }

            // Refused (nobody listening, reported by ICMP on the connected socket), unreachable, or the send
            // buffer full (WouldBlock): this datagram is lost for this target only.
            Failed(error.ToString(), now, logger);
        }

        public void Failed(string why, DateTimeOffset now, ILogger logger)
        {
            Interlocked.Increment(ref _failed);
            Failing(why, now, logger);
        }

        private void Failing(string why, DateTimeOffset now, ILogger logger)
        {
            _lastError = why;
            _lastFailure = now;
            if (!_failing)
            {
                _failing = true;
                LogFailing(logger, Name, why);
            }
        }

        public ForwardTargetStats Snapshot() => new(Name, Interlocked.Read(ref _forwarded), Interlocked.Read(ref _failed), Volatile.Read(ref _failing), _lastError);

        public void Dispose() => _socket?.Dispose();

        private bool TryConnect(DateTimeOffset now, ILogger logger)
        {
            if (now < _nextResolve)
            {
                return false;
            }

            _nextResolve = now + ResolveRetry;
            try
            {
                var address = IPAddress.TryParse(host, out var literal) ? literal
                    : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
                socket.Connect(new IPEndPoint(address, port));
                _socket = socket;
                return true;
            }
            catch (Exception e) when (e is SocketException or InvalidOperationException)
            {
                Failing($"cannot resolve or reach {host}: {e.Message}", now, logger);
                return false;
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Target} fails: {Reason}. Its datagrams are counted as failed (formulatel.ingest.forwarding.datagrams); ingest goes on. Not logged again until it works")]
        private static partial void LogFailing(ILogger logger, string target, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding to {Target} works again")]
        private static partial void LogRecovered(ILogger logger, string target);
    }
}

public sealed record ForwardTargetStats(string Target, long Forwarded, long Failed, bool Failing, string? LastError);
