using System.Runtime.CompilerServices;
using FormulaTel.Games.F1;

namespace FormulaTel.Ingest.Tests;

/// <summary>The packed layouts have exactly the sizes EA's F1 23 specification gives.</summary>
public class F1LayoutTests
{
    [Fact]
    public void Layouts_have_the_spec_sizes()
    {
        Assert.Equal(29, Unsafe.SizeOf<F1PacketHeader>());
        Assert.Equal(60, Unsafe.SizeOf<CarMotionData>());
        Assert.Equal(1349, Unsafe.SizeOf<PacketMotionData>());
        Assert.Equal(5, Unsafe.SizeOf<MarshalZone>());
        Assert.Equal(8, Unsafe.SizeOf<WeatherForecastSample>());
        Assert.Equal(644, Unsafe.SizeOf<PacketSessionData>());
        Assert.Equal(50, Unsafe.SizeOf<LapData>());
        Assert.Equal(1131, Unsafe.SizeOf<PacketLapData>());
        Assert.Equal(58, Unsafe.SizeOf<ParticipantData>());
        Assert.Equal(1306, Unsafe.SizeOf<PacketParticipantsData>());
        Assert.Equal(60, Unsafe.SizeOf<CarTelemetryData>());
        Assert.Equal(1352, Unsafe.SizeOf<PacketCarTelemetryData>());
        Assert.Equal(55, Unsafe.SizeOf<CarStatusData>());
        Assert.Equal(1239, Unsafe.SizeOf<PacketCarStatusData>());
    }

    [Theory]
    [InlineData(F1PacketId.Motion, PacketMotionData.Size)]
    [InlineData(F1PacketId.Session, PacketSessionData.Size)]
    [InlineData(F1PacketId.LapData, PacketLapData.Size)]
    [InlineData(F1PacketId.Participants, PacketParticipantsData.Size)]
    [InlineData(F1PacketId.CarTelemetry, PacketCarTelemetryData.Size)]
    [InlineData(F1PacketId.CarStatus, PacketCarStatusData.Size)]
    public void Decoder_size_table_agrees_with_the_layouts(F1PacketId id, int size) =>
        Assert.Equal(size, F1Decoder.SpecSize(F1Decoder.Format2023, id));

    [Fact]
    public void Names_round_trip_and_truncate_to_fit()
    {
        var name = new NameBytes();
        name.Encode("HAMILTON");
        Assert.Equal("HAMILTON", name.Decode());

        name.Encode(new string('Ä', 40)); // 80 bytes of UTF-8: cut to whole characters within 47 bytes
        Assert.Equal(new string('Ä', 23), name.Decode());
    }
}
