namespace FormulaTel.Ingest.Capture;

/// <summary>How a capture file is compressed: a recording's name ends in what it is; a capture read is told by its first bytes.</summary>
public enum CaptureCompression
{
    /// <summary>Zstandard (.pcapng.zst): a third smaller than gzip on telemetry, several times faster to write.</summary>
    Zstd,
    /// <summary>gzip (.pcapng.gz): what every tool has read the longest.</summary>
    Gzip,
    /// <summary>Plain pcapng (.pcapng).</summary>
    None,
}
