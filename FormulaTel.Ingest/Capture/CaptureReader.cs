using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FormulaTel.Ingest.Capture;

/// <summary>The two capture file formats.</summary>
public enum CaptureFormat
{
    Pcap,
    Pcapng,
}

/// <summary>A capture that cannot be read past <see cref="Offset"/>: what came before it was read.</summary>
public sealed class CaptureFormatException(string file, long offset, bool compressed, string problem)
    : Exception($"{file}: {problem} at byte {offset:N0}{(compressed ? " of the decompressed capture" : "")}")
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
    public string Problem { get; } = problem;
}

/// <summary>One captured packet as the file holds it: link-layer bytes, valid until the next read.</summary>
public readonly record struct CapturedPacket(long TimestampTicks, int LinkType, byte[] Buffer, int Length, int OriginalLength, long Offset)
{
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);
    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);
}

/// <summary>
/// Reads pcap (libpcap's format, either byte order, micro- or nanosecond timestamps) and pcapng (sections,
/// interfaces with their link types and timestamp resolutions, enhanced, simple and obsolete packet blocks;
/// other blocks skipped), gzip-compressed or not (told by the content, not the name) — what tcpdump, Wireshark,
/// dumpcap and FormulaTel write. A damaged or cut-short file raises <see cref="CaptureFormatException"/> naming
/// the byte where reading stopped.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    /// <summary>Larger than any packet a capture of UDP telemetry holds; a larger length means a damaged file.</summary>
    public const int MaxPacketLength = 262_144;

    private const uint PcapMagicMicros = 0xA1B2C3D4;
    private const uint PcapMagicNanos = 0xA1B23C4D;

    /// <summary>zstd's frame magic number, little-endian (RFC 8878).</summary>
    public const uint ZstdMagic = 0xFD2FB528;
    private const int MaxBlockLength = MaxPacketLength + 4096;

    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly string _name;
    private readonly byte[] _block = new byte[MaxBlockLength];
    private readonly List<Interface> _interfaces = [];
    private readonly List<string> _comments = [];
    private long _offset;
    private bool _bigEndian;
    private long _pcapTicksPerUnit;
    private int _pcapLinkType;
    private long _lastTicks;

    private CaptureReader(string path, FileStream file, Stream stream, CaptureCompression compression)
    {
        Path = path;
        _name = System.IO.Path.GetFileName(path);
        _file = file;
        _stream = stream;
        Compression = compression;
    }

    public string Path { get; }
    public CaptureCompression Compression { get; }
    public bool Compressed => Compression != CaptureCompression.None;
    public CaptureFormat Format { get; private set; }

    /// <summary>The file's size on disk, and how far into it reading has got (for progress).</summary>
    public long FileLength => _file.Length;
    public long FilePosition => _file.Position;

    /// <summary>The first section's comments (pcapng), where FormulaTel writes a recording's metadata.</summary>
    public IReadOnlyList<string> SectionComments => _comments;

    /// <summary>The last Interface Statistics Block read, if any (FormulaTel writes one when a recording closes).</summary>
    public CaptureStatistics? Statistics { get; private set; }

    /// <summary>Opens a capture and reads its file header; a file that is not a capture gets a clear error.</summary>
    public static CaptureReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            var read = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            var compression = read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B ? CaptureCompression.Gzip
                : read == 4 && BinaryPrimitives.ReadUInt32LittleEndian(magic) == ZstdMagic ? CaptureCompression.Zstd
                : CaptureCompression.None;
            file.Position = 0;
            Stream stream = compression switch
            {
                CaptureCompression.Gzip => new BufferedStream(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), 64 * 1024),
                CaptureCompression.Zstd => new BufferedStream(new ZstdSharp.DecompressionStream(file, leaveOpen: true), 64 * 1024),
                _ => file,
            };
            var reader = new CaptureReader(path, file, stream, compression);
            reader.ReadFileHeader();
            return reader;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The next packet; false at the end of the file.</summary>
    public bool TryRead(out CapturedPacket packet) => Format == CaptureFormat.Pcap ? TryReadPcap(out packet) : TryReadPcapng(out packet);

    public void Dispose()
    {
        if (!ReferenceEquals(_stream, _file))
        {
            _stream.Dispose();
        }

        _file.Dispose();
    }

    private void ReadFileHeader()
    {
        Span<byte> head = stackalloc byte[4];
        var got = ReadUpTo(head);
        if (got < 4)
        {
            throw Problem(0, got == 0 ? "empty file, not a capture" : "too short to be a capture");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (magic == Pcapng.SectionHeaderBlock)
        {
            Format = CaptureFormat.Pcapng;
            ReadExactly(head, 0, "a section header");
            ReadSectionHeader(0, head);
            return;
        }

        (_bigEndian, _pcapTicksPerUnit) = magic switch
        {
            PcapMagicMicros => (false, 10L),
            PcapMagicNanos => (false, 0L),
            _ when BinaryPrimitives.ReverseEndianness(magic) == PcapMagicMicros => (true, 10L),
            _ when BinaryPrimitives.ReverseEndianness(magic) == PcapMagicNanos => (true, 0L),
            _ => throw Problem(0, $"not a pcap or pcapng capture (starts with 0x{magic:X8})"),
        };
        Format = CaptureFormat.Pcap;
        var header = _block.AsSpan(0, 20);
        ReadExactly(header, 4, "the pcap file header");
        // The link type's upper bits may carry FCS information (pcap's newer spec); the type is the low 28.
        _pcapLinkType = (int)(U32(header[16..]) & 0x0FFF_FFFF);
    }

    private bool TryReadPcap(out CapturedPacket packet)
    {
        packet = default;
        var start = _offset;
        Span<byte> header = stackalloc byte[16];
        var got = ReadUpTo(header);
        if (got == 0)
        {
            return false;
        }

        if (got < 16)
        {
            throw Problem(start, "the file ends inside a packet header");
        }

        var seconds = U32(header);
        var fraction = U32(header[4..]);
        var captured = U32(header[8..]);
        var original = U32(header[12..]);
        if (captured > MaxPacketLength)
        {
            throw Problem(start, $"packet length {captured:N0} is more than a capture holds (damaged file?)");
        }

        ReadExactly(_block.AsSpan(0, (int)captured), start, $"a packet of {captured:N0} bytes");
        var ticks = DateTimeOffset.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond
            + (_pcapTicksPerUnit == 0 ? fraction / 100 : fraction * _pcapTicksPerUnit);
        packet = new CapturedPacket(ticks, _pcapLinkType, _block, (int)captured, (int)original, start);
        return true;
    }

    private bool TryReadPcapng(out CapturedPacket packet)
    {
        Span<byte> head = stackalloc byte[8];
        while (true)
        {
            var start = _offset;
            var got = ReadUpTo(head);
            if (got == 0)
            {
                packet = default;
                return false;
            }

            if (got < 8)
            {
                throw Problem(start, "the file ends inside a block header");
            }

            var type = BinaryPrimitives.ReadUInt32LittleEndian(head);
            if (type == Pcapng.SectionHeaderBlock)
            {
                // A new section: its own byte order and interfaces.
                _interfaces.Clear();
                ReadSectionHeader(start, head[4..]);
                continue;
            }

            type = U32(head);
            var body = ReadBlockBody(start, U32(head[4..]));
            switch (type)
            {
                case Pcapng.InterfaceDescriptionBlock:
                    ReadInterface(start, body);
                    break;
                case Pcapng.EnhancedPacketBlock:
                    packet = EnhancedPacket(start, body);
                    return true;
                case Pcapng.SimplePacketBlock: // interface 0, no timestamp
                    packet = SimplePacket(start, body);
                    return true;
                case Pcapng.ObsoletePacketBlock:
                    packet = ObsoletePacket(start, body);
                    return true;
                case Pcapng.InterfaceStatisticsBlock:
                    Statistics = ReadStatistics(body);
                    break;
                default:
                    break; // name resolution, journal, decryption secrets, custom: nothing to replay
            }
        }
    }

    /// <summary>Reads a section header whose type and length (4 bytes each, still in the section's byte order) are read.</summary>
    private void ReadSectionHeader(long start, ReadOnlySpan<byte> rawLength)
    {
        Span<byte> order = stackalloc byte[4];
        ReadExactly(order, start, "a section header");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(order);
        _bigEndian = magic switch
        {
            Pcapng.ByteOrderMagic => false,
            _ when BinaryPrimitives.ReverseEndianness(magic) == Pcapng.ByteOrderMagic => true,
            _ => throw Problem(start, $"section header with an unknown byte-order magic 0x{magic:X8}"),
        };
        var length = U32(rawLength);
        if (length < 28 || length % 4 != 0 || length > MaxBlockLength)
        {
            throw Problem(start, $"section header length {length:N0} is not valid");
        }

        // What is left: version (4), section length (8), options, trailing length (4).
        var rest = _block.AsSpan(0, (int)length - 12);
        ReadExactly(rest, start, $"a section header of {length:N0} bytes");
        if (U32(rest[^4..]) != length)
        {
            throw Problem(start, "section header's trailing length does not match its length (damaged file?)");
        }

        if (_comments.Count == 0)
        {
            foreach (var (code, value) in Options(rest[12..^4]))
            {
                if (code == Pcapng.OptComment)
                {
                    _comments.Add(Encoding.UTF8.GetString(value));
                }
            }
        }
    }

    private Span<byte> ReadBlockBody(long start, uint length)
    {
        if (length < 12 || length % 4 != 0 || length > MaxBlockLength)
        {
            throw Problem(start, $"block length {length:N0} is not valid (damaged file?)");
        }

        var rest = _block.AsSpan(0, (int)length - 8);
        ReadExactly(rest, start, $"a block of {length:N0} bytes");
        if (U32(rest[^4..]) != length)
        {
            throw Problem(start, "block's trailing length does not match its length (damaged file?)");
        }

        return rest[..^4];
    }

    private void ReadInterface(long start, Span<byte> body)
    {
        if (body.Length < 8)
        {
            throw Problem(start, "interface description too short");
        }

        var linkType = U16(body);
        long unitsPerSecond = 1_000_000;
        long offsetSeconds = 0;
        foreach (var (code, value) in Options(body[8..]))
        {
            if (code == Pcapng.IfTimestampResolution && value.Length >= 1)
            {
                // if_tsresol: a power of 10, or of 2 when the top bit is set.
                var exponent = value[0] & 0x7F;
                if (exponent > 30)
                {
                    throw Problem(start, $"timestamp resolution 2^-{exponent} or 10^-{exponent} is not supported");
                }

                unitsPerSecond = (value[0] & 0x80) != 0 ? 1L << Math.Min(exponent, 62) : exponent <= 18 ? (long)Math.Pow(10, exponent) : long.MaxValue;
            }
            else if (code == Pcapng.IfTimestampOffset && value.Length >= 8)
            {
                offsetSeconds = (long)U64(value);
            }
        }

        _interfaces.Add(new Interface(linkType, unitsPerSecond, offsetSeconds));
    }

    private CapturedPacket EnhancedPacket(long start, Span<byte> body)
    {
        if (body.Length < 20)
        {
            throw Problem(start, "enhanced packet block too short");
        }

        var face = InterfaceAt(start, (int)U32(body));
        var units = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        var captured = (int)U32(body[12..]);
        var original = (int)U32(body[16..]);
        if (captured < 0 || captured > body.Length - 20)
        {
            throw Problem(start, $"packet length {captured:N0} does not fit its block (damaged file?)");
        }

        return Packet(start, face, Ticks(face, units), body.Slice(20, captured), original);
    }

    private CapturedPacket SimplePacket(long start, Span<byte> body)
    {
        if (body.Length < 4)
        {
            throw Problem(start, "simple packet block too short");
        }

        var face = InterfaceAt(start, 0);
        var original = (int)U32(body);
        var captured = Math.Min(original, body.Length - 4);
        return Packet(start, face, _lastTicks, body.Slice(4, captured), original);
    }

    private CapturedPacket ObsoletePacket(long start, Span<byte> body)
    {
        if (body.Length < 20)
        {
            throw Problem(start, "packet block too short");
        }

        var face = InterfaceAt(start, U16(body));
        var units = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        var captured = (int)U32(body[12..]);
        if (captured < 0 || captured > body.Length - 20)
        {
            throw Problem(start, $"packet length {captured:N0} does not fit its block (damaged file?)");
        }

        return Packet(start, face, Ticks(face, units), body.Slice(20, captured), (int)U32(body[16..]));
    }

    private CapturedPacket Packet(long start, Interface face, long ticks, Span<byte> data, int original)
    {
        // The data sits inside the block buffer; move it to the front so the packet is (buffer, 0, length).
        data.CopyTo(_block);
        _lastTicks = ticks;
        return new CapturedPacket(ticks, face.LinkType, _block, data.Length, original, start);
    }

    private Interface InterfaceAt(long start, int id) =>
        id >= 0 && id < _interfaces.Count ? _interfaces[id]
            : throw Problem(start, $"packet on interface {id}, which the section has not described");

    private static long Ticks(Interface face, ulong units)
    {
        var seconds = (long)(units / (ulong)face.UnitsPerSecond);
        var remainder = (long)(units % (ulong)face.UnitsPerSecond);
        var fraction = face.UnitsPerSecond >= TimeSpan.TicksPerSecond
            ? remainder / (face.UnitsPerSecond / TimeSpan.TicksPerSecond)
            : remainder * TimeSpan.TicksPerSecond / face.UnitsPerSecond;
        return DateTimeOffset.UnixEpoch.Ticks + (seconds + face.OffsetSeconds) * TimeSpan.TicksPerSecond + fraction;
    }

    private CaptureStatistics ReadStatistics(Span<byte> body)
    {
        var face = _interfaces.Count > 0 ? _interfaces[0] : new Interface(0, 1_000_000, 0);
        return ParseStatistics(body, _bigEndian, face.UnitsPerSecond, face.OffsetSeconds);
    }

    /// <summary>
    /// An Interface Statistics Block's body (after type and length, before the trailing length), its times in
    /// the interface's units.
    /// </summary>
    public static CaptureStatistics ParseStatistics(ReadOnlySpan<byte> body, bool bigEndian, long unitsPerSecond = 1_000_000, long offsetSeconds = 0)
    {
        DateTimeOffset? startTime = null, endTime = null;
        long? received = null, dropped = null;
        string? comment = null;
        var face = new Interface(0, unitsPerSecond, offsetSeconds);
        ulong Read64(ReadOnlySpan<byte> b) => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
        uint Read32(ReadOnlySpan<byte> b) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
        DateTimeOffset Time(ReadOnlySpan<byte> b) => new(Ticks(face, ((ulong)Read32(b) << 32) | Read32(b[4..])), TimeSpan.Zero);
        if (body.Length >= 12)
        {
            foreach (var (code, value) in Options(body[12..], bigEndian))
            {
                switch (code)
                {
                    case Pcapng.OptComment:
                        comment = Encoding.UTF8.GetString(value);
                        break;
                    case Pcapng.IsbStartTime when value.Length >= 8:
                        startTime = Time(value);
                        break;
                    case Pcapng.IsbEndTime when value.Length >= 8:
                        endTime = Time(value);
                        break;
                    case Pcapng.IsbInterfaceReceived when value.Length >= 8:
                        received = (long)Read64(value);
                        break;
                    case Pcapng.IsbInterfaceDropped when value.Length >= 8:
                        dropped = (long)Read64(value);
                        break;
                }
            }
        }

        return new CaptureStatistics(startTime, endTime, received, dropped, comment);
    }

    private List<(ushort Code, byte[] Value)> Options(ReadOnlySpan<byte> options) => Options(options, _bigEndian);

    private static List<(ushort Code, byte[] Value)> Options(ReadOnlySpan<byte> options, bool bigEndian)
    {
        var list = new List<(ushort, byte[])>();
        while (options.Length >= 4)
        {
            var code = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(options) : BinaryPrimitives.ReadUInt16LittleEndian(options);
            var length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(options[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(options[2..]);
            if (code == 0 || 4 + length > options.Length)
            {
                break;
            }

            list.Add((code, options.Slice(4, length).ToArray()));
            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }

        return list;
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var read = _stream.Read(buffer[total..]);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException)
        {
            throw Problem(_offset + total, $"the {Compression.ToString().ToLowerInvariant()} data is damaged or cut short ({e.Message})");
        }

        _offset += total;
        return total;
    }

    private void ReadExactly(Span<byte> buffer, long blockStart, string what)
    {
        var got = ReadUpTo(buffer);
        if (got < buffer.Length)
        {
            throw Problem(blockStart, $"the file ends inside {what}");
        }
    }

    private CaptureFormatException Problem(long offset, string problem) => new(_name, offset, Compressed, problem);

    private uint U32(ReadOnlySpan<byte> bytes) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private ushort U16(ReadOnlySpan<byte> bytes) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    private ulong U64(ReadOnlySpan<byte> bytes) => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    private sealed record Interface(int LinkType, long UnitsPerSecond, long OffsetSeconds);
}

/// <summary>An Interface Statistics Block's counts and times.</summary>
public sealed record CaptureStatistics(DateTimeOffset? Start, DateTimeOffset? End, long? Received, long? Dropped, string? Comment);
