using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// An oracle independent of our structs: the EA specification's packet listings transcribed below as text (type,
/// name, array length), read byte by byte into JSON and compared with the decoder's spec JSON — every field of every
/// packet in both fixture sets (F1 23 and F1 24), every event code.
/// </summary>
public class SpecListingOracleTests
{
    // "type name" or "type name[n]" or "type name[n][m]"; types: u8 i8 u16 i16 u32 f32 f64 u64, char[n] (a name),
    // or another listing's name. Event detail members have no m_ prefix (as in the spec), marked with a leading '-'.
    private static readonly Dictionary<string, string> Listings = new()
    {
        ["Header"] = "u16 packetFormat; u8 gameYear; u8 gameMajorVersion; u8 gameMinorVersion; u8 packetVersion; u8 packetId; u64 sessionUID; f32 sessionTime; u32 frameIdentifier; u32 overallFrameIdentifier; u8 playerCarIndex; u8 secondaryPlayerCarIndex",
        ["CarMotion"] = "f32 worldPositionX; f32 worldPositionY; f32 worldPositionZ; f32 worldVelocityX; f32 worldVelocityY; f32 worldVelocityZ; i16 worldForwardDirX; i16 worldForwardDirY; i16 worldForwardDirZ; i16 worldRightDirX; i16 worldRightDirY; i16 worldRightDirZ; f32 gForceLateral; f32 gForceLongitudinal; f32 gForceVertical; f32 yaw; f32 pitch; f32 roll",
        ["Motion"] = "Header header; CarMotion carMotionData[22]",
        ["MarshalZone"] = "f32 zoneStart; i8 zoneFlag",
        ["Forecast"] = "u8 sessionType; u8 timeOffset; u8 weather; i8 trackTemperature; i8 trackTemperatureChange; i8 airTemperature; i8 airTemperatureChange; u8 rainPercentage",
        ["SessionHead"] = "Header header; u8 weather; i8 trackTemperature; i8 airTemperature; u8 totalLaps; u16 trackLength; u8 sessionType; i8 trackId; u8 formula; u16 sessionTimeLeft; u16 sessionDuration; u8 pitSpeedLimit; u8 gamePaused; u8 isSpectating; u8 spectatorCarIndex; u8 sliProNativeSupport; u8 numMarshalZones; MarshalZone marshalZones[21]; u8 safetyCarStatus; u8 networkGame; u8 numWeatherForecastSamples",
        ["SessionTail"] = "u8 forecastAccuracy; u8 aiDifficulty; u32 seasonLinkIdentifier; u32 weekendLinkIdentifier; u32 sessionLinkIdentifier; u8 pitStopWindowIdealLap; u8 pitStopWindowLatestLap; u8 pitStopRejoinPosition; u8 steeringAssist; u8 brakingAssist; u8 gearboxAssist; u8 pitAssist; u8 pitReleaseAssist; u8 ERSAssist; u8 DRSAssist; u8 dynamicRacingLine; u8 dynamicRacingLineType; u8 gameMode; u8 ruleSet; u32 timeOfDay; u8 sessionLength; u8 speedUnitsLeadPlayer; u8 temperatureUnitsLeadPlayer; u8 speedUnitsSecondaryPlayer; u8 temperatureUnitsSecondaryPlayer; u8 numSafetyCarPeriods; u8 numVirtualSafetyCarPeriods; u8 numRedFlagPeriods",
        ["Session2023"] = "SessionHead *; Forecast weatherForecastSamples[56]; SessionTail *",
        ["Session2024"] = "SessionHead *; Forecast weatherForecastSamples[64]; SessionTail *; u8 equalCarPerformance; u8 recoveryMode; u8 flashbackLimit; u8 surfaceType; u8 lowFuelMode; u8 raceStarts; u8 tyreTemperature; u8 pitLaneTyreSim; u8 carDamage; u8 carDamageRate; u8 collisions; u8 collisionsOffForFirstLapOnly; u8 mpUnsafePitRelease; u8 mpOffForGriefing; u8 cornerCuttingStringency; u8 parcFermeRules; u8 pitStopExperience; u8 safetyCar; u8 safetyCarExperience; u8 formationLap; u8 formationLapExperience; u8 redFlags; u8 affectsLicenceLevelSolo; u8 affectsLicenceLevelMP; u8 numSessionsInWeekend; u8 weekendStructure[12]; f32 sector2LapDistanceStart; f32 sector3LapDistanceStart",
        ["LapTail"] = "f32 lapDistance; f32 totalDistance; f32 safetyCarDelta; u8 carPosition; u8 currentLapNum; u8 pitStatus; u8 numPitStops; u8 sector; u8 currentLapInvalid; u8 penalties; u8 totalWarnings; u8 cornerCuttingWarnings; u8 numUnservedDriveThroughPens; u8 numUnservedStopGoPens; u8 gridPosition; u8 driverStatus; u8 resultStatus; u8 pitLaneTimerActive; u16 pitLaneTimeInLaneInMS; u16 pitStopTimerInMS; u8 pitStopShouldServePen",
        ["Lap2023"] = "u32 lastLapTimeInMS; u32 currentLapTimeInMS; u16 sector1TimeInMS; u8 sector1TimeMinutes; u16 sector2TimeInMS; u8 sector2TimeMinutes; u16 deltaToCarInFrontInMS; u16 deltaToRaceLeaderInMS; LapTail *",
        ["Lap2024"] = "u32 lastLapTimeInMS; u32 currentLapTimeInMS; u16 sector1TimeMSPart; u8 sector1TimeMinutesPart; u16 sector2TimeMSPart; u8 sector2TimeMinutesPart; u16 deltaToCarInFrontMSPart; u8 deltaToCarInFrontMinutesPart; u16 deltaToRaceLeaderMSPart; u8 deltaToRaceLeaderMinutesPart; LapTail *; f32 speedTrapFastestSpeed; u8 speedTrapFastestLap",
        ["LapData2023"] = "Header header; Lap2023 lapData[22]; u8 timeTrialPBCarIdx; u8 timeTrialRivalCarIdx",
        ["LapData2024"] = "Header header; Lap2024 lapData[22]; u8 timeTrialPBCarIdx; u8 timeTrialRivalCarIdx",
        ["Participant2023"] = "u8 aiControlled; u8 driverId; u8 networkId; u8 teamId; u8 myTeam; u8 raceNumber; u8 nationality; char[48] name; u8 yourTelemetry; u8 showOnlineNames; u8 platform",
        ["Participant2024"] = "u8 aiControlled; u8 driverId; u8 networkId; u8 teamId; u8 myTeam; u8 raceNumber; u8 nationality; char[48] name; u8 yourTelemetry; u8 showOnlineNames; u16 techLevel; u8 platform",
        ["Participants2023"] = "Header header; u8 numActiveCars; Participant2023 participants[22]",
        ["Participants2024"] = "Header header; u8 numActiveCars; Participant2024 participants[22]",
        ["SetupHead"] = "u8 frontWing; u8 rearWing; u8 onThrottle; u8 offThrottle; f32 frontCamber; f32 rearCamber; f32 frontToe; f32 rearToe; u8 frontSuspension; u8 rearSuspension; u8 frontAntiRollBar; u8 rearAntiRollBar; u8 frontSuspensionHeight; u8 rearSuspensionHeight; u8 brakePressure; u8 brakeBias",
        ["SetupTail"] = "f32 rearLeftTyrePressure; f32 rearRightTyrePressure; f32 frontLeftTyrePressure; f32 frontRightTyrePressure; u8 ballast; f32 fuelLoad",
        ["Setup2023"] = "SetupHead *; SetupTail *",
        ["Setup2024"] = "SetupHead *; u8 engineBraking; SetupTail *",
        ["Setups2023"] = "Header header; Setup2023 carSetups[22]",
        ["Setups2024"] = "Header header; Setup2024 carSetups[22]; f32 nextFrontWingValue",
        ["CarTelemetry"] = "u16 speed; f32 throttle; f32 steer; f32 brake; u8 clutch; i8 gear; u16 engineRPM; u8 drs; u8 revLightsPercent; u16 revLightsBitValue; u16 brakesTemperature[4]; u8 tyresSurfaceTemperature[4]; u8 tyresInnerTemperature[4]; u16 engineTemperature; f32 tyresPressure[4]; u8 surfaceType[4]",
        ["Telemetry"] = "Header header; CarTelemetry carTelemetryData[22]; u8 mfdPanelIndex; u8 mfdPanelIndexSecondaryPlayer; i8 suggestedGear",
        ["CarStatus"] = "u8 tractionControl; u8 antiLockBrakes; u8 fuelMix; u8 frontBrakeBias; u8 pitLimiterStatus; f32 fuelInTank; f32 fuelCapacity; f32 fuelRemainingLaps; u16 maxRPM; u16 idleRPM; u8 maxGears; u8 drsAllowed; u16 drsActivationDistance; u8 actualTyreCompound; u8 visualTyreCompound; u8 tyresAgeLaps; i8 vehicleFiaFlags; f32 enginePowerICE; f32 enginePowerMGUK; f32 ersStoreEnergy; u8 ersDeployMode; f32 ersHarvestedThisLapMGUK; f32 ersHarvestedThisLapMGUH; f32 ersDeployedThisLap; u8 networkPaused",
        ["Status"] = "Header header; CarStatus carStatusData[22]",
        ["Classification"] = "u8 position; u8 numLaps; u8 gridPosition; u8 points; u8 numPitStops; u8 resultStatus; u32 bestLapTimeInMS; f64 totalRaceTime; u8 penaltiesTime; u8 numPenalties; u8 numTyreStints; u8 tyreStintsActual[8]; u8 tyreStintsVisual[8]; u8 tyreStintsEndLaps[8]",
        ["FinalClassification"] = "Header header; u8 numCars; Classification classificationData[22]",
        ["Lobby2023"] = "u8 aiControlled; u8 teamId; u8 nationality; u8 platform; char[48] name; u8 carNumber; u8 readyStatus",
        ["Lobby2024"] = "u8 aiControlled; u8 teamId; u8 nationality; u8 platform; char[48] name; u8 carNumber; u8 yourTelemetry; u8 showOnlineNames; u16 techLevel; u8 readyStatus",
        ["LobbyInfo2023"] = "Header header; u8 numPlayers; Lobby2023 lobbyPlayers[22]",
        ["LobbyInfo2024"] = "Header header; u8 numPlayers; Lobby2024 lobbyPlayers[22]",
        ["Damage"] = "f32 tyresWear[4]; u8 tyresDamage[4]; u8 brakesDamage[4]; u8 frontLeftWingDamage; u8 frontRightWingDamage; u8 rearWingDamage; u8 floorDamage; u8 diffuserDamage; u8 sidepodDamage; u8 drsFault; u8 ersFault; u8 gearBoxDamage; u8 engineDamage; u8 engineMGUHWear; u8 engineESWear; u8 engineCEWear; u8 engineICEWear; u8 engineMGUKWear; u8 engineTCWear; u8 engineBlown; u8 engineSeized",
        ["CarDamage"] = "Header header; Damage carDamageData[22]",
        ["LapHistory"] = "u32 lapTimeInMS; u16 sector1TimeInMS; u8 sector1TimeMinutes; u16 sector2TimeInMS; u8 sector2TimeMinutes; u16 sector3TimeInMS; u8 sector3TimeMinutes; u8 lapValidBitFlags",
        ["Stint"] = "u8 endLap; u8 tyreActualCompound; u8 tyreVisualCompound",
        ["SessionHistory"] = "Header header; u8 carIdx; u8 numLaps; u8 numTyreStints; u8 bestLapTimeLapNum; u8 bestSector1LapNum; u8 bestSector2LapNum; u8 bestSector3LapNum; LapHistory lapHistoryData[100]; Stint tyreStintsHistoryData[8]",
        ["TyreSet"] = "u8 actualTyreCompound; u8 visualTyreCompound; u8 wear; u8 available; u8 recommendedSession; u8 lifeSpan; u8 usableLife; i16 lapDeltaTime; u8 fitted",
        ["TyreSets"] = "Header header; u8 carIdx; TyreSet tyreSetData[20]; u8 fittedIdx",
        ["MotionExHead"] = "Header header; f32 suspensionPosition[4]; f32 suspensionVelocity[4]; f32 suspensionAcceleration[4]; f32 wheelSpeed[4]; f32 wheelSlipRatio[4]; f32 wheelSlipAngle[4]; f32 wheelLatForce[4]; f32 wheelLongForce[4]; f32 heightOfCOGAboveGround; f32 localVelocityX; f32 localVelocityY; f32 localVelocityZ; f32 angularVelocityX; f32 angularVelocityY; f32 angularVelocityZ; f32 angularAccelerationX; f32 angularAccelerationY; f32 angularAccelerationZ; f32 frontWheelsAngle; f32 wheelVertForce[4]",
        ["MotionEx2023"] = "MotionExHead *",
        ["MotionEx2024"] = "MotionExHead *; f32 frontAeroHeight; f32 rearAeroHeight; f32 frontRollAngle; f32 rearRollAngle; f32 chassisYaw",
        ["TrialSet"] = "u8 carIdx; u8 teamId; u32 lapTimeInMS; u32 sector1TimeInMS; u32 sector2TimeInMS; u32 sector3TimeInMS; u8 tractionControl; u8 gearboxAssist; u8 antiLockBrakes; u8 equalCarPerformance; u8 customSetup; u8 valid",
        ["TimeTrial"] = "Header header; TrialSet playerSessionBestDataSet; TrialSet personalBestDataSet; TrialSet rivalDataSet",
        // Event details, by code (the spec names these members without the m_ prefix).
        ["FTLP"] = "-u8 vehicleIdx; -f32 lapTime",
        ["RTMT"] = "-u8 vehicleIdx", ["TMPT"] = "-u8 vehicleIdx", ["RCWN"] = "-u8 vehicleIdx", ["DTSV"] = "-u8 vehicleIdx", ["SGSV"] = "-u8 vehicleIdx",
        ["PENA"] = "-u8 penaltyType; -u8 infringementType; -u8 vehicleIdx; -u8 otherVehicleIdx; -u8 time; -u8 lapNum; -u8 placesGained",
        ["SPTP"] = "-u8 vehicleIdx; -f32 speed; -u8 isOverallFastestInSession; -u8 isDriverFastestInSession; -u8 fastestVehicleIdxInSession; -f32 fastestSpeedInSession",
        ["STLG"] = "-u8 numLights",
        ["FLBK"] = "-u32 flashbackFrameIdentifier; -f32 flashbackSessionTime",
        ["BUTN"] = "-u32 buttonStatus",
        ["OVTK"] = "-u8 overtakingVehicleIdx; -u8 beingOvertakenVehicleIdx",
        ["SCAR"] = "-u8 safetyCarType; -u8 eventType",
        ["COLL"] = "-u8 vehicle1Idx; -u8 vehicle2Idx",
    };

