using System.Buffers.Binary;
using System.Text.Json;
using FormulaTel.Games.Forza;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>
/// The Forza layouts against real captures (FM7 Sled, FH5, FH6) and their sources' own expected values, and field by
/// field against the documented offsets (<see cref="ForzaLayout"/>) for every format, FM7 Dash and FM 2023 included.
/// </summary>
public sealed class ForzaLayoutTests
{
    public static TheoryData<string> Captures() => [.. Directory.GetFiles(Path.Combine(Fixtures.Forza, "packets"), "*.bin").Select(f => Path.GetFileName(f)).Order()];

    [Fact]
    public void Each_formats_size_adds_up_from_its_blocks()
    {
        Assert.Equal(232, ForzaDatagram.SledSize);
        Assert.Equal(79, ForzaDatagram.DashSize);
        foreach (var format in ForzaDatagram.Formats)
        {
            Assert.Equal((int)format, ForzaDatagram.SizeFromLayouts(format));
            Assert.Equal(ForzaLayout.Of((int)format).Count, SpecJson(new byte[(int)format]).EnumerateObject().Count() - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_field_of_every_capture_reads_as_the_documented_offsets_give_it(string name)
    {
        var bytes = Fixtures.ForzaPacket(name);
        Assert.True(ForzaDatagram.Recognises(bytes));
        AssertFieldsMatchLayout(bytes);
    }

    [Theory]
    [InlineData(232)]
    [InlineData(311)]
    [InlineData(324)]
    [InlineData(331)]
    public void Seeded_random_values_in_every_field_read_back_at_their_documented_offsets(int size)
    {
        var random = new Random(size);
        for (var round = 0; round < 50; round++)
        {
            var bytes = new byte[size];
            foreach (var field in ForzaLayout.Of(size))
            {
                var at = bytes.AsSpan(field.Offset);
                switch (field.Type)
                {
                    case 'i': BinaryPrimitives.WriteInt32LittleEndian(at, random.Next(int.MinValue, int.MaxValue)); break;
                    case 'u': BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)random.NextInt64(uint.MaxValue)); break;
                    case 'f': BinaryPrimitives.WriteSingleLittleEndian(at, (float)((random.NextDouble() - 0.5) * 2e6)); break;
                    case 'h': BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)random.Next(ushort.MaxValue + 1)); break;
                    default: at[0] = (byte)random.Next(256); break;
                }
            }

            BinaryPrimitives.WriteInt32LittleEndian(bytes, random.Next(2));
            AssertFieldsMatchLayout(bytes);
        }
    }

    [Fact]
    public void The_fm7_sled_capture_has_the_values_its_source_asserts()
    {
        var bytes = Fixtures.ForzaPacket("fm7-sled-232-000.bin");
        var json = SpecJson(bytes);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Forza, "fm7-sled-232-000.expected.json")));
        var compared = 0;
        foreach (var value in expected.RootElement.EnumerateObject())
        {
            // The source names fields in snake_case and calls TimestampMS "timestamp".
            var ours = json.EnumerateObject().Single(p => Snake(p.Name) == value.Name || (value.Name == "timestamp" && p.Name == "TimestampMS"));
            Assert.Equal(value.Value.GetDouble(), ours.Value.GetDouble());
            compared++;
        }

        Assert.Equal(58, compared);
    }

    [Fact]
    public void The_fh6_driving_frame_has_the_values_its_source_asserts()
    {
        var json = SpecJson(Fixtures.ForzaPacket("fh6-324-000.bin"));
        double Get(string name) => json.GetProperty(name).GetDouble();
        Assert.Equal(1, Get("IsRaceOn"));
        Assert.Equal(621218, Get("TimestampMS"));
        Assert.Equal(11499.99, Get("EngineMaxRpm"), 0.01);
        Assert.Equal(800.00, Get("EngineIdleRpm"), 0.01);
        Assert.Equal(6504.63, Get("CurrentEngineRpm"), 0.01);
        Assert.Equal(10.37, Get("Speed"), 0.01);
        Assert.Equal(5.07, Get("Boost"), 0.01);
        Assert.Equal(1.0, Get("Fuel"), 0.01);
        Assert.Equal(10.73, Get("TireSlipRatioFrontLeft"), 0.01);
        Assert.Equal(10.73, Get("TireCombinedSlipFrontLeft"), 0.01);
        Assert.Equal(148.3, Get("TireTempFrontLeft"), 0.1);
        Assert.Equal(1651, Get("CarOrdinal"));
        Assert.Equal(5, Get("CarClass"));
        Assert.Equal(900, Get("CarPerformanceIndex"));
        Assert.Equal(2, Get("DrivetrainType"));
        Assert.Equal(8, Get("NumCylinders"));
        Assert.Equal(9, Get("RacePosition"));
        Assert.Equal(1, Get("Gear"));
        Assert.Equal(0, Get("Steer"));
        Assert.Equal(59, Get("NormalizedDrivingLine"));
    }

    [Fact]
    public void The_fh6_menu_frame_is_recognised_and_not_racing()
    {
        var bytes = Fixtures.ForzaPacket("fh6-324-020.bin");
        var json = SpecJson(bytes);
        Assert.Equal(0, json.GetProperty("IsRaceOn").GetDouble());
        Assert.Equal(607109, json.GetProperty("TimestampMS").GetDouble());
        Assert.Equal(0, json.GetProperty("Speed").GetDouble());
        Assert.Equal(0, json.GetProperty("Gear").GetDouble());
        Assert.Equal(0, json.GetProperty("EngineMaxRpm").GetDouble());

        var frames = new List<Protos.V1.TelemetryFrame>();
        Assert.Equal(Games.DatagramDropReason.NotRacing, new ForzaFrameMapper(new ForzaSessions()).Map(bytes, "rig", new(), frames));
        Assert.Empty(frames);
    }

    private static void AssertFieldsMatchLayout(byte[] bytes)
    {
        var json = SpecJson(bytes);
        var layout = ForzaLayout.Of(bytes.Length);
        // Exactly the documented fields, in the datagram's order, after the format's name.
        Assert.Equal(["Format", .. layout.Select(f => f.Name)], json.EnumerateObject().Select(p => p.Name));
        foreach (var field in layout)
        {
            Assert.True(ForzaLayout.Read(bytes, field) == json.GetProperty(field.Name).GetDouble(), $"{field.Name} at {field.Offset}");
        }
    }

    private static JsonElement SpecJson(byte[] bytes)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ForzaSpecJson.Write(writer, bytes);
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
