using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;

namespace FormulaTel.Ingest.Capture;

/// <summary>Why a captured packet holds no UDP datagram to replay.</summary>
public enum PacketSkipReason
{
    None = 0,
    /// <summary>Not IPv4 or IPv6 (ARP, LLDP, …).</summary>
    NotIp,
    /// <summary>IP but not UDP (TCP, ICMP, …).</summary>
    NotUdp,
    /// <summary>A piece of a fragmented datagram (game telemetry fits one packet; fragments are not put together).</summary>
    Fragment,
    /// <summary>Cut short by the capture's snap length or the file: the datagram is not all there.</summary>
    Truncated,
    /// <summary>Headers that do not add up.</summary>
    Malformed,
}

/// <summary>A UDP datagram found in a captured packet; the payload lies in the packet's buffer.</summary>
public readonly record struct UdpDatagram(IPEndPoint Source, IPEndPoint Destination, byte[] Buffer, int Offset, int Length)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(Offset, Length);
}

/// <summary>
/// Finds the UDP datagram in a captured packet with PacketDotNet's packet layers: Ethernet (VLAN tags too),
/// Linux cooked v1 and v2 (tcpdump -i any), BSD loopback, and raw IPv4/IPv6.
/// </summary>
public static class UdpExtractor
{
    public const int LinkTypeNull = 0;
    public const int LinkTypeEthernet = 1;
    public const int LinkTypeRaw = 101;
    public const int LinkTypeLoop = 108;
    public const int LinkTypeLinuxSll = 113;
    public const int LinkTypeIpv4 = 228;
    public const int LinkTypeIpv6 = 229;
    public const int LinkTypeLinuxSll2 = 276;
    /// <summary>Raw IP as some systems number it (DLT_RAW's values on OpenBSD and others).</summary>
    public const int LinkTypeRawLegacy12 = 12;
    public const int LinkTypeRawLegacy14 = 14;

    public static bool IsSupported(int linkType) => linkType is LinkTypeNull or LinkTypeEthernet or LinkTypeRaw or LinkTypeLoop
        or LinkTypeLinuxSll or LinkTypeIpv4 or LinkTypeIpv6 or LinkTypeLinuxSll2 or LinkTypeRawLegacy12 or LinkTypeRawLegacy14;

    public static string Describe(int linkType) => linkType switch
    {
        LinkTypeNull => "BSD loopback",
        LinkTypeEthernet => "Ethernet",
        LinkTypeRaw or LinkTypeRawLegacy12 or LinkTypeRawLegacy14 => "raw IP",
        LinkTypeLoop => "OpenBSD loopback",
        LinkTypeLinuxSll => "Linux cooked",
        LinkTypeLinuxSll2 => "Linux cooked v2",
        LinkTypeIpv4 => "IPv4",
        LinkTypeIpv6 => "IPv6",
        _ => $"link type {linkType}",
    };

    public static PacketSkipReason TryExtract(in CapturedPacket packet, out UdpDatagram datagram)
    {
        datagram = default;
        try
        {
            var segment = new ByteArraySegment(packet.Buffer, 0, packet.Length);
            Packet? parsed = packet.LinkType switch
            {
                LinkTypeEthernet => new EthernetPacket(segment),
                LinkTypeLinuxSll => new LinuxSllPacket(segment),
                LinkTypeLinuxSll2 => new LinuxSll2Packet(segment),
                LinkTypeNull => new NullPacket(segment),
                // OpenBSD's loopback header is the address family in network order: skip it, the IP version says the rest.
                LinkTypeLoop => packet.Length > 4 ? Ip(new ByteArraySegment(packet.Buffer, 4, packet.Length - 4)) : null,
                _ => Ip(segment),
            };

            if (parsed?.Extract<IPPacket>() is not { } ip)
            {
                return PacketSkipReason.NotIp;
            }

            if (ip is IPv4Packet v4 && ((v4.FragmentFlags & 0x1) != 0 || v4.FragmentOffset != 0))
            {
                return PacketSkipReason.Fragment;
            }

            if (ip is IPv6Packet v6 && v6.ExtensionHeaders.Any(h => h is IPv6FragmentationExtensionHeader { FragmentOffset: not 0 } or IPv6FragmentationExtensionHeader { More: true }))
            {
                return PacketSkipReason.Fragment;
            }

            if (ip.Extract<UdpPacket>() is not { } udp)
            {
                return PacketSkipReason.NotUdp;
            }

            var offset = udp.HeaderSegment.Offset + UdpFields.HeaderLength;
            var length = (ushort)udp.Length - UdpFields.HeaderLength;
            if (length < 0)
            {
                return PacketSkipReason.Malformed;
            }

            if (offset + length > packet.Length)
            {
                return PacketSkipReason.Truncated;
            }

            datagram = new UdpDatagram(new IPEndPoint(ip.SourceAddress, udp.SourcePort), new IPEndPoint(ip.DestinationAddress, udp.DestinationPort), packet.Buffer, offset, length);
            return PacketSkipReason.None;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return PacketSkipReason.Malformed;
        }
    }

    private static Packet? Ip(ByteArraySegment segment) =>
        segment.Length < 1 ? null
        : (segment.Bytes[segment.Offset] >> 4) switch
        {
            4 => new IPv4Packet(segment),
            6 => new IPv6Packet(segment),
            _ => null,
        };
}