    private static string ListingFor(int format, int id) => (id, format) switch
    {
        (0, _) => "Motion",
        (1, 2023) => "Session2023",
        (1, _) => "Session2024",
        (2, 2023) => "LapData2023",
        (2, _) => "LapData2024",
        (4, 2023) => "Participants2023",
        (4, _) => "Participants2024",
        (5, 2023) => "Setups2023",
        (5, _) => "Setups2024",
        (6, _) => "Telemetry",
        (7, _) => "Status",
        (8, _) => "FinalClassification",
        (9, 2023) => "LobbyInfo2023",
        (9, _) => "LobbyInfo2024",
        (10, _) => "CarDamage",
        (11, _) => "SessionHistory",
        (12, _) => "TyreSets",
        (13, 2023) => "MotionEx2023",
        (13, _) => "MotionEx2024",
        (14, _) => "TimeTrial",
        _ => throw new ArgumentException($"no listing for id {id}"),
    };

    public static TheoryData<string> Files => new(Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_field_equals_the_spec_listing_read_byte_by_byte(string file)
    {
        var bytes = Fixtures.PacketBytes(file);
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(bytes, out _));
        var format = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        var expected = new JsonObject();
        var offset = 0;
        if (bytes[6] == 3)
        {
            var padded = bytes.Length >= 45 ? bytes : [.. bytes, .. new byte[45 - bytes.Length]];
            Read("Header header", padded, ref offset, expected);
            var code = System.Text.Encoding.ASCII.GetString(padded, offset, 4);
            expected["m_eventStringCode"] = code;
            offset += 4;
            if (Listings.TryGetValue(code, out _))
            {
                var details = new JsonObject();
                ReadFields(code, padded, ref offset, details);
                expected["m_eventDetails"] = details;
            }
        }
        else
        {
            ReadFields(ListingFor(format, bytes[6]), bytes, ref offset, expected);
            Assert.Equal(bytes.Length, offset); // the listing covers the datagram exactly
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            F1SpecJson.Write(writer, bytes);
        }

        var actual = JsonNode.Parse(json.ToArray())!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{file}: decoder and listing differ\nlisting: {expected.ToJsonString()[..Math.Min(600, expected.ToJsonString().Length)]}\ndecoder: {actual.ToJsonString()[..Math.Min(600, actual.ToJsonString().Length)]}");
    }

