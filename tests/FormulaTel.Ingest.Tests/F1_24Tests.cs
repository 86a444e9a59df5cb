using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using FormulaTel.Ingest.Cli;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>F1 24 (format 2024) against the real captures in packets/2024-*.bin, read at the spec's offsets.</summary>
public class F1_24Tests
{
    private const int Header = 29;

    private static JsonElement Decode(string fixture)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(IngestCommandLine.RunAsync(["decode", Fixtures.Packet(fixture)], output, error).GetAwaiter().GetResult() == 0, error.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.GetProperty("datagram");
    }

    [Fact]
    public void Layouts_have_the_2024_spec_sizes()
    {
        Assert.Equal(753, Unsafe.SizeOf<PacketSessionData2024>());
        Assert.Equal(57, Unsafe.SizeOf<LapData2024>());
        Assert.Equal(1285, Unsafe.SizeOf<PacketLapData2024>());
        Assert.Equal(1350, Unsafe.SizeOf<PacketParticipantsData2024>());
        Assert.Equal(1133, Unsafe.SizeOf<PacketCarSetupData2024>());
        Assert.Equal(1306, Unsafe.SizeOf<PacketLobbyInfoData2024>());
        Assert.Equal(237, Unsafe.SizeOf<PacketMotionExData2024>());
        Assert.Equal(24, Unsafe.SizeOf<TimeTrialDataSet>());
        Assert.Equal(101, Unsafe.SizeOf<PacketTimeTrialData>());
        for (var id = 0; id <= 14; id++)
        {
            Assert.True(F1Decoder.SpecSize(2024, (F1PacketId)id) > 0);
        }
    }

    [Fact]
    public void Both_session_formats_share_the_conditions_and_rules_groups_at_the_expected_offsets()
    {
        var sample = Marshal.SizeOf<WeatherForecastSample>();
        Assert.Equal(8, sample);
        Assert.Equal(Marshal.OffsetOf<PacketSessionData>(nameof(PacketSessionData.Conditions)), Marshal.OffsetOf<PacketSessionData2024>(nameof(PacketSessionData2024.Conditions)));
        Assert.Equal(Unsafe.SizeOf<F1PacketHeader>(), (int)Marshal.OffsetOf<PacketSessionData>(nameof(PacketSessionData.Conditions)));
        Assert.Equal(
            (int)Marshal.OffsetOf<PacketSessionData>(nameof(PacketSessionData.WeatherForecastSamples)) + 56 * sample,
            (int)Marshal.OffsetOf<PacketSessionData>(nameof(PacketSessionData.Rules)));
        Assert.Equal(
            (int)Marshal.OffsetOf<PacketSessionData2024>(nameof(PacketSessionData2024.WeatherForecastSamples)) + 64 * sample,
            (int)Marshal.OffsetOf<PacketSessionData2024>(nameof(PacketSessionData2024.Rules)));
    }

    [Fact]
    public async Task Every_2024_file_decodes_including_the_short_and_long_events()
    {
        var files = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "2024-*.bin").Order().ToArray();
        Assert.Equal(14 + 21, files.Length); // one per packet id besides Event (0–14), one per event code
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(await IngestCommandLine.RunAsync(["decode", .. files], output, error) == 0, error.ToString());
        Assert.Equal(files.Length, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(44, File.ReadAllBytes(Fixtures.Packet("2024-03-RDFL.bin")).Length);
        Assert.Equal("RDFL", Decode("2024-03-RDFL.bin").GetProperty("m_eventStringCode").GetString());
    }

