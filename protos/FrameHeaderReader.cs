using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace FormulaTel.Protos.V1;

/// <summary>
/// Reads a <see cref="FrameHeader"/> from a formulatel.v1.TelemetryFrame's bytes without parsing the payload: the
/// top-level fields (the envelope, and the payload's field number, which is its oneof case) and the envelope's own.
/// The wire structure of both levels is checked; a frame that does not follow it is malformed. Source ids are
/// shared strings from a bounded cache, so a frame costs no allocation.
/// </summary>
public static class FrameHeaderReader
{
    /// <summary>Distinct source ids remembered; past it the cache starts again (counted in <see cref="SourceIdsCleared"/>).</summary>
    public const int MaxSourceIds = 4096;

    private const ulong EnvelopeField = 1;
    private static readonly ConcurrentDictionary<string, string> SourceIds = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> SourceIdsBySpan = SourceIds.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly bool[] IsPayload = PayloadNumbers();
    private static long _sourceIdsCleared;

    public static long SourceIdsCleared => Interlocked.Read(ref _sourceIdsCleared);

    /// <summary>False when the bytes are not a well-formed frame at its top level or in its envelope.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out FrameHeader header)
    {
        header = new FrameHeader(false, Game.Unspecified, "", 0, 0, 0, false, TelemetryFrame.PayloadOneofCase.None);
        var payload = TelemetryFrame.PayloadOneofCase.None;
        var envelope = (Has: false, Game: Game.Unspecified, Source: "", Session: 0ul, Car: 0u, Time: 0.0, Player: false);
        var at = 0;
        while (at < frame.Length)
        {
            if (!TryReadVarint(frame, ref at, out var tag) || !TryField(frame, ref at, tag, out var field, out _))
            {
                return false;
            }

            var number = tag >> 3;
            if (number == EnvelopeField && (tag & 7) == 2)
            {
                // A message field given twice merges; the envelope is read again on top of what came before.
                if (!TryReadEnvelope(field, ref envelope))
                {
                    return false;
                }

                envelope.Has = true;
            }
            else if ((tag & 7) == 2 && number < (ulong)IsPayload.Length && IsPayload[number])
            {
                payload = (TelemetryFrame.PayloadOneofCase)number; // the last payload given wins, as in the oneof
            }
        }

        header = new FrameHeader(envelope.Has, envelope.Game, envelope.Source, envelope.Session, envelope.Car, envelope.Time, envelope.Player, payload);
        return true;
    }

    private static bool TryReadEnvelope(ReadOnlySpan<byte> bytes, ref (bool Has, Game Game, string Source, ulong Session, uint Car, double Time, bool Player) envelope)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            if (!TryReadVarint(bytes, ref at, out var tag) || !TryField(bytes, ref at, tag, out var field, out var value))
            {
                return false;
            }

            switch ((tag >> 3, tag & 7))
            {
                case (1, 0):
                    envelope.Game = (Game)(int)value;
                    break;
                case (2, 2):
                    envelope.Source = SourceId(field);
                    break;
                case (3, 0):
                    envelope.Session = value;
                    break;
                case (4, 0):
                    envelope.Car = (uint)value;
                    break;
                case (6, 1):
                    envelope.Time = BitConverter.Int64BitsToDouble((long)value);
                    break;
                case (8, 0):
                    envelope.Player = value != 0;
                    break;
            }
        }

        return true;
    }

    /// <summary>Reads one field's value after its tag: a varint or fixed value, or a length-delimited field's bytes.</summary>
    private static bool TryField(ReadOnlySpan<byte> bytes, ref int at, ulong tag, out ReadOnlySpan<byte> field, out ulong value)
    {
        field = default;
        value = 0;
        if (tag >> 3 == 0)
        {
            return false; // field number 0 is never valid
        }

        switch (tag & 7)
        {
            case 0:
                return TryReadVarint(bytes, ref at, out value);
            case 1:
                return TryReadFixed(bytes, ref at, 8, out value);
            case 2:
                if (!TryReadVarint(bytes, ref at, out var length) || length > (ulong)(bytes.Length - at))
                {
                    return false;
                }

                field = bytes.Slice(at, (int)length);
                at += (int)length;
                return true;
            case 5:
                return TryReadFixed(bytes, ref at, 4, out value);
            default:
                return false; // groups (3, 4) are not in proto3, and 6 and 7 are not wire types
        }
    }

    /// <summary>A little-endian fixed64 (8 bytes) or fixed32 (4).</summary>
    private static bool TryReadFixed(ReadOnlySpan<byte> bytes, ref int at, int size, out ulong value)
    {
        value = 0;
        if (bytes.Length - at < size)
        {
            return false;
        }

        value = size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
        at += size;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool[] PayloadNumbers()
    {
        var cases = Enum.GetValues<TelemetryFrame.PayloadOneofCase>().Where(c => c != TelemetryFrame.PayloadOneofCase.None).Select(c => (int)c).ToArray();
        var numbers = new bool[cases.Max() + 1];
        foreach (var number in cases)
        {
            numbers[number] = true;
        }

        return numbers;
    }

    private static string SourceId(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        Span<char> chars = stackalloc char[256];
        if (utf8.Length <= chars.Length && Encoding.UTF8.TryGetChars(utf8, chars, out var written))
        {
            var span = chars[..written];
            if (SourceIdsBySpan.TryGetValue(span, out var known))
            {
                return known;
            }

            var id = span.ToString();
            if (SourceIds.Count >= MaxSourceIds)
            {
                SourceIds.Clear();
                Interlocked.Increment(ref _sourceIdsCleared);
            }

            return SourceIds.GetOrAdd(id, id);
        }

        return Encoding.UTF8.GetString(utf8); // longer than any address:port: not worth remembering
    }
}
