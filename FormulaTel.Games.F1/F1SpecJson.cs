using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FormulaTel.Games.F1;

/// <summary>
/// Writes a validated F1 datagram as JSON in the EA specification's own names and nesting (m_header,
/// m_carTelemetryData[i].m_speed, event details by their spec names, 64-bit ids as strings), the shape other
/// tools use, so outputs can be compared. For people and tools (the decode command), not the hot path.
/// </summary>
public static class F1SpecJson
{
    private static readonly ConcurrentDictionary<Type, Func<object, object[]>> ElementReaders = new();

    /// <summary>Writes the datagram's object; <see cref="F1Decoder.Validate"/> must have accepted it.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> datagram)
    {
        var header = MemoryMarshal.Read<F1PacketHeader>(datagram);
        var packet = F1Packets.Find(header.PacketFormat, header.PacketId)?.Read(datagram)
            ?? throw new ArgumentException($"packet id {header.PacketId} is not defined in format {header.PacketFormat}", nameof(datagram));

        if (packet is PacketEventData e)
        {
            WriteEvent(writer, e);
        }
        else
        {
            WriteValue(writer, packet, prefixed: true);
        }
    }

    /// <summary>The spec name of a field: m_ + our name with its first letter lower-cased, unless marked.</summary>
    public static string SpecName(FieldInfo field, bool prefixed)
    {
        if (field.GetCustomAttribute<SpecNameAttribute>() is { } name)
        {
            return name.Name;
        }

        var camel = char.ToLowerInvariant(field.Name[0]) + field.Name[1..];
        return prefixed ? "m_" + camel : camel;
    }

    private static void WriteEvent(Utf8JsonWriter writer, PacketEventData packet)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("m_header");
        WriteValue(writer, packet.Header, prefixed: true);
        writer.WriteString("m_eventStringCode", packet.EventStringCode.ToString());
        ReadOnlySpan<byte> code = packet.EventStringCode;
        object? details = F1Events.DetailsOf(code, packet.Header.PacketFormat) switch
        {
            F1Events.Details.FastestLap => packet.EventDetails.FastestLap,
            F1Events.Details.Vehicle => packet.EventDetails.Vehicle,
            F1Events.Details.Penalty => packet.EventDetails.Penalty,
            F1Events.Details.SpeedTrap => packet.EventDetails.SpeedTrap,
            F1Events.Details.StartLights => packet.EventDetails.StartLights,
            F1Events.Details.Flashback => packet.EventDetails.Flashback,
            F1Events.Details.Buttons => packet.EventDetails.Buttons,
            F1Events.Details.Overtake => packet.EventDetails.Overtake,
            F1Events.Details.SafetyCar => packet.EventDetails.SafetyCar,
            F1Events.Details.Collision => packet.EventDetails.Collision,
            F1Events.Details.Retirement => packet.EventDetails.Retirement,
            F1Events.Details.DrsDisabled => packet.EventDetails.DrsDisabled,
            F1Events.Details.StopGoServed => packet.EventDetails.StopGoServed,
            _ => null,
        };
        if (details is not null)
        {
            // The spec names the union's members' fields without the m_ prefix.
            writer.WritePropertyName("m_eventDetails");
            WriteValue(writer, details, prefixed: false);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object value, bool prefixed)
    {
        switch (value)
        {
            case NameBytes name:
                writer.WriteStringValue(name.Decode());
                return;
            case NameBytes32 name32:
                writer.WriteStringValue(name32.Decode());
                return;
            case EventCode code:
                writer.WriteStringValue(code.ToString());
                return;
            case ulong id:
                writer.WriteStringValue(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            case float f:
                WriteNumber(writer, f);
                return;
            case double d:
                WriteNumber(writer, d);
                return;
            case byte or sbyte or ushort or short or uint or int:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
        }

        var type = value.GetType();
        if (type.GetCustomAttribute<InlineArrayAttribute>() is not null)
        {
            writer.WriteStartArray();
            foreach (var element in ElementReaders.GetOrAdd(type, ElementReader)(value))
            {
                WriteValue(writer, element, prefixed);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        WriteFields(writer, value, prefixed);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, object value, bool prefixed)
    {
        foreach (var field in value.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (field.GetCustomAttribute<SpecFlattenAttribute>() is not null)
            {
                WriteFields(writer, field.GetValue(value)!, prefixed);
                continue;
            }

            writer.WritePropertyName(SpecName(field, prefixed));
            WriteValue(writer, field.GetValue(value)!, prefixed);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        // JSON has no NaN or infinity; a corrupt float is shown, not thrown.
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Reads the elements of an InlineArray struct (boxed) into objects.</summary>
    public static Func<object, object[]> ElementReader(Type arrayType)
    {
        var length = arrayType.GetCustomAttribute<InlineArrayAttribute>()!.Length;
        var elementType = arrayType.GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Single().FieldType;
        var method = typeof(F1SpecJson).GetMethod(nameof(ReadElements), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(arrayType, elementType);
        return boxed => (object[])method.Invoke(null, [boxed, length])!;
    }

    private static object[] ReadElements<TArray, TElement>(object boxed, int length) where TArray : struct where TElement : struct
    {
        var array = (TArray)boxed;
        var elements = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TArray, TElement>(ref array), length);
        var result = new object[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = elements[i];
        }

        return result;
    }
}
