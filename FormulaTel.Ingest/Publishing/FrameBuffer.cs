using System.Threading.Channels;
using FormulaTel.Protos.V1;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// The bounded hand-off between the UDP receive loop and the stream to rpc. Writing never blocks: when full,
/// the oldest frame makes room (live telemetry values the newest) and the drop is counted.
/// </summary>
public sealed class FrameBuffer
{
    private readonly Channel<TelemetryFrame> _channel;

    public FrameBuffer(IOptions<IngestOptions> options, IngestMetrics metrics)
    {
        _channel = Channel.CreateBounded<TelemetryFrame>(
            new BoundedChannelOptions(options.Value.BufferCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ => metrics.FrameDroppedBufferFull());
    }

    public ChannelReader<TelemetryFrame> Reader => _channel.Reader;

    public void Write(TelemetryFrame frame) => _channel.Writer.TryWrite(frame);

    public int Count => _channel.Reader.Count;
}
