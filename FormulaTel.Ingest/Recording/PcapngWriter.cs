using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FormulaTel.Ingest.Capture;
using static FormulaTel.Ingest.Capture.Pcapng;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// Writes pcapng (the IETF draft "PCAP Next Generation Dump File Format") to a stream: one section, one interface
/// of link type RAW (an IPv4 or IPv6 header, then UDP), an Enhanced Packet Block per datagram with an IP and UDP
/// header made from the datagram's source and destination, and an Interface Statistics Block at the end.
/// Wireshark, tshark, tcpdump and libpcap read it. Little-endian, as the section's byte-order magic says.
/// </summary>
public sealed class PcapngWriter(Stream stream)
{
    public const ushort LinkTypeRaw = 101;

    /// <summary>The largest UDP payload an IPv4 datagram carries; longer ones are written cut to this (and say so).</summary>
    public const int MaxPayload = 65_507;

    private const int Ipv4HeaderSize = 20;
    private const int Ipv6HeaderSize = 40;
    private const int UdpHeaderSize = 8;
    private const int EnhancedPacketOverhead = 32;

    private readonly byte[] _block = new byte[EnhancedPacketOverhead + Ipv6HeaderSize + UdpHeaderSize + MaxPayload + 3];

    /// <summary>The section header, with its comments (the recording's metadata) and the writing application.</summary>
    public void WriteSectionHeader(IEnumerable<string> comments, string application)
    {
        var options = new OptionList();
        foreach (var comment in comments)
        {
            options.Add(OptComment, Encoding.UTF8.GetBytes(comment));
        }

        options.Add(ShbUserApplication, Encoding.UTF8.GetBytes(application));
        var body = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(body, ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(6), 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1); // section length not given: written as a stream
        WriteBlock(SectionHeaderBlock, body, options);
    }

