using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Session details and the packets beyond the live essentials: setups, damage, history, tyre sets, final
// classification, events, lobby, motion ex, time trial and lap positions.
public sealed partial class F1FrameMapper
{
    private DatagramDropReason MapMore(ReadOnlySpan<byte> datagram, in F1PacketHeader header, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var format = header.PacketFormat;
        switch ((F1PacketId)header.PacketId)
        {
            case F1PacketId.Event:
                MapEvent(F1Decoder.ReadEvent(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarSetups when format >= F1Decoder.Format2024:
                MapCarSetups2024(in F1Decoder.View<PacketCarSetupData2024>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarSetups:
                MapCarSetups(in F1Decoder.View<PacketCarSetupData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarDamage when format >= F1Decoder.Format2025:
                MapCarDamage2025(in F1Decoder.View<PacketCarDamageData2025>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarDamage:
                MapCarDamage(in F1Decoder.View<PacketCarDamageData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.SessionHistory:
                MapSessionHistory(in F1Decoder.View<PacketSessionHistoryData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.TyreSets:
                MapTyreSets(in F1Decoder.View<PacketTyreSetsData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.FinalClassification when format >= F1Decoder.Format2025:
                MapFinalClassification2025(in F1Decoder.View<PacketFinalClassificationData2025>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.FinalClassification:
                MapFinalClassification(in F1Decoder.View<PacketFinalClassificationData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.LobbyInfo when format >= F1Decoder.Format2025:
                MapLobby2025(in F1Decoder.View<PacketLobbyInfoData2025>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.LobbyInfo when format >= F1Decoder.Format2024:
                MapLobby2024(in F1Decoder.View<PacketLobbyInfoData2024>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.LobbyInfo:
                MapLobby(in F1Decoder.View<PacketLobbyInfoData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.MotionEx:
                MapMotionEx(datagram, format, sourceId, receivedAt, output);
                break;
            case F1PacketId.TimeTrial:
                MapTimeTrial(in F1Decoder.View<PacketTimeTrialData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.LapPositions:
                MapLapPositions(in F1Decoder.View<PacketLapPositionsData>(datagram), sourceId, receivedAt, output);
                break;
            default:
                // Unreachable for a validated datagram: every id of every format is handled above.
                return DatagramDropReason.UnknownPacketId;
        }

        return DatagramDropReason.None;
    }

    private static TelemetryFrame Frame(in F1PacketHeader header, int car, string sourceId, Timestamp receivedAt) =>
        new() { Envelope = Envelope(in header, car, sourceId, receivedAt) };

    private static float Ratio(byte percent) => percent / 100f;

    private static Wheels RatioWheels(WheelArray<byte> percent) => new()
    {
        RearLeft = Ratio(percent[0]),
        RearRight = Ratio(percent[1]),
        FrontLeft = Ratio(percent[2]),
        FrontRight = Ratio(percent[3]),
    };

    private static Wheels RatioWheels(WheelArray<float> percent) => new()
    {
        RearLeft = percent[0] / 100f,
        RearRight = percent[1] / 100f,
        FrontLeft = percent[2] / 100f,
        FrontRight = percent[3] / 100f,
    };

    private static Wheels Pressures(float rl, float rr, float fl, float fr) => new() { RearLeft = rl, RearRight = rr, FrontLeft = fl, FrontRight = fr };

    // ---- Session ----

    private static void AddSessionDetails2023(Session session, in PacketSessionData p)
    {
        AddForecast(session, p.Header.PacketFormat, p.WeatherForecastSamples, p.NumWeatherForecastSamples);
        AddMarshalZones(session, p.MarshalZones, p.NumMarshalZones);
        session.F1 = new F1SessionDetails
        {
            Formula = p.Formula,
            AiDifficulty = p.AiDifficulty,
            GameMode = p.GameMode,
            RuleSet = p.RuleSet,
            SessionLength = p.SessionLength,
            SeasonLinkId = p.SeasonLinkIdentifier,
            WeekendLinkId = p.WeekendLinkIdentifier,
            SessionLinkId = p.SessionLinkIdentifier,
            PitStopWindowIdealLap = p.PitStopWindowIdealLap,
            PitStopWindowLatestLap = p.PitStopWindowLatestLap,
            PitStopRejoinPosition = p.PitStopRejoinPosition,
            SteeringAssist = p.SteeringAssist != 0,
            BrakingAssist = p.BrakingAssist,
            GearboxAssist = p.GearboxAssist,
            PitAssist = p.PitAssist != 0,
            PitReleaseAssist = p.PitReleaseAssist != 0,
            ErsAssist = p.ErsAssist != 0,
            DrsAssist = p.DrsAssist != 0,
            DynamicRacingLine = p.DynamicRacingLine,
            TimeOfDayMin = p.TimeOfDay,
            SafetyCarPeriods = p.NumSafetyCarPeriods,
            VirtualSafetyCarPeriods = p.NumVirtualSafetyCarPeriods,
            RedFlagPeriods = p.NumRedFlagPeriods,
            ForecastApproximate = p.ForecastAccuracy != 0,
        };
    }

    private static void AddSessionDetails2024(Session session, in PacketSessionData2024 p)
    {
        AddForecast(session, p.Header.PacketFormat, p.WeatherForecastSamples, p.NumWeatherForecastSamples);
        AddMarshalZones(session, p.MarshalZones, p.NumMarshalZones);
        session.Sector2StartM = p.Sector2LapDistanceStart;
        session.Sector3StartM = p.Sector3LapDistanceStart;
        var f1 = new F1SessionDetails
        {
            Formula = p.Formula,
            AiDifficulty = p.AiDifficulty,
            GameMode = p.GameMode,
            RuleSet = p.RuleSet,
            SessionLength = p.SessionLength,
            SeasonLinkId = p.SeasonLinkIdentifier,
            WeekendLinkId = p.WeekendLinkIdentifier,
            SessionLinkId = p.SessionLinkIdentifier,
            PitStopWindowIdealLap = p.PitStopWindowIdealLap,
            PitStopWindowLatestLap = p.PitStopWindowLatestLap,
            PitStopRejoinPosition = p.PitStopRejoinPosition,
            SteeringAssist = p.SteeringAssist != 0,
            BrakingAssist = p.BrakingAssist,
            GearboxAssist = p.GearboxAssist,
            PitAssist = p.PitAssist != 0,
            PitReleaseAssist = p.PitReleaseAssist != 0,
            ErsAssist = p.ErsAssist != 0,
            DrsAssist = p.DrsAssist != 0,
            DynamicRacingLine = p.DynamicRacingLine,
            TimeOfDayMin = p.TimeOfDay,
            SafetyCarPeriods = p.NumSafetyCarPeriods,
            VirtualSafetyCarPeriods = p.NumVirtualSafetyCarPeriods,
            RedFlagPeriods = p.NumRedFlagPeriods,
            ForecastApproximate = p.ForecastAccuracy != 0,
            EqualCarPerformance = p.EqualCarPerformance != 0,
            RecoveryMode = p.RecoveryMode,
            FlashbackLimit = p.FlashbackLimit,
            CarDamage = p.CarDamage,
            SafetyCarSetting = p.SafetyCar,
            RedFlagsSetting = p.RedFlags,
            ParcFermeRules = p.ParcFermeRules != 0,
        };
        for (var i = 0; i < Math.Min((int)p.NumSessionsInWeekend, 12); i++)
        {
            f1.WeekendSessionTypes.Add(p.WeekendStructure[i]);
        }

        session.F1 = f1;
    }

    private static void AddForecast(Session session, ushort format, ReadOnlySpan<WeatherForecastSample> samples, byte count)
    {
        foreach (var sample in samples[..Math.Min(count, samples.Length)])
        {
            session.WeatherForecast.Add(new WeatherForecast
            {
                TimeOffsetMin = sample.TimeOffset,
                Weather = sample.Weather <= 5 ? (Weather)sample.Weather : Weather.Clear,
                TrackTemperatureC = sample.TrackTemperature,
                AirTemperatureC = sample.AirTemperature,
                RainProbability = Ratio(sample.RainPercentage),
                SessionType = F1Names.SessionType(format, sample.SessionType),
            });
        }
    }

    private static void AddMarshalZones(Session session, ReadOnlySpan<MarshalZone> zones, byte count)
    {
        foreach (var zone in zones[..Math.Min(count, zones.Length)])
        {
            session.MarshalZones.Add(new Protos.V1.MarshalZone { StartFraction = zone.ZoneStart, Flag = F1Names.Flag(zone.ZoneFlag) });
        }
    }

    // ---- Events ----

    private static readonly Dictionary<string, RaceEventKind> EventKinds = new()
    {
        ["SSTA"] = RaceEventKind.RaceEventSessionStarted,
        ["SEND"] = RaceEventKind.RaceEventSessionEnded,
        ["FTLP"] = RaceEventKind.RaceEventFastestLap,
        ["RTMT"] = RaceEventKind.RaceEventRetirement,
        ["DRSE"] = RaceEventKind.RaceEventDrsEnabled,
        ["DRSD"] = RaceEventKind.RaceEventDrsDisabled,
        ["TMPT"] = RaceEventKind.RaceEventTeamMateInPits,
        ["CHQF"] = RaceEventKind.RaceEventChequeredFlag,
        ["RCWN"] = RaceEventKind.RaceEventRaceWinner,
        ["PENA"] = RaceEventKind.RaceEventPenalty,
        ["SPTP"] = RaceEventKind.RaceEventSpeedTrap,
        ["STLG"] = RaceEventKind.RaceEventStartLights,
        ["LGOT"] = RaceEventKind.RaceEventLightsOut,
        ["DTSV"] = RaceEventKind.RaceEventDriveThroughServed,
        ["SGSV"] = RaceEventKind.RaceEventStopGoServed,
        ["FLBK"] = RaceEventKind.RaceEventFlashback,
        ["BUTN"] = RaceEventKind.RaceEventButtons,
        ["RDFL"] = RaceEventKind.RaceEventRedFlag,
        ["OVTK"] = RaceEventKind.RaceEventOvertake,
        ["SCAR"] = RaceEventKind.RaceEventSafetyCar,
        ["COLL"] = RaceEventKind.RaceEventCollision,
    };

    private static void MapEvent(PacketEventData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var code = packet.EventStringCode.ToString();
        var e = new RaceEvent { Code = code, Kind = EventKinds.GetValueOrDefault(code) };
        var d = packet.EventDetails;
        int car = packet.Header.PlayerCarIndex;
        ReadOnlySpan<byte> codeBytes = packet.EventStringCode;
        switch (F1Events.DetailsOf(codeBytes, packet.Header.PacketFormat))
        {
            case F1Events.Details.FastestLap:
                car = d.FastestLap.VehicleIdx;
                e.LapTimeS = d.FastestLap.LapTime;
                break;
            case F1Events.Details.Vehicle:
                car = d.Vehicle.VehicleIdx;
                break;
            case F1Events.Details.Retirement:
                car = d.Retirement.VehicleIdx;
                e.Reason = d.Retirement.Reason;
                break;
            case F1Events.Details.DrsDisabled:
                e.Reason = d.DrsDisabled.Reason;
                break;
            case F1Events.Details.StopGoServed:
                car = d.StopGoServed.VehicleIdx;
                e.StopTimeS = d.StopGoServed.StopTime;
                break;
            case F1Events.Details.Penalty:
                car = d.Penalty.VehicleIdx;
                e.OtherCar = d.Penalty.OtherVehicleIdx;
                e.PenaltyType = d.Penalty.PenaltyType;
                e.InfringementType = d.Penalty.InfringementType;
                e.TimeS = d.Penalty.Time;
                e.Lap = d.Penalty.LapNum;
                e.PlacesGained = d.Penalty.PlacesGained;
                break;
            case F1Events.Details.SpeedTrap:
                car = d.SpeedTrap.VehicleIdx;
                e.SpeedKph = d.SpeedTrap.Speed;
                e.OverallFastestInSession = d.SpeedTrap.IsOverallFastestInSession != 0;
                e.DriverFastestInSession = d.SpeedTrap.IsDriverFastestInSession != 0;
                e.FastestCarInSession = d.SpeedTrap.FastestVehicleIdxInSession;
                e.FastestSpeedInSessionKph = d.SpeedTrap.FastestSpeedInSession;
                break;
            case F1Events.Details.StartLights:
                e.Lights = d.StartLights.NumLights;
                break;
            case F1Events.Details.Flashback:
                e.FlashbackFrameId = d.Flashback.FlashbackFrameIdentifier;
                e.FlashbackSessionTimeS = d.Flashback.FlashbackSessionTime;
                break;
            case F1Events.Details.Buttons:
                e.ButtonStatus = d.Buttons.ButtonStatus;
                break;
            case F1Events.Details.Overtake:
                car = d.Overtake.OvertakingVehicleIdx;
                e.OtherCar = d.Overtake.BeingOvertakenVehicleIdx;
                break;
            case F1Events.Details.SafetyCar:
                e.SafetyCarType = d.SafetyCar.SafetyCarType;
                e.SafetyCarEvent = d.SafetyCar.EventType;
                break;
            case F1Events.Details.Collision:
                car = d.Collision.Vehicle1Idx;
                e.OtherCar = d.Collision.Vehicle2Idx;
                break;
        }

        var frame = Frame(in packet.Header, car < F1Limits.MaxCars ? car : packet.Header.PlayerCarIndex, sourceId, receivedAt);
        frame.Event = e;
        output.Add(frame);
    }

    // ---- Setups and damage ----

    private void MapCarSetups(in PacketCarSetupData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var c = ref packet.CarSetups[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarSetup = new CarSetup
                {
                    FrontWing = c.FrontWing, RearWing = c.RearWing, DiffOnThrottle = Ratio(c.OnThrottle), DiffOffThrottle = Ratio(c.OffThrottle),
                    FrontCamberDeg = c.FrontCamber, RearCamberDeg = c.RearCamber, FrontToeDeg = c.FrontToe, RearToeDeg = c.RearToe,
                    FrontSuspension = c.FrontSuspension, RearSuspension = c.RearSuspension, FrontAntiRollBar = c.FrontAntiRollBar, RearAntiRollBar = c.RearAntiRollBar,
                    FrontRideHeight = c.FrontSuspensionHeight, RearRideHeight = c.RearSuspensionHeight, BrakePressure = Ratio(c.BrakePressure), BrakeBias = Ratio(c.BrakeBias),
                    TyrePressurePsi = Pressures(c.RearLeftTyrePressure, c.RearRightTyrePressure, c.FrontLeftTyrePressure, c.FrontRightTyrePressure),
                    Ballast = c.Ballast, FuelLoadKg = c.FuelLoad,
                };
                output.Add(frame);
            }
        }
    }

    private void MapCarSetups2024(in PacketCarSetupData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var c = ref packet.CarSetups[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarSetup = new CarSetup
                {
                    FrontWing = c.FrontWing, RearWing = c.RearWing, DiffOnThrottle = Ratio(c.OnThrottle), DiffOffThrottle = Ratio(c.OffThrottle),
                    FrontCamberDeg = c.FrontCamber, RearCamberDeg = c.RearCamber, FrontToeDeg = c.FrontToe, RearToeDeg = c.RearToe,
                    FrontSuspension = c.FrontSuspension, RearSuspension = c.RearSuspension, FrontAntiRollBar = c.FrontAntiRollBar, RearAntiRollBar = c.RearAntiRollBar,
                    FrontRideHeight = c.FrontSuspensionHeight, RearRideHeight = c.RearSuspensionHeight, BrakePressure = Ratio(c.BrakePressure), BrakeBias = Ratio(c.BrakeBias),
                    EngineBraking = Ratio(c.EngineBraking),
                    TyrePressurePsi = Pressures(c.RearLeftTyrePressure, c.RearRightTyrePressure, c.FrontLeftTyrePressure, c.FrontRightTyrePressure),
                    Ballast = c.Ballast, FuelLoadKg = c.FuelLoad,
                    NextFrontWing = i == packet.Header.PlayerCarIndex ? packet.NextFrontWingValue : 0,
                };
                output.Add(frame);
            }
        }
    }

    private void MapCarDamage(in PacketCarDamageData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var d = ref packet.CarDamageData[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarDamage = new CarDamage
                {
                    TyreWear = RatioWheels(d.TyresWear), TyreDamage = RatioWheels(d.TyresDamage), BrakeDamage = RatioWheels(d.BrakesDamage),
                    FrontLeftWing = Ratio(d.FrontLeftWingDamage), FrontRightWing = Ratio(d.FrontRightWingDamage), RearWing = Ratio(d.RearWingDamage),
                    Floor = Ratio(d.FloorDamage), Diffuser = Ratio(d.DiffuserDamage), Sidepod = Ratio(d.SidepodDamage),
                    DrsFault = d.DrsFault != 0, ErsFault = d.ErsFault != 0, Gearbox = Ratio(d.GearBoxDamage), Engine = Ratio(d.EngineDamage),
                    EngineMguhWear = Ratio(d.EngineMGUHWear), EngineEsWear = Ratio(d.EngineESWear), EngineCeWear = Ratio(d.EngineCEWear),
                    EngineIceWear = Ratio(d.EngineICEWear), EngineMgukWear = Ratio(d.EngineMGUKWear), EngineTcWear = Ratio(d.EngineTCWear),
                    EngineBlown = d.EngineBlown != 0, EngineSeized = d.EngineSeized != 0,
                };
                output.Add(frame);
            }
        }
    }

    private void MapCarDamage2025(in PacketCarDamageData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var d = ref packet.CarDamageData[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarDamage = new CarDamage
                {
                    TyreWear = RatioWheels(d.TyresWear), TyreDamage = RatioWheels(d.TyresDamage), BrakeDamage = RatioWheels(d.BrakesDamage),
                    TyreBlisters = RatioWheels(d.TyreBlisters),
                    FrontLeftWing = Ratio(d.FrontLeftWingDamage), FrontRightWing = Ratio(d.FrontRightWingDamage), RearWing = Ratio(d.RearWingDamage),
                    Floor = Ratio(d.FloorDamage), Diffuser = Ratio(d.DiffuserDamage), Sidepod = Ratio(d.SidepodDamage),
                    DrsFault = d.DrsFault != 0, ErsFault = d.ErsFault != 0, Gearbox = Ratio(d.GearBoxDamage), Engine = Ratio(d.EngineDamage),
                    EngineMguhWear = Ratio(d.EngineMGUHWear), EngineEsWear = Ratio(d.EngineESWear), EngineCeWear = Ratio(d.EngineCEWear),
                    EngineIceWear = Ratio(d.EngineICEWear), EngineMgukWear = Ratio(d.EngineMGUKWear), EngineTcWear = Ratio(d.EngineTCWear),
                    EngineBlown = d.EngineBlown != 0, EngineSeized = d.EngineSeized != 0,
                };
                output.Add(frame);
            }
        }
    }

    // ---- History, tyre sets, classification ----

    private static void MapSessionHistory(in PacketSessionHistoryData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        if (packet.CarIdx >= F1Limits.MaxCars)
        {
            return;
        }

        var history = new SessionHistory
        {
            BestLapNumber = packet.BestLapTimeLapNum,
            BestSector1LapNumber = packet.BestSector1LapNum,
            BestSector2LapNumber = packet.BestSector2LapNum,
            BestSector3LapNumber = packet.BestSector3LapNum,
        };
        for (var i = 0; i < Math.Min((int)packet.NumLaps, 100); i++)
        {
            ref readonly var lap = ref packet.LapHistoryData[i];
            history.Laps.Add(new LapRecord
            {
                LapTimeMs = lap.LapTimeInMS,
                Sector1TimeMs = SectorMs(lap.Sector1TimeMinutes, lap.Sector1TimeInMS),
                Sector2TimeMs = SectorMs(lap.Sector2TimeMinutes, lap.Sector2TimeInMS),
                Sector3TimeMs = SectorMs(lap.Sector3TimeMinutes, lap.Sector3TimeInMS),
                LapValid = (lap.LapValidBitFlags & 0x01) != 0,
                Sector1Valid = (lap.LapValidBitFlags & 0x02) != 0,
                Sector2Valid = (lap.LapValidBitFlags & 0x04) != 0,
                Sector3Valid = (lap.LapValidBitFlags & 0x08) != 0,
            });
        }

        for (var i = 0; i < Math.Min((int)packet.NumTyreStints, 8); i++)
        {
            ref readonly var stint = ref packet.TyreStintsHistoryData[i];
            history.TyreStints.Add(Stint(stint.EndLap, stint.TyreActualCompound, stint.TyreVisualCompound));
        }

        var frame = Frame(in packet.Header, packet.CarIdx, sourceId, receivedAt);
        frame.SessionHistory = history;
        output.Add(frame);
    }

    private static TyreStint Stint(byte endLap, byte actual, byte visual) => new()
    {
        EndLap = endLap == 255 ? 0u : endLap,
        ActualCompound = F1Names.ActualCompound(actual),
        VisualCompound = F1Names.VisualCompound(visual),
    };

    private static void MapTyreSets(in PacketTyreSetsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        if (packet.CarIdx >= F1Limits.MaxCars)
        {
            return;
        }

        var sets = new TyreSets { FittedIndex = packet.FittedIdx };
        for (var i = 0; i < 20; i++)
        {
            ref readonly var set = ref packet.TyreSetData[i];
            sets.Sets.Add(new TyreSet
            {
                ActualCompound = F1Names.ActualCompound(set.ActualTyreCompound),
                VisualCompound = F1Names.VisualCompound(set.VisualTyreCompound),
                Wear = Ratio(set.Wear),
                Available = set.Available != 0,
                RecommendedSession = set.RecommendedSession,
                LifeSpanLaps = set.LifeSpan,
                UsableLifeLaps = set.UsableLife,
                LapDeltaTimeMs = set.LapDeltaTime,
                Fitted = set.Fitted != 0,
            });
        }

        var frame = Frame(in packet.Header, packet.CarIdx, sourceId, receivedAt);
        frame.TyreSets = sets;
        output.Add(frame);
    }

    private static void MapFinalClassification(in PacketFinalClassificationData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumCars, F1Limits.MaxCars); i++)
        {
            ref readonly var c = ref packet.ClassificationData[i];
            var result = new FinalClassification
            {
                Position = c.Position, Laps = c.NumLaps, GridPosition = c.GridPosition, Points = c.Points, PitStops = c.NumPitStops,
                ResultStatus = c.ResultStatus <= 7 ? (ResultStatus)c.ResultStatus : ResultStatus.Invalid,
                BestLapTimeMs = c.BestLapTimeInMS, TotalRaceTimeS = c.TotalRaceTime, PenaltiesS = c.PenaltiesTime, Penalties = c.NumPenalties,
                ClassifiedCars = packet.NumCars,
            };
            for (var s = 0; s < Math.Min((int)c.NumTyreStints, 8); s++)
            {
                result.TyreStints.Add(Stint(c.TyreStintsEndLaps[s], c.TyreStintsActual[s], c.TyreStintsVisual[s]));
            }

            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.FinalClassification = result;
            output.Add(frame);
        }
    }

    private static void MapFinalClassification2025(in PacketFinalClassificationData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumCars, F1Limits.MaxCars); i++)
        {
            ref readonly var c = ref packet.ClassificationData[i];
            var result = new FinalClassification
            {
                Position = c.Position, Laps = c.NumLaps, GridPosition = c.GridPosition, Points = c.Points, PitStops = c.NumPitStops,
                ResultStatus = c.ResultStatus <= 7 ? (ResultStatus)c.ResultStatus : ResultStatus.Invalid, ResultReason = c.ResultReason,
                BestLapTimeMs = c.BestLapTimeInMS, TotalRaceTimeS = c.TotalRaceTime, PenaltiesS = c.PenaltiesTime, Penalties = c.NumPenalties,
                ClassifiedCars = packet.NumCars,
            };
            for (var s = 0; s < Math.Min((int)c.NumTyreStints, 8); s++)
            {
                result.TyreStints.Add(Stint(c.TyreStintsEndLaps[s], c.TyreStintsActual[s], c.TyreStintsVisual[s]));
            }

            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.FinalClassification = result;
            output.Add(frame);
        }
    }

    // ---- Lobby ----

    private static LobbyPlayer Lobby(ushort format, byte ai, byte team, byte nationality, byte platform, string name, byte carNumber, byte ready, bool telemetryPublic, byte players) => new()
    {
        Name = name, Team = F1Names.Team(format, team), TeamId = team, CarNumber = carNumber, AiControlled = ai != 0,
        NationalityId = nationality, Platform = F1Names.Platform(platform), ReadyStatus = ready, TelemetryPublic = telemetryPublic, Players = players,
    };

    private static void MapLobby(in PacketLobbyInfoData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumPlayers, F1Limits.MaxCars); i++)
        {
            ref readonly var p = ref packet.LobbyPlayers[i];
            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.LobbyPlayer = Lobby(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.Nationality, p.Platform, p.Name.Decode(), p.CarNumber, p.ReadyStatus, telemetryPublic: false, packet.NumPlayers);
            output.Add(frame);
        }
    }

    private static void MapLobby2024(in PacketLobbyInfoData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumPlayers, F1Limits.MaxCars); i++)
        {
            ref readonly var p = ref packet.LobbyPlayers[i];
            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.LobbyPlayer = Lobby(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.Nationality, p.Platform, p.Name.Decode(), p.CarNumber, p.ReadyStatus, p.YourTelemetry != 0, packet.NumPlayers);
            output.Add(frame);
        }
    }

    private static void MapLobby2025(in PacketLobbyInfoData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumPlayers, F1Limits.MaxCars); i++)
        {
            ref readonly var p = ref packet.LobbyPlayers[i];
            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.LobbyPlayer = Lobby(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.Nationality, p.Platform, p.Name.Decode(), p.CarNumber, p.ReadyStatus, p.YourTelemetry != 0, packet.NumPlayers);
            output.Add(frame);
        }
    }

