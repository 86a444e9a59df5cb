using System.Buffers.Binary;
using System.IO.Compression;
using FormulaTel.Ingest.Capture;

namespace FormulaTel.Ingest.Recording;

/// <summary>One recording (or any capture) as <c>ingest recordings</c> lists it.</summary>
public sealed record RecordingSummary(
    string Path,
    long Bytes,
    RecordingMetadata? Metadata,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    long? Datagrams,
    int? Sources,
    bool Closed,
    string? Problem)
{
    public string Name => System.IO.Path.GetFileName(Path);
    public TimeSpan? Duration => Start is { } s && End is { } e ? e - s : null;
}

/// <summary>
/// Lists recordings without decoding them: the metadata from the section header at the file's start, the start,
/// end and count from the statistics block at its end (read from the tail, see <see cref="RecordingFile"/>).
/// A recording that was never closed (ingest was killed) or a capture from another tool has no statistics block:
/// it is read through once instead.
/// </summary>
public static class RecordingCatalog
{
    private static readonly string[] CaptureEndings = [".pcapng", ".pcapng.zst", ".pcapng.gz", ".pcap", ".pcap.zst", ".pcap.gz"];

    public static bool IsCaptureName(string name) => CaptureEndings.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every capture in <paramref name="directory"/>, newest first.</summary>
    public static IReadOnlyList<RecordingSummary> List(string directory) =>
        [.. Directory.EnumerateFiles(directory).Where(f => IsCaptureName(System.IO.Path.GetFileName(f))).Select(Describe)
            .OrderByDescending(r => r.Start ?? DateTimeOffset.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal)];

    public static RecordingSummary Describe(string path)
    {
        var bytes = new FileInfo(path).Length;
        try
        {
            return DescribeQuickly(path) ?? Scan(path, bytes);
        }
        catch (CaptureFormatException e)
        {
            return new RecordingSummary(path, bytes, null, null, null, null, null, false, e.Message);
        }
    }

    /// <summary>A closed FormulaTel recording from its head and tail alone; null for anything else.</summary>
    public static RecordingSummary? DescribeQuickly(string path)
    {
        using var reader = CaptureReader.Open(path);
        var metadata = RecordingMetadata.FromComments(reader.SectionComments);
        return metadata is not null && ReadTailStatistics(path, reader.Compression) is { } statistics
            ? new RecordingSummary(path, new FileInfo(path).Length, metadata, statistics.Start, statistics.End, statistics.Received, SourcesIn(statistics.Comment), true, null)
            : null;
    }

    /// <summary>The source count a recording's closing comment gives ("closed: idle; sources: 1; sessions: 1").</summary>
    private static int? SourcesIn(string? comment)
    {
        var at = comment?.IndexOf("sources: ", StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var digits = new string(comment![(at + 9)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    /// <summary>Reads the whole capture: the slow way, for files without a statistics block at their end.</summary>
    private static RecordingSummary Scan(string path, long bytes)
    {
        using var reader = CaptureReader.Open(path);
        var metadata = RecordingMetadata.FromComments(reader.SectionComments);
        long datagrams = 0;
        long? first = null, last = null;
        var sources = new HashSet<(System.Net.IPAddress, int)>();
        string? problem = null;
        try
        {
            while (reader.TryRead(out var packet))
            {
                if (UdpExtractor.IsSupported(packet.LinkType) && UdpExtractor.TryExtract(packet, out var udp) == PacketSkipReason.None)
                {
                    datagrams++;
                    first ??= packet.TimestampTicks;
                    last = packet.TimestampTicks;
                    if (sources.Count < 100_000)
                    {
                        sources.Add((udp.Source.Address, udp.Source.Port));
                    }
                }
            }
        }
        catch (CaptureFormatException e)
        {
            problem = e.Problem + $" at byte {e.Offset:N0}";
        }

        var closed = reader.Statistics is not null;
        if (metadata is not null && !closed)
        {
            // A recording still being written, or whose ingest was killed: it ends where the last flush did.
            problem = "not closed: still being recorded, or ingest stopped without closing it; reads up to its last flush";
        }

        return new RecordingSummary(path, bytes, metadata,
            first is { } f ? new DateTimeOffset(f, TimeSpan.Zero) : metadata?.Started,
            last is { } l ? new DateTimeOffset(l, TimeSpan.Zero) : null,
            datagrams, sources.Count, closed, problem);
    }

    /// <summary>
    /// The statistics block a closed recording ends with, read from the file's tail. Uncompressed and zstd, the
    /// block itself is the last bytes (zstd: the frame's raw last block); its trailing length says where it starts. gzip: it is the last member, stored, whose uncompressed size is the file's last 4 bytes, so its
    /// start is a few bytes before that many from the end.
    /// </summary>
    private static CaptureStatistics? ReadTailStatistics(string path, CaptureCompression compression)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length < 64)
        {
            return null;
        }

        var tail = new byte[(int)Math.Min(file.Length, 4096)];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(tail.Length - 4));
        if (size is < 12 or > 3000 || size > tail.Length - 12)
        {
            return null;
        }

        var block = compression switch
        {
            CaptureCompression.Gzip => StoredGzipMember(tail, size),
            CaptureCompression.Zstd when IsStoredLastBlock(tail.AsSpan(tail.Length - size - 3, 3), size) => tail[^size..],
            CaptureCompression.None => tail[^size..],
            _ => [],
        };

        if (block.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(block) != Pcapng.InterfaceStatisticsBlock
            || BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(4)) != block.Length)
        {
            return null;
        }

        // FormulaTel writes little-endian, microsecond timestamps.
        return CaptureReader.ParseStatistics(block.AsSpan(8, block.Length - 12), bigEndian: false);
    }

    /// <summary>A zstd block header for a raw last block of <paramref name="size"/> bytes.</summary>
    private static bool IsStoredLastBlock(ReadOnlySpan<byte> header, int size) => (header[0] | header[1] << 8 | header[2] << 16) == (size << 3 | 1);

    private static byte[] StoredGzipMember(byte[] tail, int size)
    {
        // gzip header (10 bytes) + deflate's stored-block framing (5 or more) + data + trailer (8).
        for (var start = tail.Length - size - 18; start >= Math.Max(0, tail.Length - size - 64); start--)
        {
            if (tail[start] != 0x1F || tail[start + 1] != 0x8B || tail[start + 2] != 8)
            {
                continue;
            }

            try
            {
                using var member = new GZipStream(new MemoryStream(tail, start, tail.Length - start), CompressionMode.Decompress);
                var inflated = new MemoryStream();
                member.CopyTo(inflated);
                if (inflated.Length == size)
                {
                    return inflated.ToArray();
                }
            }
            catch (InvalidDataException)
            {
            }
        }

        return [];
    }
}
