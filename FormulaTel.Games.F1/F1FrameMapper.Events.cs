using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Events: each code classified, its details mapped.
public sealed partial class F1FrameMapper
{
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

    internal static void MapEvent(PacketEventData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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
}
