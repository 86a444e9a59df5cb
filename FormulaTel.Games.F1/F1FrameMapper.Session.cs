using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Session: the conditions and rules every format shares, then what F1 24 appended.
public sealed partial class F1FrameMapper
{
    internal static void MapSession2023(in PacketSessionData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var session = MapSession(in packet.Header, in packet.Conditions, packet.WeatherForecastSamples, sourceId, receivedAt, output);
        session.F1 = SessionDetails(packet.Conditions.Formula, in packet.Rules);
    }

    /// <summary>F1 24 and 25: 64 forecast samples, then the same rules with more appended, and the sector starts.</summary>
    internal static void MapSession2024(in PacketSessionData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var session = MapSession(in packet.Header, in packet.Conditions, packet.WeatherForecastSamples, sourceId, receivedAt, output);
        session.Sector2StartM = packet.Sector2LapDistanceStart;
        session.Sector3StartM = packet.Sector3LapDistanceStart;
        var f1 = SessionDetails(packet.Conditions.Formula, in packet.Rules);
        f1.EqualCarPerformance = packet.EqualCarPerformance != 0;
        f1.RecoveryMode = packet.RecoveryMode;
        f1.FlashbackLimit = packet.FlashbackLimit;
        f1.CarDamage = packet.CarDamage;
        f1.SafetyCarSetting = packet.SafetyCar;
        f1.RedFlagsSetting = packet.RedFlags;
        f1.ParcFermeRules = packet.ParcFermeRules != 0;
        for (var i = 0; i < Math.Min((int)packet.NumSessionsInWeekend, 12); i++)
        {
            f1.WeekendSessionTypes.Add(packet.WeekendStructure[i]);
        }

        session.F1 = f1;
    }

    private static Session MapSession(in F1PacketHeader header, in SessionConditions c, ReadOnlySpan<WeatherForecastSample> forecast, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var session = new Session
        {
            Track = F1Names.Track(c.TrackId),
            TrackId = c.TrackId,
            TrackLengthM = c.TrackLength,
            SessionType = F1Names.SessionType(header.PacketFormat, c.SessionType),
            SessionTypeName = F1Names.SessionTypeName(header.PacketFormat, c.SessionType),
            Weather = c.Weather <= 5 ? (Weather)c.Weather : Weather.Clear,
            AirTemperatureC = c.AirTemperature,
            TrackTemperatureC = c.TrackTemperature,
            TotalLaps = c.TotalLaps,
            TimeLeftS = c.SessionTimeLeft,
            DurationS = c.SessionDuration,
            PitSpeedLimitKph = c.PitSpeedLimit,
            SafetyCarStatus = c.SafetyCarStatus <= 3 ? (SafetyCarStatus)c.SafetyCarStatus : SafetyCarStatus.SafetyCarNone,
            NetworkGame = c.NetworkGame != 0,
            Paused = c.GamePaused != 0,
        };
        AddForecast(session, header.PacketFormat, forecast, c.NumWeatherForecastSamples);
        AddMarshalZones(session, c.MarshalZones, c.NumMarshalZones);
        output.Add(new TelemetryFrame { Envelope = Envelope(in header, header.PlayerCarIndex, sourceId, receivedAt), Session = session });
        return session;
    }

    private static F1SessionDetails SessionDetails(byte formula, in SessionRules r) => new()
    {
        Formula = formula,
        AiDifficulty = r.AiDifficulty,
        GameMode = r.GameMode,
        RuleSet = r.RuleSet,
        SessionLength = r.SessionLength,
        SeasonLinkId = r.SeasonLinkIdentifier,
        WeekendLinkId = r.WeekendLinkIdentifier,
        SessionLinkId = r.SessionLinkIdentifier,
        PitStopWindowIdealLap = r.PitStopWindowIdealLap,
        PitStopWindowLatestLap = r.PitStopWindowLatestLap,
        PitStopRejoinPosition = r.PitStopRejoinPosition,
        SteeringAssist = r.SteeringAssist != 0,
        BrakingAssist = r.BrakingAssist,
        GearboxAssist = r.GearboxAssist,
        PitAssist = r.PitAssist != 0,
        PitReleaseAssist = r.PitReleaseAssist != 0,
        ErsAssist = r.ErsAssist != 0,
        DrsAssist = r.DrsAssist != 0,
        DynamicRacingLine = r.DynamicRacingLine,
        TimeOfDayMin = r.TimeOfDay,
        SafetyCarPeriods = r.NumSafetyCarPeriods,
        VirtualSafetyCarPeriods = r.NumVirtualSafetyCarPeriods,
        RedFlagPeriods = r.NumRedFlagPeriods,
        ForecastApproximate = r.ForecastAccuracy != 0,
    };

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
}
