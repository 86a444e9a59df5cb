using System.Buffers;
using System.Net;
using System.Threading.Channels;

namespace FormulaTel.Ingest.Udp;

/// <summary>A received datagram's copy, in a pooled buffer that its consumer gives back with <see cref="Return"/>.</summary>
/// <param name="LocalPort">The UDP port it arrived on.</param>
public readonly record struct ReceivedDatagram(byte[] Buffer, int Length, IPEndPoint Source, int LocalPort, DateTimeOffset ReceivedAt)
{
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);

    /// <summary>A copy of <paramref name="datagram"/> in a pooled buffer.</summary>
    public static ReceivedDatagram Copy(ReadOnlySpan<byte> datagram, IPEndPoint source, int localPort, DateTimeOffset receivedAt)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, datagram.Length));
        datagram.CopyTo(buffer);
        return new ReceivedDatagram(buffer, datagram.Length, source, localPort, receivedAt);
    }

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>Where the receive loop hands every datagram it receives, as the game sent it, before decoding.</summary>
public interface IDatagramSink
{
    /// <summary>Takes a copy, or counts why not; never blocks the receive loop.</summary>
    void Offer(ReadOnlySpan<byte> datagram, IPEndPoint source, int localPort, DateTimeOffset receivedAt);
}

/// <summary>
/// A bounded queue of datagram copies between the receive loop and a consumer that does slow work (files,
/// other sockets). Enqueueing never waits: a full queue refuses, and the caller counts the refusal.
/// </summary>
public sealed class DatagramQueue(int capacity)
{
    private readonly Channel<ReceivedDatagram> _channel = Channel.CreateBounded<ReceivedDatagram>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse rather than wait
        SingleReader = true,
        SingleWriter = false,
    });

    public ChannelReader<ReceivedDatagram> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    public bool TryEnqueue(ReadOnlySpan<byte> datagram, IPEndPoint source, int localPort, DateTimeOffset receivedAt)
    {
        var copy = ReceivedDatagram.Copy(datagram, source, localPort, receivedAt);
        if (_channel.Writer.TryWrite(copy))
        {
            return true;
        }

        copy.Return();
        return false;
    }

    /// <summary>No more datagrams: the consumer drains what is queued and ends.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
