using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// History, results and the lobby: session history, tyre sets, final classification, lobby, time trial.
public sealed partial class F1FrameMapper
{
    internal static void MapSessionHistory(in PacketSessionHistoryData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal static void MapTyreSets(in PacketTyreSetsData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal static void MapFinalClassification(in PacketFinalClassificationData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumCars, F1Limits.MaxCars); i++)
        {
            ref readonly var c = ref packet.ClassificationData[i];
            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.FinalClassification = Classification(in c.Place, in c.Times, packet.NumCars);
            output.Add(frame);
        }
    }

    internal static void MapFinalClassification2025(in PacketFinalClassificationData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        for (var i = 0; i < Math.Min((int)packet.NumCars, F1Limits.MaxCars); i++)
        {
            ref readonly var c = ref packet.ClassificationData[i];
            var frame = Frame(in packet.Header, i, sourceId, receivedAt);
            frame.FinalClassification = Classification(in c.Place, in c.Times, packet.NumCars);
            frame.FinalClassification.ResultReason = c.ResultReason;
            output.Add(frame);
        }
    }

    private static FinalClassification Classification(in ClassificationPlace p, in ClassificationTimes t, byte classifiedCars)
    {
        var result = new FinalClassification
        {
            Position = p.Position, Laps = p.NumLaps, GridPosition = p.GridPosition, Points = p.Points, PitStops = p.NumPitStops,
            ResultStatus = p.ResultStatus <= 7 ? (ResultStatus)p.ResultStatus : ResultStatus.Invalid,
            BestLapTimeMs = t.BestLapTimeInMS, TotalRaceTimeS = t.TotalRaceTime, PenaltiesS = t.PenaltiesTime, Penalties = t.NumPenalties,
            ClassifiedCars = classifiedCars,
        };
        for (var s = 0; s < Math.Min((int)t.NumTyreStints, 8); s++)
        {
            result.TyreStints.Add(Stint(t.TyreStintsEndLaps[s], t.TyreStintsActual[s], t.TyreStintsVisual[s]));
        }

        return result;
    }

    internal static void MapLobby<TEntry>(in F1PacketHeader header, byte numPlayers, ReadOnlySpan<TEntry> players, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
        where TEntry : unmanaged, IF1LobbyEntry<TEntry>
    {
        for (var i = 0; i < Math.Min((int)numPlayers, F1Limits.MaxCars); i++)
        {
            ref readonly var p = ref players[i];
            ref readonly var identity = ref TEntry.Identity(in p);
            var frame = Frame(in header, i, sourceId, receivedAt);
            frame.LobbyPlayer = new LobbyPlayer
            {
                Name = TEntry.DecodeName(in p),
                Team = F1Names.Team(header.PacketFormat, identity.TeamId),
                TeamId = identity.TeamId,
                CarNumber = TEntry.CarNumber(in p),
                AiControlled = identity.AiControlled != 0,
                NationalityId = identity.Nationality,
                Platform = F1Names.Platform(identity.Platform),
                ReadyStatus = TEntry.ReadyStatus(in p),
                TelemetryPublic = TEntry.TelemetryPublic(in p),
                Players = numPlayers,
            };
            output.Add(frame);
        }
    }

    private static TimeTrialLap TrialLap(in TimeTrialDataSet d) => new()
    {
        CarIndex = d.CarIdx, TeamId = d.TeamId, LapTimeMs = d.LapTimeInMS, Sector1TimeMs = d.Sector1TimeInMS, Sector2TimeMs = d.Sector2TimeInMS,
        Sector3TimeMs = d.Sector3TimeInMS, TractionControl = d.TractionControl, GearboxAssist = d.GearboxAssist, AntiLockBrakes = d.AntiLockBrakes != 0,
        EqualCarPerformance = d.EqualCarPerformance != 0, CustomSetup = d.CustomSetup != 0, Valid = d.Valid != 0,
    };

    internal static void MapTimeTrial(in PacketTimeTrialData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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
}
