using System.Buffers;
using FormulaTel.Protos.V1;
using Google.Protobuf;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// One datagram's frames, encoded as they are mapped into entries of FrameBatch.frames in a pooled buffer. Frames
/// wait for rpc as bytes rather than as objects the GC would keep promoting, and go out without being encoded again.
/// </summary>
public readonly record struct EncodedFrames(byte[] Buffer, int Length, int Count)
{
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);

    public static EncodedFrames Encode(IReadOnlyList<TelemetryFrame> frames)
    {
        Span<int> sizes = frames.Count <= 64 ? stackalloc int[frames.Count] : new int[frames.Count];
        var total = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            sizes[i] = frames[i].CalculateSize();
            total += FrameBatchWire.EntrySize(sizes[i]);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        var span = buffer.AsSpan(0, total);
        var at = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            at += FrameBatchWire.WriteEntryPrefix(span[at..], sizes[i]);
            frames[i].WriteTo(span.Slice(at, sizes[i]));
            at += sizes[i];
        }

        return new EncodedFrames(buffer, total, frames.Count);
    }

    /// <summary>Gives the buffer back to the pool; the frames are gone (sent and acknowledged, or dropped).</summary>
    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);

    /// <summary>The frames again, as objects (tests, diagnostics).</summary>
    public List<TelemetryFrame> Decode()
    {
        var frames = new List<TelemetryFrame>(Count);
        var bytes = Bytes;
        while (!bytes.IsEmpty)
        {
            var (tag, tagLength) = FrameBatchWire.ReadLength(bytes);
            if (tag != FrameBatchWire.FramesTag)
            {
                throw new InvalidDataException($"Expected a frame entry (tag {FrameBatchWire.FramesTag}), found tag {tag}.");
            }

            var (length, prefix) = FrameBatchWire.ReadLength(bytes[tagLength..]);
            frames.Add(TelemetryFrame.Parser.ParseFrom(bytes.Slice(tagLength + prefix, length)));
            bytes = bytes[(tagLength + prefix + length)..];
        }

        return frames;
    }
}
