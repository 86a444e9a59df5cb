using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;

namespace FormulaTel.Ingest.Tests;

/// <summary>The one table of F1 packets: every id of every format registered once, its size its layout's, and each
/// entry mapped and written as spec JSON through the same table the decoder validates with.</summary>
public sealed class F1PacketRegistryTests
{
    [Fact]
    public void Every_id_of_every_format_is_registered_once_with_its_layouts_size()
    {
        var expectedIds = new Dictionary<ushort, int> { [2023] = 14, [2024] = 15, [2025] = 16 };
        foreach (var format in F1Decoder.Formats)
        {
            var packets = F1Packets.All.Where(p => p.Format == format).ToArray();
            Assert.Equal(Enumerable.Range(0, expectedIds[format]), packets.Select(p => (int)p.Id).Order());
            Assert.All(packets, p => Assert.Equal(SizeOf(p.Layout), p.Size));
            Assert.All(packets, p => Assert.Equal(p.Size, F1Decoder.SpecSize(format, p.Id)));
            Assert.All(packets, p => Assert.StartsWith("Packet", p.SpecName));
        }

        Assert.Null(F1Packets.Find(2022, 0));
        Assert.Null(F1Packets.Find(2023, 14));
        Assert.Equal("PacketParticipantsData", F1Packets.Find(2025, (byte)F1PacketId.Participants)!.SpecName);
        Assert.Equal(typeof(PacketParticipantsData2025), F1Packets.Find(2025, (byte)F1PacketId.Participants)!.Layout);
    }

    [Fact]
    public void Every_registered_packet_validates_maps_and_writes_its_spec_json_at_its_size()
    {
        var mapper = new F1FrameMapper(new F1ActiveCars());
        foreach (var packet in F1Packets.All)
        {
            var datagram = new byte[packet.Size];
            BinaryPrimitives.WriteUInt16LittleEndian(datagram, packet.Format);
            datagram[6] = (byte)packet.Id;
            if (packet.Id == F1PacketId.Event)
            {
                "SSTA"u8.CopyTo(datagram.AsSpan(F1PacketHeader.Size));
            }

            Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(datagram, out _));
            var frames = new List<TelemetryFrame>();
            Assert.Equal(DatagramDropReason.None, mapper.Map(datagram, "registry", new(), frames));
            using var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                F1SpecJson.Write(writer, datagram);
            }

            using var document = JsonDocument.Parse(json.ToArray());
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            if (packet.Id != F1PacketId.Event)
            {
                Assert.Equal(DatagramDropReason.WrongLength, F1Decoder.Validate(datagram.AsSpan(0, packet.Size - 1), out _));
            }
        }
    }

    private static int SizeOf(Type layout) => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(layout).Invoke(null, null)!;
}
