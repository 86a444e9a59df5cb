using FormulaTel.Protos.V1;
using Grpc.Core;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// A batch on its way to rpc: whole datagrams' encoded frames and a sequence number, written as a FrameBatch. Kept
/// until rpc acknowledges it (and sent again after a reconnect), then its buffers go back to the pool.
/// </summary>
public sealed class OutgoingBatch
{
    public ulong Sequence { get; set; }

    public List<EncodedFrames> Parts { get; } = [];

    public int FrameCount { get; private set; }

    public void Add(EncodedFrames frames)
    {
        Parts.Add(frames);
        FrameCount += frames.Count;
    }

    public void Release()
    {
        foreach (var part in Parts)
        {
            part.Release();
        }

        Parts.Clear();
        FrameCount = 0;
    }

    /// <summary>The batch as FrameBatch's bytes: its parts are already frame entries, so they are copied as they are.</summary>
    public static void Write(OutgoingBatch batch, SerializationContext context)
    {
        var size = FrameBatchWire.SequenceSize(batch.Sequence);
        foreach (var part in batch.Parts)
        {
            size += part.Length;
        }

        context.SetPayloadLength(size);
        var writer = context.GetBufferWriter();
        var span = writer.GetSpan(size)[..size];
        var at = FrameBatchWire.WriteSequence(span, batch.Sequence);
        foreach (var part in batch.Parts)
        {
            part.Bytes.CopyTo(span[at..]);
            at += part.Length;
        }

        writer.Advance(size);
        context.Complete();
    }
}