    [Fact]
    public void Session_2024_settings_and_sector_starts()
    {
        var bytes = Fixtures.PacketBytes("2024-01.bin");
        var json = Decode("2024-01.bin");
        Assert.Equal(2024, json.GetProperty("m_header").GetProperty("m_packetFormat").GetInt32());
        Assert.Equal(64, json.GetProperty("m_weatherForecastSamples").GetArrayLength());
        // After the header: 19 bytes, 21 marshal zones of 5, 3 bytes, 64 forecast samples of 8 = offset 639.
        const int afterForecast = Header + 19 + 105 + 3 + 512;
        Assert.Equal(bytes[afterForecast], json.GetProperty("m_forecastAccuracy").GetInt32());
        Assert.Equal(bytes[afterForecast + 1], json.GetProperty("m_aiDifficulty").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(afterForecast + 2)), json.GetProperty("m_seasonLinkIdentifier").GetUInt32());
        Assert.Equal(bytes[afterForecast + 17], json.GetProperty("m_ERSAssist").GetInt32());
        Assert.Equal(bytes[753 - 8 - 12 - 1], json.GetProperty("m_numSessionsInWeekend").GetInt32());
        Assert.Equal(bytes[753 - 8 - 12], json.GetProperty("m_weekendStructure")[0].GetInt32());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(753 - 8)), json.GetProperty("m_sector2LapDistanceStart").GetSingle());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(753 - 4)), json.GetProperty("m_sector3LapDistanceStart").GetSingle());
        Assert.Equal(bytes[afterForecast + 2 + 12 + 3 + 9 + 2 + 4 + 5 + 3], json.GetProperty("m_equalCarPerformance").GetInt32());

        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        var session = Assert.Single(frames);
        Assert.Equal(Game.F124, session.Envelope.Game);
        Assert.Equal(F1Names.Track((sbyte)bytes[Header + 7]), session.Session.Track);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(Header + 4)), session.Session.TrackLengthM);
    }

    [Fact]
    public void Lap_data_2024_splits_deltas_and_adds_the_speed_trap()
    {
        var bytes = Fixtures.PacketBytes("2024-02.bin");
        var json = Decode("2024-02.bin");
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        Assert.NotEmpty(frames);
        foreach (var frame in frames)
        {
            var car = (int)frame.Envelope.CarIndex;
            var lap = bytes.AsSpan(Header + car * 57);
            var ours = json.GetProperty("m_lapData")[car];
            Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(lap[8..]), ours.GetProperty("m_sector1TimeMSPart").GetInt32());
            Assert.Equal(lap[10], ours.GetProperty("m_sector1TimeMinutesPart").GetInt32());
            Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(lap[14..]), ours.GetProperty("m_deltaToCarInFrontMSPart").GetInt32());
            Assert.Equal(lap[16], ours.GetProperty("m_deltaToCarInFrontMinutesPart").GetInt32());
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(lap[20..]), ours.GetProperty("m_lapDistance").GetSingle());
            Assert.Equal(lap[32], ours.GetProperty("m_carPosition").GetInt32());
            Assert.Equal(lap[45], ours.GetProperty("m_resultStatus").GetInt32());
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(lap[52..]), ours.GetProperty("m_speedTrapFastestSpeed").GetSingle());
            Assert.Equal(lap[56], ours.GetProperty("m_speedTrapFastestLap").GetInt32());

            Assert.Equal(Game.F124, frame.Envelope.Game);
            Assert.Equal(lap[33], frame.Lap.LapNumber);
            Assert.Equal(lap[16] * 60_000u + BinaryPrimitives.ReadUInt16LittleEndian(lap[14..]), frame.Lap.DeltaToCarInFrontMs);
            Assert.Equal(lap[19] * 60_000u + BinaryPrimitives.ReadUInt16LittleEndian(lap[17..]), frame.Lap.DeltaToRaceLeaderMs);
            Assert.Equal(lap[10] * 60_000u + BinaryPrimitives.ReadUInt16LittleEndian(lap[8..]), frame.Lap.Sector1TimeMs);
        }
    }

    [Fact]
    public void Participants_2024_add_the_tech_level_before_the_platform()
    {
        var bytes = Fixtures.PacketBytes("2024-04.bin");
        var json = Decode("2024-04.bin");
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        Assert.Equal(bytes[Header], frames.Count);
        foreach (var frame in frames)
        {
            var car = (int)frame.Envelope.CarIndex;
            var p = bytes.AsSpan(Header + 1 + car * 60);
            var name = p.Slice(7, 48);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(name[..name.IndexOf((byte)0)]), frame.Participant.Name);
            Assert.Equal(p[5], frame.Participant.RaceNumber);
            Assert.Equal(F1Names.Team(2024, p[3]), frame.Participant.Team);
            var ours = json.GetProperty("m_participants")[car];
            Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(p[57..]), ours.GetProperty("m_techLevel").GetInt32());
            Assert.Equal(p[59], ours.GetProperty("m_platform").GetInt32());
        }
    }

    [Fact]
    public void Setups_lobby_motion_ex_time_trial_and_the_new_events()
    {
        var setups = Fixtures.PacketBytes("2024-05.bin");
        var json = Decode("2024-05.bin");
        Assert.Equal(setups[Header + 28], json.GetProperty("m_carSetups")[0].GetProperty("m_engineBraking").GetInt32()); // after 4 bytes, 4 floats, 8 bytes
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setups.AsSpan(Header + 46)), json.GetProperty("m_carSetups")[0].GetProperty("m_fuelLoad").GetSingle());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setups.AsSpan(1129)), json.GetProperty("m_nextFrontWingValue").GetSingle());

        var lobby = Fixtures.PacketBytes("2024-09.bin");
        json = Decode("2024-09.bin");
        var player = lobby.AsSpan(Header + 1);
        Assert.Equal(player[53], json.GetProperty("m_lobbyPlayers")[0].GetProperty("m_yourTelemetry").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(player[55..]), json.GetProperty("m_lobbyPlayers")[0].GetProperty("m_techLevel").GetInt32());
        Assert.Equal(player[57], json.GetProperty("m_lobbyPlayers")[0].GetProperty("m_readyStatus").GetInt32());

        var motionEx = Fixtures.PacketBytes("2024-13.bin");
        json = Decode("2024-13.bin");
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(217)), json.GetProperty("m_frontAeroHeight").GetSingle());
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(233)), json.GetProperty("m_chassisYaw").GetSingle());

        var trial = Fixtures.PacketBytes("2024-14.bin");
        json = Decode("2024-14.bin");
        var rival = json.GetProperty("m_rivalDataSet");
        Assert.Equal(trial[Header + 48], rival.GetProperty("m_carIdx").GetInt32());
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(trial.AsSpan(Header + 48 + 2)), rival.GetProperty("m_lapTimeInMS").GetUInt32());
        Assert.Equal(trial[100], rival.GetProperty("m_valid").GetInt32());

        var safetyCar = Fixtures.PacketBytes("2024-03-SCAR.bin");
        var details = Decode("2024-03-SCAR.bin").GetProperty("m_eventDetails");
        Assert.Equal(safetyCar[33], details.GetProperty("safetyCarType").GetInt32());
        Assert.Equal(safetyCar[34], details.GetProperty("eventType").GetInt32());

        var collision = Fixtures.PacketBytes("2024-03-COLL.bin");
        details = Decode("2024-03-COLL.bin").GetProperty("m_eventDetails");
        Assert.Equal(collision[33], details.GetProperty("vehicle1Idx").GetInt32());
        Assert.Equal(collision[34], details.GetProperty("vehicle2Idx").GetInt32());

        // SCAR and COLL are F1 24 codes: in a 2023 datagram they are unknown.
        var asF123 = (byte[])safetyCar.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(asF123, 2023);
        Assert.Equal(DatagramDropReason.UnknownEventCode, F1Decoder.Validate(asF123, out _));
    }

    [Theory]
    [InlineData("2024-00.bin")]
    [InlineData("2024-06.bin")]
    [InlineData("2024-07.bin")]
    public void Unchanged_packets_map_as_in_F1_23_with_the_game_set(string fixture)
    {
        var bytes = Fixtures.PacketBytes(fixture);
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        var player = Assert.Single(frames); // before lap data or participants: the player's car
        Assert.Equal(Game.F124, player.Envelope.Game);
        Assert.Equal(bytes[27], (int)player.Envelope.CarIndex);
        var car = bytes.AsSpan(Header + bytes[27] * (fixture == "2024-07.bin" ? 55 : 60));
        switch (fixture)
        {
            case "2024-00.bin":
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car), player.Motion.WorldPositionXM);
                break;
            case "2024-06.bin":
                Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car), player.CarTelemetry.SpeedKph);
                Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(car[16..]), player.CarTelemetry.EngineRpm);
                break;
            default:
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car[5..]), player.CarStatus.FuelInTankKg);
                break;
        }
    }
}
