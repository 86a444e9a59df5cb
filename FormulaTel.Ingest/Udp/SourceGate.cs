using System.Collections.Concurrent;
using System.Net;
using FormulaTel.Games;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Udp;

/// <summary>
/// Which senders ingest takes datagrams from (Ingest:AllowedSources) and how many a second from each address
/// (Ingest:MaxDatagramsPerSourcePerSecond), checked before a datagram is recorded, forwarded or decoded. A refused
/// address is logged once, with the setting to change; every refused datagram is counted by its reason.
/// </summary>
public sealed partial class SourceGate
{
    /// <summary>Addresses whose decision and count are kept; past it they are all forgotten (a flood of addresses holds no memory).</summary>
    public const int MaxTrackedSources = 4_096;

    private readonly IReadOnlyList<IPNetwork>? _allowed;
    private readonly int _perSecond;
    private readonly bool _limitLoopback;
    private readonly TimeProvider _time;
    private readonly ILogger<SourceGate> _logger;
    private readonly ConcurrentDictionary<IPAddress, Source> _sources = new();
    private readonly ConcurrentDictionary<IPAddress, byte> _loggedRefusals = new();

    public SourceGate(IOptions<IngestOptions> options, TimeProvider time, ILogger<SourceGate> logger)
    {
        _allowed = options.Value.AllowedNetworks();
        _perSecond = options.Value.MaxDatagramsPerSourcePerSecond;
        _limitLoopback = options.Value.RateLimitLoopback;
        _time = time;
        _logger = logger;
    }

    /// <summary>None when the datagram may go on; otherwise why not.</summary>
    public DatagramDropReason Check(IPAddress sender)
    {
        if (sender.IsIPv4MappedToIPv6)
        {
            sender = sender.MapToIPv4();
        }

        if (!_sources.TryGetValue(sender, out var source))
        {
            if (_sources.Count >= MaxTrackedSources)
            {
                _sources.Clear();
            }

            source = _sources.GetOrAdd(sender, address => new Source(Allowed(address), _perSecond > 0 && (_limitLoopback || !IPAddress.IsLoopback(address))));
        }

        if (!source.Allowed)
        {
            if (_loggedRefusals.Count < MaxTrackedSources && _loggedRefusals.TryAdd(sender, 0))
            {
                LogRefused(_logger, sender);
            }

            return DatagramDropReason.SourceNotAllowed;
        }

        return source.Limited && !source.Take(_time.GetTimestamp(), _time.TimestampFrequency, _perSecond)
            ? DatagramDropReason.RateLimited
            : DatagramDropReason.None;
    }

    private bool Allowed(IPAddress address)
    {
        if (_allowed is null)
        {
            return true;
        }

        foreach (var network in _allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One sender: allowed or not, and its datagrams in the current one-second window.</summary>
    private sealed class Source(bool allowed, bool limited)
    {
        private readonly Lock _lock = new();
        private long _windowStart = long.MinValue;
        private int _count;

        public bool Allowed { get; } = allowed;

        public bool Limited { get; } = limited;

        public bool Take(long now, long frequency, int perSecond)
        {
            lock (_lock)
            {
                if (_windowStart == long.MinValue || now - _windowStart >= frequency)
                {
                    (_windowStart, _count) = (now, 0);
                }

                return ++_count <= perSecond;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping telemetry from {Address}: it is not in Ingest:AllowedSources (loopback, private and link-local ranges by default). Add its range there, or * to take any sender; its datagrams are counted as reason source_not_allowed, and it is not logged again")]
    private static partial void LogRefused(ILogger logger, IPAddress address);
}
