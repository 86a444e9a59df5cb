using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

/// <summary>
/// Turns one validated F1 23, F1 24 or F1 25 datagram into spec frames, one per active car (Session: one, for the player's
/// car).
/// </summary>
public sealed partial class F1FrameMapper(F1ActiveCars activeCars)
{
    /// <summary>
    /// Validates and maps <paramref name="datagram"/>, appending frames to <paramref name="output"/>.
    /// Returns why it was dropped, or <see cref="DatagramDropReason.None"/>.
    /// </summary>
    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var reason = F1Decoder.Validate(datagram, out var header);
        if (reason != DatagramDropReason.None)
        {
            return reason;
        }

        var is2024 = header.PacketFormat >= F1Decoder.Format2024;
        switch ((F1PacketId)header.PacketId)
        {
            case F1PacketId.Participants when header.PacketFormat >= F1Decoder.Format2025:
                MapParticipants2025(in F1Decoder.View<PacketParticipantsData2025>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.Motion:
                MapMotion(in F1Decoder.View<PacketMotionData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.Session:
                // F1 24 appended to Session after the forecast samples; the common fields precede them and sit at
                // the same offsets in both formats (F1_24Tests checks), so one view serves both; then each
                // format's own forecast and details.
                MapSession(in F1Decoder.View<PacketSessionData>(datagram), sourceId, receivedAt, output);
                if (is2024)
                {
                    AddSessionDetails2024(output[^1].Session, in F1Decoder.View<PacketSessionData2024>(datagram));
                }
                else
                {
                    AddSessionDetails2023(output[^1].Session, in F1Decoder.View<PacketSessionData>(datagram));
                }

                break;
            case F1PacketId.LapData when is2024:
                MapLapData2024(in F1Decoder.View<PacketLapData2024>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.LapData:
                MapLapData(in F1Decoder.View<PacketLapData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.Participants when is2024:
                MapParticipants2024(in F1Decoder.View<PacketParticipantsData2024>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.Participants:
                MapParticipants(in F1Decoder.View<PacketParticipantsData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarTelemetry:
                MapCarTelemetry(in F1Decoder.View<PacketCarTelemetryData>(datagram), sourceId, receivedAt, output);
                break;
            case F1PacketId.CarStatus:
                MapCarStatus(in F1Decoder.View<PacketCarStatusData>(datagram), sourceId, receivedAt, output);
                break;
            default:
                return MapMore(datagram, in header, sourceId, receivedAt, output);
        }

        return DatagramDropReason.None;
    }

    private static Envelope Envelope(in F1PacketHeader header, int carIndex, string sourceId, Timestamp receivedAt) => new()
    {
        Game = header.PacketFormat switch
        {
            F1Decoder.Format2025 => Game.F125,
            F1Decoder.Format2024 => Game.F124,
            _ => Game.F123,
        },
        SourceId = sourceId,
        SessionUid = header.SessionUID,
        CarIndex = (uint)carIndex,
        FrameId = header.FrameIdentifier,
        SessionTimeS = header.SessionTime,
        ReceivedAt = receivedAt,
        IsPlayerCar = carIndex == header.PlayerCarIndex || carIndex == header.SecondaryPlayerCarIndex,
    };

    private Span<bool> ActiveCars(in F1PacketHeader header, string sourceId, Span<bool> active)
    {
        activeCars.Resolve(sourceId, header.SessionUID, header.PlayerCarIndex, active);
        return active;
    }

    private void MapMotion(in PacketMotionData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var car = ref packet.CarMotionData[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Motion = new Motion
                {
                    WorldPositionXM = car.WorldPositionX,
                    WorldPositionYM = car.WorldPositionY,
                    WorldPositionZM = car.WorldPositionZ,
                    WorldVelocityXMps = car.WorldVelocityX,
                    WorldVelocityYMps = car.WorldVelocityY,
                    WorldVelocityZMps = car.WorldVelocityZ,
                    WorldForwardDirX = Normalised(car.WorldForwardDirX),
                    WorldForwardDirY = Normalised(car.WorldForwardDirY),
                    WorldForwardDirZ = Normalised(car.WorldForwardDirZ),
                    WorldRightDirX = Normalised(car.WorldRightDirX),
                    WorldRightDirY = Normalised(car.WorldRightDirY),
                    WorldRightDirZ = Normalised(car.WorldRightDirZ),
                    GForceLateral = car.GForceLateral,
                    GForceLongitudinal = car.GForceLongitudinal,
                    GForceVertical = car.GForceVertical,
                    YawRad = car.Yaw,
                    PitchRad = car.Pitch,
                    RollRad = car.Roll,
                },
            });
        }
    }

    /// <summary>The spec sends direction components as int16 scaled by 32767.</summary>
    public static float Normalised(short value) => value / 32767f;

    private static void MapSession(in PacketSessionData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        output.Add(new TelemetryFrame
        {
            Envelope = Envelope(in packet.Header, packet.Header.PlayerCarIndex, sourceId, receivedAt),
            Session = new Session
            {
                Track = F1Names.Track(packet.TrackId),
                TrackId = packet.TrackId,
                TrackLengthM = packet.TrackLength,
                SessionType = F1Names.SessionType(packet.Header.PacketFormat, packet.SessionType),
                SessionTypeName = F1Names.SessionTypeName(packet.Header.PacketFormat, packet.SessionType),
                Weather = packet.Weather <= 5 ? (Weather)packet.Weather : Weather.Clear,
                AirTemperatureC = packet.AirTemperature,
                TrackTemperatureC = packet.TrackTemperature,
                TotalLaps = packet.TotalLaps,
                TimeLeftS = packet.SessionTimeLeft,
                DurationS = packet.SessionDuration,
                PitSpeedLimitKph = packet.PitSpeedLimit,
                SafetyCarStatus = packet.SafetyCarStatus <= 3 ? (SafetyCarStatus)packet.SafetyCarStatus : SafetyCarStatus.SafetyCarNone,
                NetworkGame = packet.NetworkGame != 0,
                Paused = packet.GamePaused != 0,
            },
        });
    }

    private void MapLapData(in PacketLapData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        Span<byte> resultStatus = stackalloc byte[F1Limits.MaxCars];
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            resultStatus[i] = packet.LapData[i].Progress.ResultStatus;
        }

        activeCars.ObserveResultStatus(sourceId, packet.Header.SessionUID, resultStatus);
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var lap = ref packet.LapData[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Lap = LapSpec(in lap.Progress, lap.LastLapTimeInMS, lap.CurrentLapTimeInMS,
                    SectorMs(lap.Sector1TimeMinutes, lap.Sector1TimeInMS), SectorMs(lap.Sector2TimeMinutes, lap.Sector2TimeInMS),
                    lap.DeltaToCarInFrontInMS, lap.DeltaToRaceLeaderInMS),
            });
        }
    }

