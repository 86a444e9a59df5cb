using System.Text.RegularExpressions;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// Keeps the recording directory within its limits: recordings last written longer ago than the age limit go,
/// then the oldest until the total is under the size limit. Only files named as the recorder names them are
/// touched (anything else in the directory is the user's), and never one that is still open.
/// </summary>
public sealed partial class RecordingRetention(TimeSpan maxAge, long maxTotalBytes, TimeProvider time)
{
    /// <summary>The recorder's file names: "20261201-201503_f1-25_silverstone_…_192.168.1.20-54321.pcapng.zst".</summary>
    public static bool IsRecordingName(string fileName) => RecordingNameRegex().IsMatch(fileName);

    /// <summary>Deletes what is over the limits; returns the files deleted with their sizes.</summary>
    public IReadOnlyList<(string Path, long Bytes)> Sweep(string directory, IReadOnlySet<string> open)
    {
        var deleted = new List<(string, long)>();
        if (!Directory.Exists(directory))
        {
            return deleted;
        }

        var files = new DirectoryInfo(directory).EnumerateFiles()
            .Where(f => IsRecordingName(f.Name) && !open.Contains(f.FullName))
            .OrderBy(f => f.LastWriteTimeUtc)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var openBytes = open.Sum(path => File.Exists(path) ? new FileInfo(path).Length : 0);
        var total = files.Sum(f => f.Length) + openBytes;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var file in files)
        {
            var tooOld = now - file.LastWriteTimeUtc > maxAge;
            if (!tooOld && total <= maxTotalBytes)
            {
                break;
            }

            try
            {
                var bytes = file.Length;
                file.Delete();
                total -= bytes;
                deleted.Add((file.FullName, bytes));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not ours to delete: the next sweep sees it again.
            }
        }

        return deleted;
    }

    [GeneratedRegex(@"^\d{8}-\d{6}_[a-z0-9._-]+\.pcapng(\.gz|\.zst)?$")]
    private static partial Regex RecordingNameRegex();
}
