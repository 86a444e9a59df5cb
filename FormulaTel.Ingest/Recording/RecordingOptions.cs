using System.ComponentModel.DataAnnotations;
using FormulaTel.Ingest.Capture;

namespace FormulaTel.Ingest.Recording;

/// <summary>Configuration section "Ingest:Recording": every datagram ingest receives, kept as pcapng files.</summary>
public sealed class RecordingOptions : IValidatableObject
{
    public const string SectionName = "Ingest:Recording";

    /// <summary>Record at all. On by default: a session that was not recorded cannot be looked at again.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where recordings go. Empty: "FormulaTel/recordings" under the user's local data folder
    /// (~/.local/share on Linux, %LOCALAPPDATA% on Windows). A relative path is taken from the working directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Zstd (.pcapng.zst, the default), Gzip (.pcapng.gz) or None (.pcapng). Wireshark and tshark (4.0 and later for
    /// zstd) open both compressed kinds as they are; docs/recording.md has what each costs in size and CPU.
    /// </summary>
    public CaptureCompression Compression { get; set; } = CaptureCompression.Zstd;

    /// <summary>
    /// The compressor's level: zstd 1–19, gzip 1–9. Empty: the compressor's default (zstd 3, gzip 6), and its
    /// fastest (1) for recordings opened while 8 or more are open, so many rigs at once stay cheap.
    /// </summary>
    public int? CompressionLevel { get; set; }

    /// <summary>Recordings older than this (by their last write) are deleted, oldest first.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Past this many gigabytes (10^9 bytes) in all, the oldest recordings are deleted.</summary>
    [Range(0.0, 1_000_000.0)]
    public double MaxTotalSizeGB { get; set; } = 20;

    /// <summary>How often retention looks at the directory (it also looks at start-up).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often what was written is pushed to the file: after a crash, the file reads up to here.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A recording that has had no datagram for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Datagrams waiting for the recorder; past this they are dropped and counted (live telemetry goes on).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>Recordings open at once (one per source and session); past this the least recently written is closed.</summary>
    [Range(1, 100_000)]
    public int MaxOpenFiles { get; set; } = 128;

    /// <summary>After a write fails (disk full, read-only), how long to count datagrams as lost before trying again.</summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var (lowest, highest) = Compression == CaptureCompression.Zstd ? (1, 19) : (1, 9);
        if (Compression != CaptureCompression.None && CompressionLevel is { } level && (level < lowest || level > highest))
        {
            yield return new ValidationResult($"Ingest:Recording:CompressionLevel must be {lowest} to {highest} for {Compression} (got {level}).", [nameof(CompressionLevel)]);
        }
    }
}