    /// <summary>A lap payload from the block the formats share and the times they lay out differently.</summary>
    private static Protos.V1.LapData LapSpec(in LapProgress lap, uint lastLapMs, uint currentLapMs, uint sector1Ms, uint sector2Ms, uint toCarInFrontMs, uint toLeaderMs) => new()
    {
        LapNumber = lap.CurrentLapNum,
        LapDistanceM = lap.LapDistance,
        TotalDistanceM = lap.TotalDistance,
        CurrentLapTimeMs = currentLapMs,
        LastLapTimeMs = lastLapMs,
        Sector1TimeMs = sector1Ms,
        Sector2TimeMs = sector2Ms,
        Sector = lap.Sector,
        Position = lap.CarPosition,
        GridPosition = lap.GridPosition,
        PitStatus = lap.PitStatus <= 2 ? (PitStatus)lap.PitStatus : PitStatus.None,
        PitStops = lap.NumPitStops,
        CurrentLapInvalid = lap.CurrentLapInvalid != 0,
        PenaltiesS = lap.Penalties,
        Warnings = lap.TotalWarnings,
        CornerCuttingWarnings = lap.CornerCuttingWarnings,
        UnservedDriveThroughPenalties = lap.NumUnservedDriveThroughPens,
        UnservedStopGoPenalties = lap.NumUnservedStopGoPens,
        DriverStatus = lap.DriverStatus <= 4 ? (DriverStatus)lap.DriverStatus : DriverStatus.InGarage,
        ResultStatus = lap.ResultStatus <= 7 ? (ResultStatus)lap.ResultStatus : ResultStatus.Invalid,
        DeltaToCarInFrontMs = toCarInFrontMs,
        DeltaToRaceLeaderMs = toLeaderMs,
        SafetyCarDeltaS = lap.SafetyCarDelta,
        PitLaneTimerActive = lap.PitLaneTimerActive != 0,
        PitLaneTimeMs = lap.PitLaneTimeInLaneInMS,
        PitStopTimeMs = lap.PitStopTimerInMS,
        PitStopShouldServePenalty = lap.PitStopShouldServePen != 0,
    };

