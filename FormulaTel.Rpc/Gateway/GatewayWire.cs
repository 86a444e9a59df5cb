using System.Buffers;
using FormulaTel.Protos.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FormulaTel.Rpc.Gateway;

/// <summary>A publisher's batch as rpc reads it: each frame with its bytes (see <see cref="PublishedFrame"/>).</summary>
public sealed class ReceivedBatch
{
    public ulong Sequence { get; set; }

    public List<PublishedFrame> Frames { get; } = [];
}

/// <summary>A batch for a watcher, written from the frames' own bytes.</summary>
public sealed class WatchBatch
{
    public ulong Sequence { get; set; }

    public List<PublishedFrame> Frames { get; } = [];
}

/// <summary>The gateway service as rpc binds it (gRPC finds the handlers as overrides of these methods).</summary>
[BindServiceMethod(typeof(GatewayServiceBase), nameof(BindService))]
public abstract class GatewayServiceBase
{
    public abstract Task Publish(IAsyncStreamReader<ReceivedBatch> requestStream, IServerStreamWriter<PublishAck> responseStream, ServerCallContext context);

    public abstract Task Watch(WatchRequest request, IServerStreamWriter<WatchBatch> responseStream, ServerCallContext context);

    /// <summary>Called by gRPC with no instance, to learn the methods.</summary>
    public static void BindService(ServiceBinderBase binder, GatewayServiceBase? service)
    {
        binder.AddMethod(GatewayWire.Publish, service is null ? null : service.Publish);
        binder.AddMethod(GatewayWire.Watch, service is null ? null : service.Watch);
    }
}

/// <summary>
/// The gateway's methods as rpc serves them: the same service, method names and wire format as
/// formulatel.v1.TelemetryGateway (gateway.proto; publishers and watchers use its generated client), but FrameBatch
/// is read and written by hand, so a frame's bytes pass from publisher to watcher without being encoded again.
/// </summary>
public static class GatewayWire
{
    private static readonly string ServiceName = TelemetryGateway.Descriptor.FullName;

    public static readonly Method<ReceivedBatch, PublishAck> Publish = new(
        MethodType.DuplexStreaming, ServiceName, "Publish",
        Marshallers.Create<ReceivedBatch>(static (_, _) => throw new NotSupportedException("rpc only reads publish batches"), ReadBatch),
        Marshallers.Create<PublishAck>(static (ack, context) => WriteMessage(ack, context), static context => PublishAck.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    public static readonly Method<WatchRequest, WatchBatch> Watch = new(
        MethodType.ServerStreaming, ServiceName, "Watch",
        Marshallers.Create<WatchRequest>(static (request, context) => WriteMessage(request, context), static context => WatchRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence())),
        Marshallers.Create<WatchBatch>(WriteBatch, static _ => throw new NotSupportedException("rpc only writes watch batches")));


    /// <summary>Reads a FrameBatch, keeping each frame's bytes (slices of one array per batch).</summary>
    public static ReceivedBatch ReadBatch(DeserializationContext context)
    {
        var bytes = context.PayloadAsNewBuffer();
        return ReadBatch(bytes);
    }

    public static ReceivedBatch ReadBatch(byte[] bytes)
    {
        var batch = new ReceivedBatch();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == FrameBatchWire.SequenceTag)
            {
                batch.Sequence = input.ReadUInt64();
            }
            else if (tag == FrameBatchWire.FramesTag)
            {
                var start = (int)input.Position;
                input.SkipLastField();
                var (length, prefix) = FrameBatchWire.ReadLength(bytes.AsSpan(start));
                var frameBytes = bytes.AsMemory(start + prefix, length);
                batch.Frames.Add(PublishedFrame.Read(frameBytes));
            }
            else
            {
                // A field added to FrameBatch later: read past it, as the generated parser would.
                input.SkipLastField();
            }
        }

        return batch;
    }

    /// <summary>Writes a FrameBatch from the frames' bytes.</summary>
    public static void WriteBatch(WatchBatch batch, SerializationContext context)
    {
        var size = FrameBatchWire.SequenceSize(batch.Sequence);
        foreach (var frame in batch.Frames)
        {
            size += FrameBatchWire.EntrySize(frame.Bytes.Length);
        }

        context.SetPayloadLength(size);
        var writer = context.GetBufferWriter();
        var span = writer.GetSpan(size)[..size];
        var at = FrameBatchWire.WriteSequence(span, batch.Sequence);
        foreach (var frame in batch.Frames)
        {
            at += FrameBatchWire.WriteEntryPrefix(span[at..], frame.Bytes.Length);
            frame.Bytes.Span.CopyTo(span[at..]);
            at += frame.Bytes.Length;
        }

        writer.Advance(size);
        context.Complete();
    }

    private static void WriteMessage(IMessage message, SerializationContext context)
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}
