namespace FormulaTel.History.Api;

/// <summary>A session's raw recording as the API lists it (a pcapng file ingest wrote).</summary>
public sealed record RecordingFileRow(string Name, long Bytes, DateTimeOffset LastWrite);

/// <summary>
/// Finds a session's recordings in ingest's recording directory by their names, which carry the session uid and
/// the source ("20261201-201503_f1-24_silverstone_1234567890_192.168.1.20-54321.pcapng.zst"): one file per source
/// and session, another if ingest restarted mid-session.
/// </summary>
public static class SessionRecordings
{
    private static readonly string[] Endings = [".pcapng.zst", ".pcapng.gz", ".pcapng"];

    public static IReadOnlyList<RecordingFileRow> Find(string directory, string sourceId, string sessionUid)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var marker = $"_{sessionUid}_{Slug(sourceId)}.";
        return [.. new DirectoryInfo(directory).EnumerateFiles()
            .Where(f => f.Name.Contains(marker, StringComparison.Ordinal) && Endings.Any(e => f.Name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new RecordingFileRow(f.Name, f.Length, f.LastWriteTimeUtc))];
    }

    public static string ContentType(string name) =>
        name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? "application/gzip"
        : name.EndsWith(".zst", StringComparison.OrdinalIgnoreCase) ? "application/zstd"
        : "application/vnd.tcpdump.pcap";

    // As ingest names its files: lower case, anything but letters, digits and dots a single dash.
    private static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}