    private void MapLapData2024(in PacketLapData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        Span<byte> resultStatus = stackalloc byte[F1Limits.MaxCars];
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            resultStatus[i] = packet.LapData[i].Progress.ResultStatus;
        }

        activeCars.ObserveResultStatus(sourceId, packet.Header.SessionUID, resultStatus);
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            // F1 24 split the deltas into minutes and milliseconds too, and renamed the sector parts.
            ref readonly var lap = ref packet.LapData[i];
            var spec = LapSpec(in lap.Progress, lap.LastLapTimeInMS, lap.CurrentLapTimeInMS,
                SectorMs(lap.Sector1TimeMinutesPart, lap.Sector1TimeMSPart), SectorMs(lap.Sector2TimeMinutesPart, lap.Sector2TimeMSPart),
                SectorMs(lap.DeltaToCarInFrontMinutesPart, lap.DeltaToCarInFrontMSPart), SectorMs(lap.DeltaToRaceLeaderMinutesPart, lap.DeltaToRaceLeaderMSPart));
            spec.SpeedTrapFastestKph = lap.SpeedTrapFastestSpeed;
            spec.SpeedTrapFastestLap = lap.SpeedTrapFastestLap == 255 ? 0u : lap.SpeedTrapFastestLap;
            output.Add(new TelemetryFrame { Envelope = Envelope(in packet.Header, i, sourceId, receivedAt), Lap = spec });
        }
    }

    /// <summary>F1 23/24 split times into whole minutes and a millisecond part.</summary>
    public static uint SectorMs(byte minutes, ushort milliseconds) => minutes * 60_000u + milliseconds;

    private void MapParticipants(in PacketParticipantsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
        }
    }

    private void MapParticipants2024(in PacketParticipantsData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
        }
    }

    private void MapParticipants2025(in PacketParticipantsData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        activeCars.ObserveParticipants(sourceId, packet.Header.SessionUID, Math.Min((int)packet.NumActiveCars, F1Limits.MaxCars));
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            // F1 25: 32-byte names, livery colours (not in the spec yet).
            ref readonly var p = ref packet.Participants[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Participant = Participant(packet.Header.PacketFormat, p.AiControlled, p.TeamId, p.RaceNumber, p.Nationality, p.Name.Decode(), p.YourTelemetry, packet.NumActiveCars, p.Platform),
            });
            var colours = output[^1].Participant.LiveryColours;
            for (var c = 0; c < Math.Min((int)p.NumColours, 4); c++)
            {
                colours.Add(new Colour { Red = p.LiveryColours[c].Red, Green = p.LiveryColours[c].Green, Blue = p.LiveryColours[c].Blue });
            }
        }
    }

    private static Participant Participant(ushort format, byte aiControlled, byte teamId, byte raceNumber, byte nationality, string name, byte yourTelemetry, byte activeCars, byte platform) => new()
    {
        Platform = F1Names.Platform(platform),
        Name = name,
        Team = F1Names.Team(format, teamId),
        TeamId = teamId,
        RaceNumber = raceNumber,
        AiControlled = aiControlled != 0,
        NationalityId = nationality,
        TelemetryPublic = yourTelemetry != 0,
        ActiveCars = activeCars,
    };

    private void MapCarTelemetry(in PacketCarTelemetryData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var car = ref packet.CarTelemetryData[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                CarTelemetry = new CarTelemetry
                {
                    SpeedKph = car.Speed,
                    Throttle = car.Throttle,
                    Brake = car.Brake,
                    Steer = car.Steer,
                    Clutch = car.Clutch / 100f,
                    Gear = car.Gear,
                    EngineRpm = car.EngineRPM,
                    DrsOpen = car.Drs != 0,
                    RevLightsRatio = car.RevLightsPercent / 100f,
                    RevLightsBits = car.RevLightsBitValue,
                    BrakeTemperatureC = Wheels(car.BrakesTemperature),
                    TyreSurfaceTemperatureC = Wheels(car.TyresSurfaceTemperature),
                    TyreInnerTemperatureC = Wheels(car.TyresInnerTemperature),
                    TyrePressurePsi = Wheels(car.TyresPressure),
                    EngineTemperatureC = car.EngineTemperature,
                    SurfaceType = Wheels(car.SurfaceType),
                    SuggestedGear = i == packet.Header.PlayerCarIndex ? packet.SuggestedGear : 0,
                },
            });
        }
    }

    private void MapCarStatus(in PacketCarStatusData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var car = ref packet.CarStatusData[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                CarStatus = new CarStatus
                {
                    FuelInTankKg = car.FuelInTank,
                    FuelCapacityKg = car.FuelCapacity,
                    FuelRemainingLaps = car.FuelRemainingLaps,
                    ErsStoreEnergyJ = car.ErsStoreEnergy,
                    ErsDeployMode = car.ErsDeployMode <= 3 ? (ErsDeployMode)car.ErsDeployMode : ErsDeployMode.None,
                    ErsHarvestedThisLapMgukJ = car.ErsHarvestedThisLapMGUK,
                    ErsHarvestedThisLapMguhJ = car.ErsHarvestedThisLapMGUH,
                    ErsDeployedThisLapJ = car.ErsDeployedThisLap,
                    VisualTyreCompound = F1Names.VisualCompound(car.VisualTyreCompound),
                    ActualTyreCompound = F1Names.ActualCompound(car.ActualTyreCompound),
                    TyreAgeLaps = car.TyresAgeLaps,
                    DrsAllowed = car.DrsAllowed != 0,
                    DrsActivationDistanceM = car.DrsActivationDistance,
                    MaxRpm = car.MaxRPM,
                    IdleRpm = car.IdleRPM,
                    MaxGears = car.MaxGears,
                    TractionControl = car.TractionControl,
                    AntiLockBrakes = car.AntiLockBrakes != 0,
                    FuelMix = car.FuelMix,
                    FrontBrakeBiasPercent = car.FrontBrakeBias,
                    PitLimiterOn = car.PitLimiterStatus != 0,
                    FiaFlag = car.VehicleFiaFlags,
                    EnginePowerIceW = car.EnginePowerICE,
                    EnginePowerMgukW = car.EnginePowerMGUK,
                    NetworkPaused = car.NetworkPaused != 0,
                },
            });
        }
    }

    private static Wheels Wheels<T>(WheelArray<T> values) where T : unmanaged, System.Numerics.INumberBase<T> => new()
    {
        RearLeft = float.CreateTruncating(values[0]),
        RearRight = float.CreateTruncating(values[1]),
        FrontLeft = float.CreateTruncating(values[2]),
        FrontRight = float.CreateTruncating(values[3]),
    };
}