    /// <summary>The one interface every packet is on: raw IP, microsecond timestamps.</summary>
    public void WriteInterface(string name, string description)
    {
        var options = new OptionList();
        options.Add(IfName, Encoding.UTF8.GetBytes(name));
        options.Add(IfDescription, Encoding.UTF8.GetBytes(description));
        options.Add(IfTimestampResolution, [6]);
        var body = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(body, LinkTypeRaw);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), 0); // no snap length
        WriteBlock(InterfaceDescriptionBlock, body, options);
    }

    /// <summary>One datagram as an IP packet from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public void WriteDatagram(ReadOnlySpan<byte> payload, IPEndPoint source, IPEndPoint destination, DateTimeOffset receivedAt)
    {
        var originalPayload = payload.Length;
        if (payload.Length > MaxPayload)
        {
            payload = payload[..MaxPayload];
        }

        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var ipHeader = v6 ? Ipv6HeaderSize : Ipv4HeaderSize;
        var captured = ipHeader + UdpHeaderSize + payload.Length;
        var original = ipHeader + UdpHeaderSize + originalPayload;
        var padded = Pad4(captured);
        var total = EnhancedPacketOverhead + padded;
        var block = _block.AsSpan(0, total);

        BinaryPrimitives.WriteUInt32LittleEndian(block, EnhancedPacketBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], 0);
        WriteTimestamp(block[12..], receivedAt);
        BinaryPrimitives.WriteUInt32LittleEndian(block[20..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], (uint)original);
        var packet = block.Slice(28, captured);
        var udp = packet[ipHeader..];
        if (v6)
        {
            WriteIpv6Header(packet, source.Address, destination.Address, UdpHeaderSize + payload.Length);
        }
        else
        {
            WriteIpv4Header(packet, source.Address, destination.Address, UdpHeaderSize + payload.Length);
        }

        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)destination.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(UdpHeaderSize + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        payload.CopyTo(udp[UdpHeaderSize..]);
        if (v6)
        {
            // IPv6 has no header checksum, so UDP's is mandatory there (IPv4 may leave it 0).
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], UdpChecksumIpv6(packet[8..40], udp));
        }

        block.Slice(28 + captured, padded - captured).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block[(28 + padded)..], (uint)total);
        Write(block);
    }

    /// <summary>Counts and times for the interface, written when a recording closes.</summary>
    public void WriteStatistics(DateTimeOffset at, DateTimeOffset start, DateTimeOffset end, long received, long dropped, string? comment)
    {
        var options = new OptionList();
        Span<byte> value = stackalloc byte[8];
        WriteTimestamp(value, start);
        options.Add(IsbStartTime, value.ToArray());
        WriteTimestamp(value, end);
        options.Add(IsbEndTime, value.ToArray());
        BinaryPrimitives.WriteInt64LittleEndian(value, received);
        options.Add(IsbInterfaceReceived, value.ToArray());
        BinaryPrimitives.WriteInt64LittleEndian(value, dropped);
        options.Add(IsbInterfaceDropped, value.ToArray());
        if (comment is not null)
        {
            options.Add(OptComment, Encoding.UTF8.GetBytes(comment));
        }

        var body = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(body, 0);
        WriteTimestamp(body.AsSpan(4), at);
        WriteBlock(InterfaceStatisticsBlock, body, options);
    }

    /// <summary>Microseconds since the Unix epoch, high word first, as pcapng's timestamps are.</summary>
    public static void WriteTimestamp(Span<byte> destination, DateTimeOffset at)
    {
        var micros = (ulong)((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)(micros >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)micros);
    }

    private void WriteBlock(uint type, byte[] body, OptionList options)
    {
        var optionBytes = options.ToArray();
        var total = 12 + body.Length + optionBytes.Length;
        var block = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(block, type);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), (uint)total);
        body.CopyTo(block, 8);
        optionBytes.CopyTo(block, 8 + body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(total - 4), (uint)total);
        Write(block);
    }

    private void Write(ReadOnlySpan<byte> bytes) => stream.Write(bytes);

    private static void WriteIpv4Header(Span<byte> header, IPAddress source, IPAddress destination, int udpLength)
    {
        header[0] = 0x45; // version 4, 5 words
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Ipv4HeaderSize + udpLength));
        // Identification 0: the datagram is never fragmented (RFC 6864), and a constant compresses to nothing.
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], 0x4000); // don't fragment
        header[8] = 64;
        header[9] = (byte)ProtocolType.Udp;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        source.TryWriteBytes(header[12..16], out _);
        destination.TryWriteBytes(header[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], OnesComplement(Sum(header[..Ipv4HeaderSize], 0)));
    }

    private static void WriteIpv6Header(Span<byte> header, IPAddress source, IPAddress destination, int udpLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x6000_0000);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)udpLength);
        header[6] = (byte)ProtocolType.Udp;
        header[7] = 64;
        source.TryWriteBytes(header[8..24], out _);
        destination.TryWriteBytes(header[24..40], out _);
    }

    private static ushort UdpChecksumIpv6(ReadOnlySpan<byte> addresses, ReadOnlySpan<byte> udp)
    {
        // Pseudo-header: both addresses, the UDP length and the next-header value.
        var sum = Sum(addresses, 0) + (uint)udp.Length + (uint)ProtocolType.Udp;
        var checksum = OnesComplement(Sum(udp, sum));
        return checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    private static ulong Sum(ReadOnlySpan<byte> bytes, ulong sum)
    {
        var i = 0;
        for (; i + 1 < bytes.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        }

        if (i < bytes.Length)
        {
            sum += (ulong)bytes[i] << 8;
        }

        return sum;
    }

    private static ushort OnesComplement(ulong sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static int Pad4(int length) => (length + 3) & ~3;

    /// <summary>pcapng options: code, length, value padded to 4 bytes, ended by opt_endofopt.</summary>
    private sealed class OptionList
    {
        private readonly MemoryStream _bytes = new();

        public void Add(ushort code, ReadOnlySpan<byte> value)
        {
            Span<byte> head = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(head, code);
            BinaryPrimitives.WriteUInt16LittleEndian(head[2..], (ushort)value.Length);
            _bytes.Write(head);
            _bytes.Write(value);
            _bytes.Write(new byte[Pad4(value.Length) - value.Length]);
        }

        public byte[] ToArray()
        {
            if (_bytes.Length == 0)
            {
                return [];
            }

            _bytes.Write(new byte[4]); // opt_endofopt
            return _bytes.ToArray();
        }
    }
}
