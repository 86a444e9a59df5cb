using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// The bounded hand-off between the UDP receive loop and the stream to rpc, one entry per datagram's frames.
/// Writing never blocks: past <see cref="IngestOptions.BufferCapacity"/> frames the oldest datagrams' frames make
/// room (live telemetry values the newest) and the dropped frames are counted.
/// </summary>
public sealed class FrameBuffer(IOptions<IngestOptions> options, IngestMetrics metrics)
{
    // Unbounded with several readers: the bound is in frames, and the writer itself takes the oldest out to keep it.
    private readonly Channel<EncodedFrames> _channel = Channel.CreateUnbounded<EncodedFrames>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly int _capacity = options.Value.BufferCapacity;
    private int _frames;

    public void Write(EncodedFrames frames)
    {
        _channel.Writer.TryWrite(frames);
        if (Interlocked.Add(ref _frames, frames.Count) <= _capacity)
        {
            return;
        }

        while (Volatile.Read(ref _frames) > _capacity && _channel.Reader.TryRead(out var oldest))
        {
            Interlocked.Add(ref _frames, -oldest.Count);
            oldest.Release();
            metrics.FramesDroppedBufferFull(oldest.Count);
        }
    }

    public bool TryRead(out EncodedFrames frames)
    {
        if (!_channel.Reader.TryRead(out frames))
        {
            return false;
        }

        Interlocked.Add(ref _frames, -frames.Count);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Frames waiting.</summary>
    public int Count => Volatile.Read(ref _frames);
}
