using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// Every field of every F1 23 packet type, read from real datagrams, equals what another parser (racehub's
/// f1-telemetry-client) decoded from the same bytes, under the specification's own names.
/// </summary>
public class RaceHubFixtureTests
{
    public static TheoryData<int> Datagrams => new(Enumerable.Range(0, RaceHub().Count()));

    /// <summary>
    /// The decode command's spec JSON of each real datagram equals racehub's parsed object: the same names, the same
    /// nesting, the same values. Every field of every F1 23 packet type racehub has (all but LobbyInfo) and 15 event
    /// codes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Datagrams))]
    public void Spec_json_equals_racehubs_reading(int index)
    {
        var datagram = RaceHub().ElementAt(index);
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(datagram.Bytes, out _));
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            F1SpecJson.Write(writer, datagram.Bytes);
        }

        var ours = JsonDocument.Parse(json.ToArray()).RootElement;
        var compared = AssertSame(datagram.Parsed, ours, datagram.PacketId);
        Assert.True(compared >= 13, $"only {compared} values compared"); // an event without details: header and code
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

    /// <summary>Deep equality of two JSON values; numbers compare as doubles. Returns the leaf values compared.</summary>
    private static int AssertSame(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object");
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).Order().ToArray();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).Order().ToArray();
                Assert.True(expectedNames.SequenceEqual(actualNames),
                    $"{path}: racehub has [{string.Join(", ", expectedNames.Except(actualNames))}] we lack; we have [{string.Join(", ", actualNames.Except(expectedNames))}] it lacks");
                return expected.EnumerateObject().Sum(p => AssertSame(p.Value, actual.GetProperty(p.Name), $"{path}.{p.Name}"));
            case JsonValueKind.Array:
                Assert.True(actual.GetArrayLength() == expected.GetArrayLength(), $"{path}: {expected.GetArrayLength()} elements expected, {actual.GetArrayLength()} found");
                return expected.EnumerateArray().Select((e, i) => AssertSame(e, actual[i], $"{path}[{i}]")).Sum();
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == expected.GetDouble(), $"{path}: {expected} expected, {actual} found");
                return 1;
            default:
                Assert.True(expected.ToString() == actual.ToString(), $"{path}: '{expected}' expected, '{actual}' found");
                return 1;
        }
    }
}
