using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using FormulaTel.Ingest.Games.F1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// Every field of the six decoded packet types, read from real F1 23 datagrams, equals what another parser
/// (racehub's f1-telemetry-client) decoded from the same bytes. The walk is over our structs' fields, so a field
/// we forgot to check, or one racehub lacks, fails the test.
/// </summary>
public class RaceHubFixtureTests
{
    public static TheoryData<string, Type> Packets => new()
    {
        { "motion", typeof(PacketMotionData) },
        { "session", typeof(PacketSessionData) },
        { "lapData", typeof(PacketLapData) },
        { "participants", typeof(PacketParticipantsData) },
        { "carTelemetry", typeof(PacketCarTelemetryData) },
        { "carStatus", typeof(PacketCarStatusData) },
    };

    [Theory]
    [MemberData(nameof(Packets))]
    public void Every_field_matches_racehubs_reading(string packetName, Type layout)
    {
        var datagrams = RaceHub().Where(d => d.PacketId == packetName).ToList();
        Assert.NotEmpty(datagrams);
        foreach (var (_, bytes, parsed) in datagrams)
        {
            Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(bytes, out _));
            var value = typeof(RaceHubFixtureTests).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(layout).Invoke(null, [bytes])!;
            var checkedFields = Compare(value, parsed, packetName);
            Assert.True(checkedFields > 50, $"only {checkedFields} values compared in {packetName}");
        }
    }

    [Fact]
    public void Mapped_frames_carry_racehubs_values()
    {
        var telemetry = RaceHub().First(d => d.PacketId == "carTelemetry");
        var frames = new List<Protos.V1.TelemetryFrame>();
        var mapper = new F1FrameMapper(new F1ActiveCars());
        var participants = RaceHub().First(d => d.PacketId == "participants");
        Assert.Equal(DatagramDropReason.None, mapper.Map(participants.Bytes, "rig", new(), frames));
        Assert.Equal(participants.Parsed.GetProperty("m_numActiveCars").GetInt32(), frames.Count);

        frames.Clear();
        Assert.Equal(DatagramDropReason.None, mapper.Map(telemetry.Bytes, "rig", new(), frames));
        var player = telemetry.Parsed.GetProperty("m_header").GetProperty("m_playerCarIndex").GetInt32();
        var expected = telemetry.Parsed.GetProperty("m_carTelemetryData")[player];
        var frame = frames.Single(f => f.Envelope.CarIndex == player);
        Assert.True(frame.Envelope.IsPlayerCar);
        Assert.Equal(ulong.Parse(telemetry.Parsed.GetProperty("m_header").GetProperty("m_sessionUID").GetString()!), frame.Envelope.SessionUid);
        Assert.Equal(expected.GetProperty("m_speed").GetInt32(), (int)frame.CarTelemetry.SpeedKph);
        Assert.Equal(expected.GetProperty("m_engineRPM").GetInt32(), (int)frame.CarTelemetry.EngineRpm);
        Assert.Equal(expected.GetProperty("m_gear").GetInt32(), frame.CarTelemetry.Gear);
        Assert.Equal((float)expected.GetProperty("m_throttle").GetDouble(), frame.CarTelemetry.Throttle);
        Assert.Equal((float)expected.GetProperty("m_tyresPressure")[2].GetDouble(), frame.CarTelemetry.TyrePressurePsi.FrontLeft);
        Assert.Equal(expected.GetProperty("m_brakesTemperature")[3].GetInt32(), (int)frame.CarTelemetry.BrakeTemperatureC.FrontRight);
    }

    private static T Read<T>(byte[] bytes) where T : unmanaged => MemoryMarshal.Read<T>(bytes);

    public sealed record RaceHubDatagram(string PacketId, byte[] Bytes, JsonElement Parsed);

    public static IEnumerable<RaceHubDatagram> RaceHub()
    {
        foreach (var line in File.ReadLines(Fixtures.RaceHub))
        {
            var root = JsonDocument.Parse(line).RootElement;
            var message = root.GetProperty("message");
            var array = message.ValueKind == JsonValueKind.Array ? message : message.GetProperty("data");
            yield return new RaceHubDatagram(root.GetProperty("packetID").GetString()!, array.EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray(), root.GetProperty("parsed"));
        }
    }

    /// <summary>Compares every field of <paramref name="value"/> with the JSON; returns how many leaf values were compared.</summary>
    private static int Compare(object value, JsonElement json, string path)
    {
        var type = value.GetType();
        if (type.GetCustomAttribute<InlineArrayAttribute>() is { } inline)
        {
            if (type == typeof(NameBytes))
            {
                Assert.True(json.GetString() == ((NameBytes)value).Decode(), $"{path}: '{json.GetString()}' != '{((NameBytes)value).Decode()}'");
                return 1;
            }

            var elements = Elements(value, type, inline.Length);
            Assert.True(json.GetArrayLength() == elements.Length, $"{path}: racehub has {json.GetArrayLength()} elements, the spec {elements.Length}");
            var count = 0;
            for (var i = 0; i < elements.Length; i++)
            {
                count += Compare(elements[i], json[i], $"{path}[{i}]");
            }

            return count;
        }

        if (type.IsPrimitive)
        {
            var expected = json.ValueKind == JsonValueKind.String ? double.Parse(json.GetString()!) : json.GetDouble();
            var actual = Convert.ToDouble(value);
            if (type == typeof(ulong))
            {
                Assert.True(ulong.Parse(json.GetString() ?? json.GetRawText()) == (ulong)value, $"{path}: {json} != {value}");
            }
            else if (type == typeof(float))
            {
                Assert.True((float)expected == (float)value, $"{path}: {expected} != {value}");
            }
            else
            {
                Assert.True(expected == actual, $"{path}: {expected} != {actual}");
            }

            return 1;
        }

        var total = 0;
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = json.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "m_" + field.Name, StringComparison.OrdinalIgnoreCase));
            Assert.True(key.Value.ValueKind != JsonValueKind.Undefined, $"{path}.{field.Name}: racehub has no m_{field.Name}");
            total += Compare(field.GetValue(value)!, key.Value, $"{path}.{field.Name}");
        }

        return total;
    }

    private static object[] Elements(object array, Type arrayType, int length)
    {
        var elementType = arrayType.GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Single().FieldType;
        return (object[])typeof(RaceHubFixtureTests).GetMethod(nameof(ElementsOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(arrayType, elementType).Invoke(null, [array, length])!;
    }

    private static object[] ElementsOf<TArray, TElement>(TArray array, int length) where TArray : struct where TElement : struct
    {
        var span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TArray, TElement>(ref array), length);
        var result = new object[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = span[i];
        }

        return result;
    }
}
