using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// F1 25 (format 2025). No capture is at hand, so each changed packet is written here byte by byte at offsets worked
/// out from the EA specification's listing — not from our structs — with seeded random values, then decoded with
/// the spec JSON writer and compared field by field.
/// </summary>
public class F1_25Tests
{
    private readonly Random _random = new(2025);

    private byte[] Datagram(F1PacketId id, int size)
    {
        var bytes = new byte[size];
        _random.NextBytes(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 2025);
        bytes[2] = 25;   // game year
        bytes[6] = (byte)id;
        bytes[27] = 3;   // player car
        bytes[28] = 255;
        return bytes;
    }

    private static JsonElement Decode(byte[] bytes)
    {
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(bytes, out _));
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            F1SpecJson.Write(writer, bytes);
        }

        return JsonDocument.Parse(json.ToArray()).RootElement;
    }

    private static void WriteName(byte[] bytes, int offset, int length, string name)
    {
        bytes.AsSpan(offset, length).Clear();
        System.Text.Encoding.UTF8.GetBytes(name).CopyTo(bytes, offset);
    }

    [Fact]
    public void Layouts_have_the_2025_spec_sizes()
    {
        Assert.Equal(1284, Unsafe.SizeOf<PacketParticipantsData2025>());
        Assert.Equal(1042, Unsafe.SizeOf<PacketFinalClassificationData2025>());
        Assert.Equal(954, Unsafe.SizeOf<PacketLobbyInfoData2025>());
        Assert.Equal(1041, Unsafe.SizeOf<PacketCarDamageData2025>());
        Assert.Equal(273, Unsafe.SizeOf<PacketMotionExData2025>());
        Assert.Equal(1131, Unsafe.SizeOf<PacketLapPositionsData>());
        for (var id = 0; id <= 15; id++)
        {
            Assert.True(F1Decoder.SpecSize(2025, (F1PacketId)id) > 0);
        }
    }

    [Fact]
    public void Participants_with_32_byte_names_and_livery_colours()
    {
        var bytes = Datagram(F1PacketId.Participants, 1284);
        bytes[29] = 22;
        for (var car = 0; car < 22; car++)
        {
            WriteName(bytes, 30 + car * 57 + 7, 32, $"DRIVER {car}");
        }

        var json = Decode(bytes).GetProperty("m_participants");
        for (var car = 0; car < 22; car++)
        {
            var p = bytes.AsSpan(30 + car * 57);
            var ours = json[car];
            Assert.Equal(p[0], ours.GetProperty("m_aiControlled").GetInt32());
            Assert.Equal(p[1], ours.GetProperty("m_driverId").GetInt32());
            Assert.Equal(p[2], ours.GetProperty("m_networkId").GetInt32());
            Assert.Equal(p[3], ours.GetProperty("m_teamId").GetInt32());
            Assert.Equal(p[4], ours.GetProperty("m_myTeam").GetInt32());
            Assert.Equal(p[5], ours.GetProperty("m_raceNumber").GetInt32());
            Assert.Equal(p[6], ours.GetProperty("m_nationality").GetInt32());
            Assert.Equal($"DRIVER {car}", ours.GetProperty("m_name").GetString());
            Assert.Equal(p[39], ours.GetProperty("m_yourTelemetry").GetInt32());
            Assert.Equal(p[40], ours.GetProperty("m_showOnlineNames").GetInt32());
            Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(p[41..]), ours.GetProperty("m_techLevel").GetInt32());
            Assert.Equal(p[43], ours.GetProperty("m_platform").GetInt32());
            Assert.Equal(p[44], ours.GetProperty("m_numColours").GetInt32());
            for (var c = 0; c < 4; c++)
            {
                var colour = ours.GetProperty("m_liveryColours")[c];
                Assert.Equal((p[45 + c * 3], p[46 + c * 3], p[47 + c * 3]), (colour.GetProperty("red").GetByte(), colour.GetProperty("green").GetByte(), colour.GetProperty("blue").GetByte()));
            }
        }

        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        Assert.Equal(22, frames.Count);
        Assert.All(frames, f => Assert.Equal($"DRIVER {f.Envelope.CarIndex}", f.Participant.Name));
        Assert.All(frames, f => Assert.Equal(Game.F125, f.Envelope.Game));
        Assert.All(frames, f => Assert.Equal(bytes[30 + (int)f.Envelope.CarIndex * 57 + 5], (int)f.Participant.RaceNumber));
    }

    [Fact]
    public void Final_classification_with_the_result_reason()
    {
        var bytes = Datagram(F1PacketId.FinalClassification, 1042);
        var json = Decode(bytes).GetProperty("m_classificationData");
        for (var car = 0; car < 22; car++)
        {
            var c = bytes.AsSpan(30 + car * 46);
            var ours = json[car];
            string[] bytesFirst = ["m_position", "m_numLaps", "m_gridPosition", "m_points", "m_numPitStops", "m_resultStatus", "m_resultReason"];
            for (var i = 0; i < bytesFirst.Length; i++)
            {
                Assert.Equal(c[i], ours.GetProperty(bytesFirst[i]).GetInt32());
            }

            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(c[7..]), ours.GetProperty("m_bestLapTimeInMS").GetUInt32());
            var total = BinaryPrimitives.ReadDoubleLittleEndian(c[11..]);
            Assert.True(!double.IsFinite(total) || total == ours.GetProperty("m_totalRaceTime").GetDouble());
            Assert.Equal(c[19], ours.GetProperty("m_penaltiesTime").GetInt32());
            Assert.Equal(c[20], ours.GetProperty("m_numPenalties").GetInt32());
            Assert.Equal(c[21], ours.GetProperty("m_numTyreStints").GetInt32());
            Assert.Equal(c[22], ours.GetProperty("m_tyreStintsActual")[0].GetInt32());
            Assert.Equal(c[37], ours.GetProperty("m_tyreStintsVisual")[7].GetInt32());
            Assert.Equal(c[45], ours.GetProperty("m_tyreStintsEndLaps")[7].GetInt32());
        }
    }

    [Fact]
    public void Lobby_with_32_byte_names()
    {
        var bytes = Datagram(F1PacketId.LobbyInfo, 954);
        WriteName(bytes, 30 + 5 * 42 + 4, 32, "LEAGUE RACER");
        var json = Decode(bytes);
        Assert.Equal(bytes[29], json.GetProperty("m_numPlayers").GetInt32());
        var p = bytes.AsSpan(30 + 5 * 42);
        var ours = json.GetProperty("m_lobbyPlayers")[5];
        Assert.Equal(p[0], ours.GetProperty("m_aiControlled").GetInt32());
        Assert.Equal(p[1], ours.GetProperty("m_teamId").GetInt32());
        Assert.Equal(p[2], ours.GetProperty("m_nationality").GetInt32());
        Assert.Equal(p[3], ours.GetProperty("m_platform").GetInt32());
        Assert.Equal("LEAGUE RACER", ours.GetProperty("m_name").GetString());
        Assert.Equal(p[36], ours.GetProperty("m_carNumber").GetInt32());
        Assert.Equal(p[37], ours.GetProperty("m_yourTelemetry").GetInt32());
        Assert.Equal(p[38], ours.GetProperty("m_showOnlineNames").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(p[39..]), ours.GetProperty("m_techLevel").GetInt32());
        Assert.Equal(p[41], ours.GetProperty("m_readyStatus").GetInt32());
    }

    [Fact]
    public void Car_damage_with_tyre_blisters()
    {
        var bytes = Datagram(F1PacketId.CarDamage, 1041);
        var json = Decode(bytes).GetProperty("m_carDamageData");
        string[] byteFields =
        [
            "m_frontLeftWingDamage", "m_frontRightWingDamage", "m_rearWingDamage", "m_floorDamage", "m_diffuserDamage",
            "m_sidepodDamage", "m_drsFault", "m_ersFault", "m_gearBoxDamage", "m_engineDamage", "m_engineMGUHWear",
            "m_engineESWear", "m_engineCEWear", "m_engineICEWear", "m_engineMGUKWear", "m_engineTCWear", "m_engineBlown",
            "m_engineSeized",
        ];
        for (var car = 0; car < 22; car++)
        {
            var d = bytes.AsSpan(29 + car * 46);
            var ours = json[car];
            for (var w = 0; w < 4; w++)
            {
                var wear = BinaryPrimitives.ReadSingleLittleEndian(d[(w * 4)..]);
                Assert.True(!float.IsFinite(wear) || wear == ours.GetProperty("m_tyresWear")[w].GetSingle());
                Assert.Equal(d[16 + w], ours.GetProperty("m_tyresDamage")[w].GetInt32());
                Assert.Equal(d[20 + w], ours.GetProperty("m_brakesDamage")[w].GetInt32());
                Assert.Equal(d[24 + w], ours.GetProperty("m_tyreBlisters")[w].GetInt32());
            }

            for (var i = 0; i < byteFields.Length; i++)
            {
                Assert.Equal(d[28 + i], ours.GetProperty(byteFields[i]).GetInt32());
            }
        }
    }

    [Fact]
    public void Motion_ex_with_chassis_pitch_and_camber()
    {
        var bytes = Datagram(F1PacketId.MotionEx, 273);
        for (var offset = 29; offset + 4 <= 273; offset += 4)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), (float)(_random.NextDouble() * 100 - 50));
        }

        var json = Decode(bytes);
        float At(int offset) => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(29 + offset));
        Assert.Equal(At(0), json.GetProperty("m_suspensionPosition")[0].GetSingle());
        Assert.Equal(At(124), json.GetProperty("m_wheelLongForce")[3].GetSingle());
        Assert.Equal(At(128), json.GetProperty("m_heightOfCOGAboveGround").GetSingle());
        Assert.Equal(At(168), json.GetProperty("m_frontWheelsAngle").GetSingle());
        Assert.Equal(At(184), json.GetProperty("m_wheelVertForce")[3].GetSingle());
        Assert.Equal(At(188), json.GetProperty("m_frontAeroHeight").GetSingle());
        Assert.Equal(At(204), json.GetProperty("m_chassisYaw").GetSingle());
        Assert.Equal(At(208), json.GetProperty("m_chassisPitch").GetSingle());
        Assert.Equal(At(212), json.GetProperty("m_wheelCamber")[0].GetSingle());
        Assert.Equal(At(240), json.GetProperty("m_wheelCamberGain")[3].GetSingle());
    }

    [Fact]
    public void Lap_positions_per_lap_and_car()
    {
        var bytes = Datagram(F1PacketId.LapPositions, 1131);
        var json = Decode(bytes);
        Assert.Equal(bytes[29], json.GetProperty("m_numLaps").GetInt32());
        Assert.Equal(bytes[30], json.GetProperty("m_lapStart").GetInt32());
        var positions = json.GetProperty("m_positionForVehicleIdx");
        Assert.Equal(50, positions.GetArrayLength());
        for (var lap = 0; lap < 50; lap += 7)
        {
            for (var car = 0; car < 22; car += 5)
            {
                Assert.Equal(bytes[31 + lap * 22 + car], positions[lap][car].GetInt32());
            }
        }
    }

    [Theory]
    [InlineData("RTMT")]
    [InlineData("DRSD")]
    [InlineData("SGSV")]
    public void Events_that_gained_details(string code)
    {
        var bytes = Datagram(F1PacketId.Event, 45);
        System.Text.Encoding.ASCII.GetBytes(code).CopyTo(bytes, 29);
        var details = Decode(bytes).GetProperty("m_eventDetails");
        switch (code)
        {
            case "RTMT":
                Assert.Equal(bytes[33], details.GetProperty("vehicleIdx").GetInt32());
                Assert.Equal(bytes[34], details.GetProperty("reason").GetInt32());
                break;
            case "DRSD":
                Assert.Equal(bytes[33], details.GetProperty("reason").GetInt32());
                break;
            default:
                Assert.Equal(bytes[33], details.GetProperty("vehicleIdx").GetInt32());
                var stop = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(34));
                Assert.True(!float.IsFinite(stop) || stop == details.GetProperty("stopTime").GetSingle());
                break;
        }

        // The same code in F1 24 carries F1 24's details: DRSD none, RTMT only the vehicle.
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 2024);
        var f124 = Decode(bytes);
        Assert.Equal(code == "DRSD", !f124.TryGetProperty("m_eventDetails", out _));
    }
}