    // ---- Motion ex, time trial, lap positions ----

    private static void MapMotionEx(ReadOnlySpan<byte> datagram, ushort format, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        // The three formats only append: F1 23's fields come first in all of them.
        ref readonly var p = ref F1Decoder.View<PacketMotionExData>(datagram);
        var m = new MotionEx
        {
            SuspensionPosition = Wheels(p.SuspensionPosition), SuspensionVelocity = Wheels(p.SuspensionVelocity),
            SuspensionAcceleration = Wheels(p.SuspensionAcceleration), WheelSpeed = Wheels(p.WheelSpeed),
            WheelSlipRatio = Wheels(p.WheelSlipRatio), WheelSlipAngle = Wheels(p.WheelSlipAngle),
            WheelLateralForce = Wheels(p.WheelLatForce), WheelLongitudinalForce = Wheels(p.WheelLongForce),
            CogHeightM = p.HeightOfCOGAboveGround, LocalVelocityXMps = p.LocalVelocityX, LocalVelocityYMps = p.LocalVelocityY, LocalVelocityZMps = p.LocalVelocityZ,
            AngularVelocityX = p.AngularVelocityX, AngularVelocityY = p.AngularVelocityY, AngularVelocityZ = p.AngularVelocityZ,
            AngularAccelerationX = p.AngularAccelerationX, AngularAccelerationY = p.AngularAccelerationY, AngularAccelerationZ = p.AngularAccelerationZ,
            FrontWheelsAngleRad = p.FrontWheelsAngle, WheelVerticalForce = Wheels(p.WheelVertForce),
        };
        if (format >= F1Decoder.Format2024)
        {
            ref readonly var p24 = ref F1Decoder.View<PacketMotionExData2024>(datagram);
            m.FrontAeroHeightM = p24.FrontAeroHeight;
            m.RearAeroHeightM = p24.RearAeroHeight;
            m.FrontRollAngleRad = p24.FrontRollAngle;
            m.RearRollAngleRad = p24.RearRollAngle;
            m.ChassisYawRad = p24.ChassisYaw;
        }

        if (format >= F1Decoder.Format2025)
        {
            ref readonly var p25 = ref F1Decoder.View<PacketMotionExData2025>(datagram);
            m.ChassisPitchRad = p25.ChassisPitch;
            m.WheelCamberRad = Wheels(p25.WheelCamber);
            m.WheelCamberGainRad = Wheels(p25.WheelCamberGain);
        }

        var frame = Frame(in p.Header, p.Header.PlayerCarIndex, sourceId, receivedAt);
        frame.MotionEx = m;
        output.Add(frame);
    }

