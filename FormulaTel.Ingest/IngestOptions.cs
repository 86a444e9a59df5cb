using System.ComponentModel.DataAnnotations;

namespace FormulaTel.Ingest;

/// <summary>Configuration section "Ingest".</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>UDP port the game sends to (F1 default 20777). 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int UdpPort { get; set; } = Games.F1.F1Limits.DefaultPort;

    /// <summary>Address to listen on. "::" listens on IPv6 and IPv4 at once; "0.0.0.0" IPv4 only.</summary>
    [Required]
    public string BindAddress { get; set; } = "::";

    /// <summary>rpc's gRPC address: "_grpc.rpc" is rpc's HTTP/2 endpoint named grpc, found by service discovery.</summary>
    [Required]
    public string RpcAddress { get; set; } = "http://_grpc.rpc";

    /// <summary>Frames held while rpc is slow or away; past this the oldest are dropped and counted.</summary>
    [Range(1, 10_000_000)]
    public int BufferCapacity { get; set; } = 100_000;

    /// <summary>Most frames sent in one batch.</summary>
    [Range(1, 10_000)]
    public int MaxBatchFrames { get; set; } = 512;

    /// <summary>Batches sent but not yet acknowledged; kept to be sent again after a reconnect.</summary>
    [Range(1, 10_000)]
    public int MaxUnacknowledgedBatches { get; set; } = 64;

    /// <summary>Longest wait between reconnect attempts to rpc.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
}
