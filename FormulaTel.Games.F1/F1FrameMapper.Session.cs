using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Session: the common fields, then each format's forecast, marshal zones and F1-only details.
public sealed partial class F1FrameMapper
{
    /// <summary>F1 23's Session: the common fields, then its own forecast and details.</summary>
    internal static void MapSession2023(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        MapSession(in F1Decoder.View<PacketSessionData>(datagram), sourceId, receivedAt, output);
        AddSessionDetails2023(output[^1].Session, in F1Decoder.View<PacketSessionData>(datagram));
    }

    /// <summary>
    /// F1 24 appended to Session after the forecast samples; the common fields precede them and sit at the same
    /// offsets in both formats (F1_24Tests checks), so one view reads them; then F1 24's own forecast and details.
    /// </summary>
    internal static void MapSession2024(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        MapSession(in F1Decoder.View<PacketSessionData>(datagram), sourceId, receivedAt, output);
        AddSessionDetails2024(output[^1].Session, in F1Decoder.View<PacketSessionData2024>(datagram));
    }

    internal static void MapSession(in PacketSessionData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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
}
