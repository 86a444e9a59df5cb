using System.Globalization;
using System.Net.Sockets;

namespace FormulaTel.Ingest.Udp;

/// <summary>
/// Datagrams the kernel dropped for a socket because its receive buffer was full: the "drops" column of the
/// socket's line in /proc/net/udp or /proc/net/udp6 (found by its inode). Those never reach ingest, so nothing
/// else could count them.
/// </summary>
public static class KernelDrops
{
    private static readonly string[] Tables = ["/proc/net/udp6", "/proc/net/udp"];

    /// <summary>The socket's drop count so far; null where the kernel does not say (not Linux, no /proc).</summary>
    public static long? Read(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || Inode(socket) is not { } inode)
        {
            return null;
        }

        foreach (var table in Tables)
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops"
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 13 && fields[9] == inode)
                {
                    return long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var drops) ? drops : null;
                }
            }
        }

        return null;
    }

    private static string? Inode(Socket socket)
    {
        try
        {
            var fd = socket.SafeHandle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
            // "socket:[123456]"
            var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            return target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']') ? target[8..^1] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return null;
        }
    }
}