    private static TimeTrialLap TrialLap(in TimeTrialDataSet d) => new()
    {
        CarIndex = d.CarIdx, TeamId = d.TeamId, LapTimeMs = d.LapTimeInMS, Sector1TimeMs = d.Sector1TimeInMS, Sector2TimeMs = d.Sector2TimeInMS,
        Sector3TimeMs = d.Sector3TimeInMS, TractionControl = d.TractionControl, GearboxAssist = d.GearboxAssist, AntiLockBrakes = d.AntiLockBrakes != 0,
        EqualCarPerformance = d.EqualCarPerformance != 0, CustomSetup = d.CustomSetup != 0, Valid = d.Valid != 0,
    };

    private static void MapTimeTrial(in PacketTimeTrialData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var frame = Frame(in packet.Header, packet.Header.PlayerCarIndex, sourceId, receivedAt);
        frame.TimeTrial = new TimeTrial
        {
            PlayerSessionBest = TrialLap(in packet.PlayerSessionBestDataSet),
            PersonalBest = TrialLap(in packet.PersonalBestDataSet),
            Rival = TrialLap(in packet.RivalDataSet),
        };
        output.Add(frame);
    }

    private void MapLapPositions(in PacketLapPositionsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        var laps = Math.Min((int)packet.NumLaps, 50);
        for (var car = 0; car < F1Limits.MaxCars; car++)
        {
            if (!active[car])
            {
                continue;
            }

            var positions = new LapPositions { FirstLap = packet.LapStart + 1u };
            for (var lap = 0; lap < laps; lap++)
            {
                positions.Positions.Add(packet.PositionForVehicleIdx[lap][car]);
            }

            var frame = Frame(in packet.Header, car, sourceId, receivedAt);
            frame.LapPositions = positions;
            output.Add(frame);
        }
    }
}
