using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FormulaTel.Games.Forza;

/// <summary>
/// Writes a Forza datagram as one flat JSON object with the field names of Forza's Data Out documentation
/// (IsRaceOn, TimestampMS, … TireWearFrontLeft, TrackOrdinal), in the datagram's order, plus "Format". For people and
/// tools (the decode command), not the hot path.
/// </summary>
public static class ForzaSpecJson
{
    /// <summary>Writes the datagram's object; <see cref="ForzaDatagram.Recognises"/> must have accepted it.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> datagram)
    {
        if (!ForzaDatagram.TryFormat(datagram.Length, out var format))
        {
            throw new ArgumentException($"{datagram.Length} bytes is no Forza Data Out format", nameof(datagram));
        }

        writer.WriteStartObject();
        writer.WriteString("Format", format.ToString());
        WriteFields(writer, MemoryMarshal.Read<ForzaSled>(datagram));
        if (format == ForzaFormat.Horizon)
        {
            WriteFields(writer, ForzaDatagram.Horizon(datagram));
        }

        if (ForzaDatagram.HasDash(format))
        {
            WriteFields(writer, ForzaDatagram.Dash(datagram, format));
        }

        if (format == ForzaFormat.Fm2023Dash)
        {
            WriteFields(writer, ForzaDatagram.Fm2023(datagram));
        }

        writer.WriteEndObject();
    }

    /// <summary>A block's fields in their layout order.</summary>
    public static FieldInfo[] Fields(Type block) =>
        [.. block.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => Marshal.OffsetOf(block, f.Name))];

    private static void WriteFields<T>(Utf8JsonWriter writer, T block) where T : struct
    {
        object boxed = block;
        foreach (var field in Fields(typeof(T)))
        {
            writer.WritePropertyName(field.Name);
            switch (field.GetValue(boxed))
            {
                case float f when float.IsFinite(f):
                    writer.WriteNumberValue((double)f);
                    break;
                case float f:
                    // JSON has no NaN or infinity; a corrupt float is shown, not thrown.
                    writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture));
                    break;
                case var value:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }
}
