using System.Buffers.Binary;
using System.Text.Json;
using FormulaTel.Ingest.Cli;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>`decode` over the real datagram files: every F1 23 packet, the event details at their spec offsets.</summary>
public class DecodeCommandTests
{
    private static (int Exit, string[] Lines, string Errors) Decode(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = IngestCommandLine.RunAsync(["decode", .. args], output, error).GetAwaiter().GetResult();
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
    }

    private static JsonElement DecodeOne(string fixture)
    {
        var (exit, lines, errors) = Decode(Fixtures.Packet(fixture));
        Assert.True(exit == 0, errors);
        var line = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal(fixture, line.GetProperty("file").GetString());
        return line.GetProperty("datagram");
    }

    [Fact]
    public void Every_F1_23_file_decodes_with_its_header()
    {
        var files = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "2023-*.bin").Order().ToArray();
        Assert.Equal(13 + 19, files.Length); // one file per packet id besides Event, one per event code
        var (exit, lines, errors) = Decode(files);
        Assert.True(exit == 0, errors);
        Assert.Equal(files.Length, lines.Length);
        foreach (var (file, line) in files.Zip(lines))
        {
            var datagram = JsonDocument.Parse(line).RootElement.GetProperty("datagram");
            var bytes = File.ReadAllBytes(file);
            var header = datagram.GetProperty("m_header");
            Assert.Equal(2023, header.GetProperty("m_packetFormat").GetInt32());
            Assert.Equal(bytes[6], header.GetProperty("m_packetId").GetInt32());
            Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(7)).ToString(System.Globalization.CultureInfo.InvariantCulture), header.GetProperty("m_sessionUID").GetString());
        }
    }

    [Theory]
    [InlineData("2023-03-FTLP.bin")]
    [InlineData("2023-03-PENA.bin")]
    [InlineData("2023-03-SPTP.bin")]
    [InlineData("2023-03-FLBK.bin")]
    [InlineData("2023-03-BUTN.bin")]
    [InlineData("2023-03-OVTK.bin")]
    [InlineData("2023-03-STLG.bin")]
    [InlineData("2023-03-RTMT.bin")]
    public void Event_details_are_read_at_the_spec_offsets(string fixture)
    {
        var bytes = Fixtures.PacketBytes(fixture);
        var d = bytes.AsSpan(33); // header (29) + code (4)
        var datagram = DecodeOne(fixture);
        var code = fixture[8..12];
        Assert.Equal(code, datagram.GetProperty("m_eventStringCode").GetString());
        var details = datagram.GetProperty("m_eventDetails");
        switch (code)
        {
            case "FTLP":
                Assert.Equal(d[0], details.GetProperty("vehicleIdx").GetInt32());
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(d[1..]), details.GetProperty("lapTime").GetSingle());
                break;
            case "PENA":
                string[] names = ["penaltyType", "infringementType", "vehicleIdx", "otherVehicleIdx", "time", "lapNum", "placesGained"];
                for (var i = 0; i < names.Length; i++)
                {
                    Assert.Equal(d[i], details.GetProperty(names[i]).GetInt32());
                }

                break;
            case "SPTP":
                Assert.Equal(d[0], details.GetProperty("vehicleIdx").GetInt32());
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(d[1..]), details.GetProperty("speed").GetSingle());
                Assert.Equal(d[5], details.GetProperty("isOverallFastestInSession").GetInt32());
                Assert.Equal(d[6], details.GetProperty("isDriverFastestInSession").GetInt32());
                Assert.Equal(d[7], details.GetProperty("fastestVehicleIdxInSession").GetInt32());
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(d[8..]), details.GetProperty("fastestSpeedInSession").GetSingle());
                break;
            case "FLBK":
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(d), details.GetProperty("flashbackFrameIdentifier").GetUInt32());
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(d[4..]), details.GetProperty("flashbackSessionTime").GetSingle());
                break;
            case "BUTN":
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(d), details.GetProperty("buttonStatus").GetUInt32());
                break;
            case "OVTK":
                Assert.Equal(d[0], details.GetProperty("overtakingVehicleIdx").GetInt32());
                Assert.Equal(d[1], details.GetProperty("beingOvertakenVehicleIdx").GetInt32());
                break;
            case "STLG":
                Assert.Equal(d[0], details.GetProperty("numLights").GetInt32());
                break;
            case "RTMT":
                Assert.Equal(d[0], details.GetProperty("vehicleIdx").GetInt32());
                break;
        }
    }

    [Fact]
    public void Other_packets_at_their_offsets()
    {
        var history = Fixtures.PacketBytes("2023-11.bin");
        var json = DecodeOne("2023-11.bin");
        Assert.Equal(history[29], json.GetProperty("m_carIdx").GetInt32());
        var lap1 = json.GetProperty("m_lapHistoryData")[1];
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(history.AsSpan(36 + 14)), lap1.GetProperty("m_lapTimeInMS").GetUInt32());
        Assert.Equal(history[36 + 14 + 13], lap1.GetProperty("m_lapValidBitFlags").GetInt32());
        Assert.Equal(history[36 + 1400 + 3], json.GetProperty("m_tyreStintsHistoryData")[1].GetProperty("m_endLap").GetInt32());

        var classification = Fixtures.PacketBytes("2023-08.bin");
        json = DecodeOne("2023-08.bin");
        Assert.Equal(classification[29], json.GetProperty("m_numCars").GetInt32());
        var car2 = json.GetProperty("m_classificationData")[2];
        var c = classification.AsSpan(30 + 2 * 45);
        Assert.Equal(c[0], car2.GetProperty("m_position").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(c[6..]), car2.GetProperty("m_bestLapTimeInMS").GetUInt32());
        Assert.Equal(BinaryPrimitives.ReadDoubleLittleEndian(c[10..]), car2.GetProperty("m_totalRaceTime").GetDouble());
        Assert.Equal(c[37], car2.GetProperty("m_tyreStintsEndLaps")[0].GetInt32());

        var lobby = Fixtures.PacketBytes("2023-09.bin");
        json = DecodeOne("2023-09.bin");
        Assert.Equal(lobby[29], json.GetProperty("m_numPlayers").GetInt32());
        var player = lobby.AsSpan(30);
        Assert.Equal(player[1], json.GetProperty("m_lobbyPlayers")[0].GetProperty("m_teamId").GetInt32());
        Assert.Equal(player[53], json.GetProperty("m_lobbyPlayers")[0].GetProperty("m_readyStatus").GetInt32());

        var damage = Fixtures.PacketBytes("2023-10.bin");
        json = DecodeOne("2023-10.bin");
        var car0 = json.GetProperty("m_carDamageData")[0];
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(damage.AsSpan(29 + 8)), car0.GetProperty("m_tyresWear")[2].GetSingle());
        Assert.Equal(damage[29 + 24 + 17], car0.GetProperty("m_engineSeized").GetInt32());

        var sets = Fixtures.PacketBytes("2023-12.bin");
        json = DecodeOne("2023-12.bin");
        Assert.Equal(sets[230], json.GetProperty("m_fittedIdx").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(sets.AsSpan(30 + 3 * 10 + 7)), json.GetProperty("m_tyreSetData")[3].GetProperty("m_lapDeltaTime").GetInt32());

        var motionEx = Fixtures.PacketBytes("2023-13.bin");
        json = DecodeOne("2023-13.bin");
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(29 + 128)), json.GetProperty("m_heightOfCOGAboveGround").GetSingle());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(29 + 128 + 4 * 11 + 12)), json.GetProperty("m_wheelVertForce")[3].GetSingle());

        var setups = Fixtures.PacketBytes("2023-05.bin");
        json = DecodeOne("2023-05.bin");
        var setup = setups.AsSpan(29 + 49 * (setups[27] < 22 ? setups[27] : 0));
        var ours = json.GetProperty("m_carSetups")[setups[27] < 22 ? setups[27] : 0];
        Assert.Equal(setup[0], ours.GetProperty("m_frontWing").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setup[4..]), ours.GetProperty("m_frontCamber").GetSingle());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setup[45..]), ours.GetProperty("m_fuelLoad").GetSingle());
    }

    [Fact]
    public void Shorter_and_longer_events_whose_details_fit_are_decoded()
    {
        var overtake = Fixtures.PacketBytes("2023-03-OVTK.bin");
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(overtake.AsSpan(0, 29 + 4 + 2), out _));
        Assert.Equal(DatagramDropReason.WrongLength, F1Decoder.Validate(overtake.AsSpan(0, 29 + 4 + 1), out _));
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate([.. overtake, 0, 0, 0], out _));
        Assert.Equal(overtake[34], F1Decoder.ReadEvent(overtake.AsSpan(0, 35)).EventDetails.Overtake.BeingOvertakenVehicleIdx);
        var unknown = (byte[])overtake.Clone();
        "XXXX"u8.CopyTo(unknown.AsSpan(29));
        Assert.Equal(DatagramDropReason.UnknownEventCode, F1Decoder.Validate(unknown, out _));
    }

    [Fact]
    public void Proto_format_prints_spec_frames()
    {
        var (exit, lines, errors) = Decode("--format", "proto", Fixtures.Packet("2023-04.bin"));
        Assert.True(exit == 0, errors);
        var frames = JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("datagram").GetProperty("frames");
        var participants = Fixtures.PacketBytes("2023-04.bin");
        Assert.Equal(participants[29], frames.GetArrayLength());
        Assert.All(frames.EnumerateArray(), f => Assert.False(string.IsNullOrEmpty(f.GetProperty("participant").GetProperty("name").GetString())));
    }

    [Fact]
    public void Bad_files_get_a_line_on_stderr_and_a_non_zero_exit_and_the_rest_still_decode()
    {
        var dir = Directory.CreateTempSubdirectory("formulatel-decode");
        try
        {
            var shortFile = Path.Combine(dir.FullName, "short.bin");
            File.WriteAllBytes(shortFile, new byte[5]);
            var format2022 = Path.Combine(dir.FullName, "f1-22.bin");
            var bytes = Fixtures.PacketBytes("2023-06.bin");
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, 2022);
            File.WriteAllBytes(format2022, bytes);
            var (exit, lines, errors) = Decode(shortFile, Path.Combine(dir.FullName, "missing.bin"), Fixtures.Packet("2023-01.bin"), format2022);
            Assert.Equal(1, exit);
            Assert.Equal("2023-01.bin", JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("file").GetString());
            Assert.Contains("short.bin: too short", errors);
            Assert.Contains("missing.bin: cannot read", errors);
            Assert.Contains("f1-22.bin: packet format 2022 is not supported", errors);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Proto_format_prints_every_packet_type()
    {
        var files = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin").Order().ToArray();
        var (exit, lines, errors) = Decode(["--format", "proto", .. files]);
        Assert.True(exit == 0, errors);
        Assert.Equal(files.Length, lines.Length);
        var payloads = lines
            .SelectMany(l => JsonDocument.Parse(l).RootElement.GetProperty("datagram").GetProperty("frames").EnumerateArray())
            .Select(f => f.EnumerateObject().Select(p => p.Name).Single(n => n != "envelope"))
            .ToHashSet();
        Assert.Equal(
            ["carDamage", "carSetup", "carStatus", "carTelemetry", "event", "finalClassification", "lap", "lobbyPlayer", "motion", "motionEx", "participant", "session", "sessionHistory", "timeTrial", "tyreSets"],
            payloads.Order());
    }
}