    private static void ReadFields(string listing, byte[] bytes, ref int offset, JsonObject into)
    {
        foreach (var field in Listings[listing].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            Read(field, bytes, ref offset, into);
        }
    }

    private static void Read(string field, byte[] bytes, ref int offset, JsonObject into)
    {
        var prefixed = !field.StartsWith('-');
        var parts = field.TrimStart('-').Split(' ');
        var (type, declarator) = (parts[0], parts[1]);
        if (declarator == "*")
        {
            ReadFields(type, bytes, ref offset, into); // an inline group of the listing
            return;
        }

        var dims = declarator.Split('[').Skip(1).Select(d => int.Parse(d.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var name = declarator.Split('[')[0];
        into[(prefixed ? "m_" : "") + name] = ReadValue(type, dims, bytes, ref offset);
    }

    private static JsonNode? ReadValue(string type, ReadOnlySpan<int> dims, byte[] bytes, ref int offset)
    {
        if (dims.Length > 0)
        {
            var array = new JsonArray();
            for (var i = 0; i < dims[0]; i++)
            {
                array.Add(ReadValue(type, dims[1..], bytes, ref offset));
            }

            return array;
        }

        var span = bytes.AsSpan(offset);
        switch (type)
        {
            case "u8": offset += 1; return span[0];
            case "i8": offset += 1; return (sbyte)span[0];
            case "u16": offset += 2; return BinaryPrimitives.ReadUInt16LittleEndian(span);
            case "i16": offset += 2; return BinaryPrimitives.ReadInt16LittleEndian(span);
            case "u32": offset += 4; return BinaryPrimitives.ReadUInt32LittleEndian(span);
            case "u64": offset += 8; return BinaryPrimitives.ReadUInt64LittleEndian(span).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "f32":
                offset += 4;
                var f = BinaryPrimitives.ReadSingleLittleEndian(span);
                return float.IsFinite(f) ? JsonValue.Create((double)f) : JsonValue.Create(f.ToString(System.Globalization.CultureInfo.InvariantCulture));
            case "f64":
                offset += 8;
                return BinaryPrimitives.ReadDoubleLittleEndian(span);
            case var s when s.StartsWith("char[", StringComparison.Ordinal):
                var length = int.Parse(s[5..^1], System.Globalization.CultureInfo.InvariantCulture);
                var text = span[..length];
                offset += length;
                var end = text.IndexOf((byte)0);
                return System.Text.Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
            default:
                var nested = new JsonObject();
                ReadFields(type, bytes, ref offset, nested);
                return nested;
        }
    }
}
