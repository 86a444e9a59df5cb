using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Lap Data and Lap Positions: where each car is in its lap and the race.
public sealed partial class F1FrameMapper
{
    internal void MapLapData(in PacketLapData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal void MapLapData2024(in PacketLapData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal void MapLapPositions(in PacketLapPositionsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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
