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
        // Keyed by the address as received (IPv4-mapped on a dual-mode socket), so a known sender costs a lookup
        // and nothing else; it is unmapped only to decide, once.
        if (!_sources.TryGetValue(sender, out var source))
        {
            if (_sources.Count >= MaxTrackedSources)
            {
                _sources.Clear();
            }

            source = _sources.GetOrAdd(sender, received =>
            {
                var address = received.IsIPv4MappedToIPv6 ? received.MapToIPv4() : received;
                return new Source(address, Allowed(address), _perSecond > 0 && (_limitLoopback || !IPAddress.IsLoopback(address)));
            });
        }

        if (!source.Allowed)
        {
            if (source.FirstRefusal())
            {
                LogRefused(_logger, source.Address);
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

    /// <summary>One sender: allowed or not, its datagrams in the current one-second window, whether its refusal was logged.</summary>
    private sealed class Source(IPAddress address, bool allowed, bool limited)
    {
        private readonly Lock _lock = new();
        private long _windowStart = long.MinValue;
        private int _count;
        private int _refusalLogged;

        public IPAddress Address { get; } = address;

        public bool Allowed { get; } = allowed;

        /// <summary>True once: for the refusal that is logged.</summary>
        public bool FirstRefusal() => Interlocked.Exchange(ref _refusalLogged, 1) == 0;

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
