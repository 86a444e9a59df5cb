using System.Buffers;
using System.Net;
using FormulaTel.Ingest.Capture;

namespace FormulaTel.Ingest.Replay;

/// <summary>A UDP datagram read from a capture for replay, its payload in a pooled buffer.</summary>
public readonly record struct ReplayDatagram(long Ticks, IPEndPoint Source, byte[] Buffer, int Length)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>
/// One capture file as a sequence of UDP datagrams: packets that hold none are counted by reason and passed
/// over; a file that stops being readable keeps what came before and says where it stopped (<see cref="Error"/>).
/// </summary>
public sealed class ReplayInput : IDisposable
{
    private readonly CaptureReader _reader;
    private readonly int? _destinationPort;
    private readonly long[] _skipped = new long[Enum.GetValues<PacketSkipReason>().Length];

    /// <summary>Opens a capture; a file that is missing or is not a capture throws with a clear message.</summary>
    public ReplayInput(string path, int? destinationPort)
    {
        _reader = CaptureReader.Open(path);
        _destinationPort = destinationPort;
    }

    public string Path => _reader.Path;
    public string Name => System.IO.Path.GetFileName(_reader.Path);
    public long FileLength => _reader.FileLength;
    public long FilePosition => _reader.FilePosition;
    public long Packets { get; private set; }
    public long Datagrams { get; private set; }
    /// <summary>UDP datagrams to another port than --port asked for.</summary>
    public long OtherPorts { get; private set; }
    public CaptureFormatException? Error { get; private set; }

    public long Skipped(PacketSkipReason reason) => _skipped[(int)reason];

    /// <summary>The next datagram (its buffer is the caller's to return); false at the end, or where the file breaks off.</summary>
    public bool TryNext(out ReplayDatagram datagram)
    {
        datagram = default;
        if (Error is not null)
        {
            return false;
        }

        try
        {
            while (_reader.TryRead(out var packet))
            {
                Packets++;
                if (!UdpExtractor.IsSupported(packet.LinkType))
                {
                    throw new CaptureFormatException(Name, packet.Offset, _reader.Compressed,
                        $"{UdpExtractor.Describe(packet.LinkType)} is not a link type replay reads (Ethernet, Linux cooked v1/v2, loopback, raw IPv4/IPv6)");
                }

                var reason = UdpExtractor.TryExtract(packet, out var udp);
                if (reason != PacketSkipReason.None)
                {
                    _skipped[(int)reason]++;
                    continue;
                }

                if (_destinationPort is { } port && udp.Destination.Port != port)
                {
                    OtherPorts++;
                    continue;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, udp.Length));
                udp.Payload.CopyTo(buffer);
                Datagrams++;
                datagram = new ReplayDatagram(packet.TimestampTicks, udp.Source, buffer, udp.Length);
                return true;
            }
        }
        catch (CaptureFormatException e)
        {
            Error = e;
        }

        return false;
    }

    /// <summary>What was passed over, for the summary: "12 not UDP, 3 fragments".</summary>
    public string DescribeSkipped()
    {
        var parts = new List<string>();
        void Add(long count, string what)
        {
            if (count > 0)
            {
                parts.Add($"{count:N0} {what}");
            }
        }

        Add(Skipped(PacketSkipReason.NotIp), "not IP");
        Add(Skipped(PacketSkipReason.NotUdp), "not UDP");
        Add(Skipped(PacketSkipReason.Fragment), "IP fragments");
        Add(Skipped(PacketSkipReason.Truncated), "cut short by the capture");
        Add(Skipped(PacketSkipReason.Malformed), "malformed");
        Add(OtherPorts, "to other ports");
        return string.Join(", ", parts);
    }

    public void Dispose() => _reader.Dispose();
}
