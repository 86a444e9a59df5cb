using Google.Protobuf;

namespace FormulaTel.Protos.V1;

/// <summary>
/// FrameBatch's wire format, for code that writes and reads it by hand so a frame travels as the bytes it was
/// encoded to once (ingest encodes each datagram's frames as they come; rpc passes them on as they arrived).
/// </summary>
public static class FrameBatchWire
{
    public const uint SequenceTag = (FrameBatch.SequenceFieldNumber << 3) | (uint)WireFormat.WireType.Varint;
    public const uint FramesTag = (FrameBatch.FramesFieldNumber << 3) | (uint)WireFormat.WireType.LengthDelimited;

    /// <summary>Bytes a frame of <paramref name="frameLength"/> bytes takes as one entry of FrameBatch.frames.</summary>
    public static int EntrySize(int frameLength) =>
        CodedOutputStream.ComputeRawVarint32Size(FramesTag) + CodedOutputStream.ComputeLengthSize(frameLength) + frameLength;

    /// <summary>Bytes FrameBatch.sequence takes (none for 0, proto3's default).</summary>
    public static int SequenceSize(ulong sequence) =>
        sequence == 0 ? 0 : CodedOutputStream.ComputeRawVarint32Size(SequenceTag) + CodedOutputStream.ComputeUInt64Size(sequence);

    /// <summary>Writes FrameBatch.sequence (nothing for 0); returns the bytes written.</summary>
    public static int WriteSequence(Span<byte> span, ulong sequence)
    {
        if (sequence == 0)
        {
            return 0;
        }

        var at = WriteVarint(span, SequenceTag);
        return at + WriteVarint(span[at..], sequence);
    }

    /// <summary>Writes the tag and length of an entry of FrameBatch.frames; the frame's bytes follow.</summary>
    public static int WriteEntryPrefix(Span<byte> span, int frameLength)
    {
        var at = WriteVarint(span, FramesTag);
        return at + WriteVarint(span[at..], (ulong)frameLength);
    }

    /// <summary>A length prefix: the length and how many bytes it took.</summary>
    public static (int Length, int Prefix) ReadLength(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (var i = 0; i < 5 && i < bytes.Length; i++)
        {
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                return value > int.MaxValue ? throw Malformed() : ((int)value, i + 1);
            }
        }

        throw Malformed();
    }

    public static int WriteVarint(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    private static InvalidDataException Malformed() => new("A frame's length in a FrameBatch is malformed.");
}
