using System.ComponentModel.DataAnnotations;
using System.Net;

namespace FormulaTel.Ingest;

/// <summary>Configuration section "Ingest".</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string SectionName = "Ingest";

    /// <summary>UDP port the game sends to (F1 default 20777). 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int UdpPort { get; set; } = FormulaTel.Games.F1.F1Limits.DefaultPort;

    /// <summary>
    /// A second UDP port for Forza's Data Out, for racers who prefer one port per game; 0 (the default): Forza sends
    /// to <see cref="UdpPort"/> with F1, each datagram told apart by its format. Either port takes either game.
    /// </summary>
    [Range(0, 65535)]
    public int ForzaPort { get; set; }

    /// <summary>Address to listen on. "::" listens on IPv6 and IPv4 at once; "0.0.0.0" IPv4 only.</summary>
    [Required]
    public string BindAddress { get; set; } = "::";

    /// <summary>rpc's gRPC address: "_grpc.rpc" is rpc's HTTP/2 endpoint named grpc, found by service discovery.</summary>
    [Required]
    public string RpcAddress { get; set; } = "http://_grpc.rpc";

    /// <summary>Frames held while rpc is slow or away; past this the oldest are dropped and counted.</summary>
    [Range(1, 10_000_000)]
    public int BufferCapacity { get; set; } = 100_000;

    /// <summary>
    /// The UDP socket's kernel receive buffer (SO_RCVBUF; the kernel doubles it and caps it at net.core.rmem_max):
    /// what arrives while ingest is busy waits here, and what does not fit is dropped by the kernel, counted as
    /// <c>formulatel.ingest.datagrams.dropped{reason=kernel}</c>.
    /// </summary>
    [Range(4_096, 1 << 30)]
    public int ReceiveBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Sender addresses whose labels are kept; past it the labels are built again (counted), so a flood of addresses holds no memory.</summary>
    [Range(1, 1_000_000)]
    public int MaxSourceLabels { get; set; } = 4_096;

    /// <summary>
    /// Who may send telemetry: CIDR ranges (IPv4 and IPv6), as a list (Ingest:AllowedSources:0, …) or one value
    /// separated by commas. The default takes loopback, the private ranges and link-local, so a console on the LAN
    /// works with no setting; "*" takes anyone. Datagrams from elsewhere are dropped and counted (source_not_allowed).
    /// </summary>
    public List<string> AllowedSources { get; set; } = [];

    /// <summary>
    /// Datagrams a second one sender address may send before the rest of that second is dropped and counted
    /// (rate_limited): a little above the fastest game (F1 at its 60 Hz setting sends 250–330 a second). 0 switches it off.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxDatagramsPerSourcePerSecond { get; set; } = 500;

    /// <summary>
    /// Whether the rate cap also holds for senders on this machine (loopback): off by default, so a replay faster
    /// than the game (replay --speed 4 or max) and the load harness are not cut.
    /// </summary>
    public bool RateLimitLoopback { get; set; }

    /// <summary>Most frames sent in one batch.</summary>
    [Range(1, 10_000)]
    public int MaxBatchFrames { get; set; } = 512;

    /// <summary>Batches sent but not yet acknowledged; kept to be sent again after a reconnect.</summary>
    [Range(1, 10_000)]
    public int MaxUnacknowledgedBatches { get; set; } = 64;

    /// <summary>Longest wait between reconnect attempts to rpc.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Other apps that get every datagram as the game sent it: host:port entries (IPv6 as [::1]:20778), as a list
    /// (Ingest:ForwardTo:0, …) or one value separated by commas.
    /// </summary>
    public List<string> ForwardTo { get; set; } = [];

    /// <summary>Datagrams waiting to be forwarded; past this they are counted as failed for every target.</summary>
    [Range(1, 1_000_000)]
    public int ForwardQueueCapacity { get; set; } = 8_192;

    /// <summary>The forwarding targets, parsed; <see cref="Validate"/> has refused the ones that do not parse.</summary>
    public IEnumerable<(string Host, int Port)> ForwardTargets()
    {
        return ForwardEntries()
            .Select(entry => TryParseHostPort(entry, out var host, out var port) ? (host, port) : ("", 0))
            .Where(t => t.Item2 != 0)
            .Distinct();
    }

    /// <summary>The allowed sources as ranges; null when anyone may send ("*").</summary>
    public IReadOnlyList<IPNetwork>? AllowedNetworks()
    {
        var entries = AllowedSources.SelectMany(e => e.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (entries.Contains("*"))
        {
            return null;
        }

        return entries.Count == 0
            ? DefaultAllowedSources
            : [.. entries.Select(e => IPNetwork.TryParse(e, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];
    }

    /// <summary>Loopback, the private ranges and link-local, IPv4 and IPv6: a home or league LAN.</summary>
    public static readonly IReadOnlyList<IPNetwork> DefaultAllowedSources =
    [
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
    ];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedSources.SelectMany(e => e.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (entry != "*" && !IPNetwork.TryParse(entry, out _))
            {
                yield return new ValidationResult($"Ingest:AllowedSources: '{entry}' is not an address range (e.g. 192.168.1.0/24, 10.0.0.7/32, fd00::/8) or *.", [nameof(AllowedSources)]);
            }
        }

        foreach (var entry in ForwardEntries())
        {
            if (!TryParseHostPort(entry, out var host, out var port))
            {
                yield return new ValidationResult($"Ingest:ForwardTo: '{entry}' is not host:port (e.g. 192.168.1.50:20777, phone.local:20777, [::1]:20778).", [nameof(ForwardTo)]);
            }
            else if (port == UdpPort && (host is "localhost" || IPAddress.TryParse(host, out var address) && (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))))
            {
                yield return new ValidationResult($"Ingest:ForwardTo: '{entry}' is ingest's own port: every datagram would come back to it.", [nameof(ForwardTo)]);
            }
        }
    }

    private IEnumerable<string> ForwardEntries() =>
        ForwardTo.SelectMany(e => e.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>host:port, where host is a name, an IPv4 address or a bracketed IPv6 address.</summary>
    public static bool TryParseHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        return !host.Contains(':') && Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }
}
