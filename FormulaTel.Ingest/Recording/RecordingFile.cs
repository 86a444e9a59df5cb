using System.IO.Compression;
using System.Net;
using FormulaTel.Ingest.Capture;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// One open recording: a pcapng stream, compressed with zstd or gzip or not at all. The section header carries the
/// metadata; each datagram is an Enhanced Packet Block; <see cref="Close"/> adds an Interface Statistics Block
/// (start, end, count). Compressed, that last block is stored rather than compressed (zstd: the frame's last block;
/// gzip: a member of its own), so a listing reads it from the file's tail without decompressing the file
/// (<see cref="RecordingCatalog"/>). Between <see cref="Flush"/>es the stream is a valid prefix: a recording cut
/// short by a crash reads up to its last flush.
/// </summary>
public sealed class RecordingFile : IDisposable
{
    public const string Application = "FormulaTel ingest";

    private readonly FileStream _file;
    private readonly Stream? _compressor;
    private readonly CaptureCompression _compression;
    private readonly PcapngWriter _writer;
    private bool _closed;

    private RecordingFile(string path, FileStream file, Stream? compressor, CaptureCompression compression)
    {
        Path = path;
        _file = file;
        _compressor = compressor;
        _compression = compression;
        _writer = new PcapngWriter(compressor ?? file);
    }

    public static CaptureCompression CompressionOf(string path) =>
        path.EndsWith(".zst", StringComparison.OrdinalIgnoreCase) ? CaptureCompression.Zstd
        : path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CaptureCompression.Gzip
        : CaptureCompression.None;

    public static string Extension(CaptureCompression compression) => compression switch
    {
        CaptureCompression.Zstd => ".pcapng.zst",
        CaptureCompression.Gzip => ".pcapng.gz",
        _ => ".pcapng",
    };

    /// <summary>The level used when none is given: zstd 3, gzip 6 (each tool's own default).</summary>
    public static int DefaultLevel(CaptureCompression compression) => compression == CaptureCompression.Zstd ? 3 : 6;

    public string Path { get; }
    public long Datagrams { get; private set; }
    public DateTimeOffset? FirstAt { get; private set; }
    public DateTimeOffset? LastAt { get; private set; }

    /// <summary>Bytes handed to the file so far (a compressor may still hold some).</summary>
    public long BytesOnDisk => _file.Length;

    /// <summary>
    /// Creates the file (never overwriting: "-2", "-3", … are tried after the name) and writes its section and
    /// interface headers. Compressed as the name's ending says (.zst, .gz); <paramref name="level"/> null takes
    /// the compressor's default.
    /// </summary>
    public static RecordingFile Create(string path, int? level, RecordingMetadata metadata, string interfaceName, string interfaceDescription)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        System.IO.Directory.CreateDirectory(directory);
        var file = CreateNew(path, out path);
        var compression = CompressionOf(path);
        Stream? compressor = null;
        try
        {
            compressor = compression switch
            {
                CaptureCompression.Zstd => ZstdCompression.Create(file, level ?? DefaultLevel(compression)),
                CaptureCompression.Gzip => new GZipStream(file, new ZLibCompressionOptions { CompressionLevel = level ?? DefaultLevel(compression) }, leaveOpen: true),
                _ => null,
            };
            var recording = new RecordingFile(path, file, compressor, compression);
            recording._writer.WriteSectionHeader(metadata.ToComments(), Application);
            recording._writer.WriteInterface(interfaceName, interfaceDescription);
            return recording;
        }
        catch
        {
            compressor?.Dispose();
            file.Dispose();
            throw;
        }
    }

    public void Write(ReadOnlySpan<byte> payload, IPEndPoint source, IPEndPoint destination, DateTimeOffset receivedAt)
    {
        _writer.WriteDatagram(payload, source, destination, receivedAt);
        Datagrams++;
        FirstAt ??= receivedAt;
        LastAt = receivedAt;
    }

    /// <summary>Pushes everything written so far to the file (a gzip sync flush: readable up to here).</summary>
    public void Flush()
    {
        _compressor?.Flush();
        _file.Flush();
    }

    /// <summary>Writes the statistics block and closes the file.</summary>
    public void Close(DateTimeOffset at, long dropped, string? comment)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            var start = FirstAt ?? at;
            var statistics = new MemoryStream();
            new PcapngWriter(statistics).WriteStatistics(at, start, LastAt ?? start, Datagrams, dropped, comment);
            switch (_compressor)
            {
                case ZstdCompression.ZstdFrameStream zstd:
                    // The frame's last block, stored: the file's last bytes are the statistics block.
                    zstd.EndWithStoredBlock(statistics.ToArray());
                    break;
                case GZipStream gzip:
                    // A gzip member of its own, stored (gzip readers, Wireshark's too, read concatenated members).
                    gzip.Dispose();
                    using (var tail = new GZipStream(_file, CompressionLevel.NoCompression, leaveOpen: true))
                    {
                        tail.Write(statistics.ToArray());
                    }

                    break;
                default:
                    _file.Write(statistics.ToArray());
                    break;
            }

            _file.Flush();
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>Closes without the statistics block (after a failed write): what was flushed stays readable.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            _compressor?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The disk that failed the write fails this too; the file keeps what reached it.
        }

        try
        {
            _file.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static FileStream CreateNew(string path, out string created)
    {
        var name = System.IO.Path.GetFileName(path);
        var extension = new[] { ".pcapng.zst", ".pcapng.gz", ".pcapng" }.FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            ?? System.IO.Path.GetExtension(name);
        var stem = path[..^extension.Length];
        for (var attempt = 1; ; attempt++)
        {
            created = attempt == 1 ? path : $"{stem}-{attempt}{extension}";
            try
            {
                return new FileStream(created, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 16 * 1024);
            }
            catch (IOException) when (attempt < 100 && File.Exists(created))
            {
            }
        }
    }
}
