using System.Runtime.InteropServices;
using FormulaTel.Games.F1;

namespace FormulaTel.Simulation;

/// <summary>
/// Writes a <see cref="SimulatedField"/>'s state as F1 datagrams of the spec's exact sizes, in format 2023 (F1 23),
/// 2024 (F1 24) or 2025 (F1 25).
/// </summary>
public sealed class F1PacketWriter(SimulatedField field, ulong sessionUid, ushort format = F1Decoder.Format2023)
{
    public ushort Format { get; } = Array.IndexOf(F1Decoder.Formats, format) >= 0
        ? format
        : throw new ArgumentOutOfRangeException(nameof(format), format, "The simulator writes formats 2023, 2024 and 2025.");

    public const int TrackId = 7; // Silverstone

    public int WriteMotion(Span<byte> destination)
    {
        var packet = new PacketMotionData { Header = Header(F1PacketId.Motion) };
        foreach (var car in field.Cars)
        {
            var (x, z, heading) = field.Track.PositionAt(car.LapDistance);
            var forwardX = Math.Cos(heading);
            var forwardZ = Math.Sin(heading);
            ref var m = ref packet.CarMotionData[car.Index];
            m.WorldPositionX = (float)x;
            m.WorldPositionY = 0;
            m.WorldPositionZ = (float)z;
            m.WorldVelocityX = (float)(forwardX * car.SpeedMps);
            m.WorldVelocityZ = (float)(forwardZ * car.SpeedMps);
            m.WorldForwardDirX = Scaled(forwardX);
            m.WorldForwardDirZ = Scaled(forwardZ);
            m.WorldRightDirX = Scaled(-forwardZ);
            m.WorldRightDirZ = Scaled(forwardX);
            m.GForceLateral = (float)car.LateralG;
            m.GForceLongitudinal = (float)(car.AccelerationMps2 / 9.81);
            m.GForceVertical = 1;
            m.Yaw = (float)heading;
        }

        return Write(destination, in packet);
    }

    public int WriteSession(Span<byte> destination)
    {
        var conditions = new SessionConditions
        {
            Weather = 1,
            TrackTemperature = 34,
            AirTemperature = 24,
            TotalLaps = 52,
            TrackLength = (ushort)Math.Round(field.Track.Length),
            SessionType = RaceSessionType,
            TrackId = TrackId,
            Formula = 0,
            SessionTimeLeft = (ushort)Math.Max(0, 7200 - field.SessionTime),
            SessionDuration = 7200,
            PitSpeedLimit = 80,
            SpectatorCarIndex = 255,
            NumMarshalZones = 3,
            NumWeatherForecastSamples = 2,
        };
        for (var z = 0; z < 3; z++)
        {
            conditions.MarshalZones[z] = new MarshalZone { ZoneStart = z / 3f, ZoneFlag = 0 };
        }

        var rules = new SessionRules
        {
            AiDifficulty = 90,
            PitStopWindowIdealLap = 18,
            PitStopWindowLatestLap = 24,
            GearboxAssist = 3,
            GameMode = 4,
            RuleSet = 1,
            TimeOfDay = 14 * 60,
            SessionLength = 7,
            SpeedUnitsLeadPlayer = 1,
            SpeedUnitsSecondaryPlayer = 1,
        };
        var now = new WeatherForecastSample { SessionType = RaceSessionType, TimeOffset = 0, Weather = 1, TrackTemperature = 34, AirTemperature = 24, RainPercentage = 5 };
        var later = new WeatherForecastSample { SessionType = RaceSessionType, TimeOffset = 30, Weather = 2, TrackTemperature = 32, AirTemperature = 23, TrackTemperatureChange = 1, AirTemperatureChange = 1, RainPercentage = 20 };
        if (Format == F1Decoder.Format2023)
        {
            var packet = new PacketSessionData { Header = Header(F1PacketId.Session), Conditions = conditions, Rules = rules };
            (packet.WeatherForecastSamples[0], packet.WeatherForecastSamples[1]) = (now, later);
            return Write(destination, in packet);
        }

        // F1 24/25: 64 forecast samples (we send two), the same rules and the settings appended.
        var session = new PacketSessionData2024
        {
            Header = Header(F1PacketId.Session),
            Conditions = conditions,
            Rules = rules,
            CarDamage = 2,
            SafetyCar = 2,
            FormationLap = 1,
            RedFlags = 2,
            NumSessionsInWeekend = 1,
            Sector2LapDistanceStart = (float)(field.Track.Length / 3),
            Sector3LapDistanceStart = (float)(2 * field.Track.Length / 3),
        };
        (session.WeatherForecastSamples[0], session.WeatherForecastSamples[1]) = (now, later);
        session.WeekendStructure[0] = RaceSessionType;
        return Write(destination, in session);
    }

    private byte RaceSessionType => Format == F1Decoder.Format2023 ? (byte)10 : (byte)15;

    public int WriteLapData(Span<byte> destination)
    {
        var leader = field.Cars.MaxBy(c => c.TotalDistance)!;
        var byPosition = field.Cars.OrderBy(c => c.Position).ToArray();
        if (Format == F1Decoder.Format2023)
        {
            var packet = new PacketLapData { Header = Header(F1PacketId.LapData), TimeTrialPBCarIdx = 255, TimeTrialRivalCarIdx = 255 };
            foreach (var car in field.Cars)
            {
                var t = LapTimes(car, byPosition, leader);
                ref var l = ref packet.LapData[car.Index];
                l.LastLapTimeInMS = t.LastLap;
                l.CurrentLapTimeInMS = t.CurrentLap;
                l.Sector1TimeInMS = (ushort)(t.Sector1 % 60_000);
                l.Sector1TimeMinutes = (byte)(t.Sector1 / 60_000);
                l.Sector2TimeInMS = (ushort)(t.Sector2 % 60_000);
                l.Sector2TimeMinutes = (byte)(t.Sector2 / 60_000);
                l.DeltaToCarInFrontInMS = (ushort)Math.Min(ushort.MaxValue, t.ToCarInFront);
                l.DeltaToRaceLeaderInMS = (ushort)Math.Min(ushort.MaxValue, t.ToLeader);
                l.Progress.LapDistance = (float)car.LapDistance;
                l.Progress.TotalDistance = (float)car.TotalDistance;
                l.Progress.CarPosition = (byte)car.Position;
                l.Progress.CurrentLapNum = (byte)car.LapNumber;
                l.Progress.Sector = (byte)car.Sector;
                l.Progress.GridPosition = (byte)car.GridPosition;
                l.Progress.DriverStatus = 4;   // on track
                l.Progress.ResultStatus = 2;   // active
            }

            return Write(destination, in packet);
        }

        // F1 24/25 split the deltas into minutes and milliseconds too.
        var packet2024 = new PacketLapData2024 { Header = Header(F1PacketId.LapData), TimeTrialPBCarIdx = 255, TimeTrialRivalCarIdx = 255 };
        foreach (var car in field.Cars)
        {
            var t = LapTimes(car, byPosition, leader);
            ref var l = ref packet2024.LapData[car.Index];
            l.LastLapTimeInMS = t.LastLap;
            l.CurrentLapTimeInMS = t.CurrentLap;
            l.Sector1TimeMSPart = (ushort)(t.Sector1 % 60_000);
            l.Sector1TimeMinutesPart = (byte)(t.Sector1 / 60_000);
            l.Sector2TimeMSPart = (ushort)(t.Sector2 % 60_000);
            l.Sector2TimeMinutesPart = (byte)(t.Sector2 / 60_000);
            l.DeltaToCarInFrontMSPart = (ushort)(t.ToCarInFront % 60_000);
            l.DeltaToCarInFrontMinutesPart = (byte)(t.ToCarInFront / 60_000);
            l.DeltaToRaceLeaderMSPart = (ushort)(t.ToLeader % 60_000);
            l.DeltaToRaceLeaderMinutesPart = (byte)(t.ToLeader / 60_000);
            l.Progress.LapDistance = (float)car.LapDistance;
            l.Progress.TotalDistance = (float)car.TotalDistance;
            l.Progress.CarPosition = (byte)car.Position;
            l.Progress.CurrentLapNum = (byte)car.LapNumber;
            l.Progress.Sector = (byte)car.Sector;
            l.Progress.GridPosition = (byte)car.GridPosition;
            l.Progress.DriverStatus = 4;
            l.Progress.ResultStatus = 2;
            l.SpeedTrapFastestLap = 255;
        }

        return Write(destination, in packet2024);
    }

    private readonly record struct LapTimesMs(uint LastLap, uint CurrentLap, uint Sector1, uint Sector2, uint ToCarInFront, uint ToLeader);

    private static LapTimesMs LapTimes(SimulatedCar car, SimulatedCar[] byPosition, SimulatedCar leader)
    {
        var ahead = car.Position > 1 ? byPosition[car.Position - 2] : car;
        return new LapTimesMs(Ms(car.LastLapTime), Ms(car.CurrentLapTime), Ms(car.Sector1Time), Ms(car.Sector2Time), GapMs(ahead, car), GapMs(leader, car));
    }

    public int WriteParticipants(Span<byte> destination)
    {
        var header = Header(F1PacketId.Participants);
        var count = (byte)field.Cars.Count;
        var settings = new ParticipantSettings2024 { YourTelemetry = 1, ShowOnlineNames = 1, Platform = 255 };
        switch (Format)
        {
            case F1Decoder.Format2023:
                var p23 = new PacketParticipantsData { Header = header, NumActiveCars = count };
                foreach (var car in field.Cars)
                {
                    ref var p = ref p23.Participants[car.Index];
                    p.Identity = Identity(car);
                    (p.YourTelemetry, p.ShowOnlineNames, p.Platform) = (settings.YourTelemetry, settings.ShowOnlineNames, settings.Platform);
                    p.Name.Encode(car.Name);
                }

                return Write(destination, in p23);
            case F1Decoder.Format2024:
                var p24 = new PacketParticipantsData2024 { Header = header, NumActiveCars = count };
                foreach (var car in field.Cars)
                {
                    ref var p = ref p24.Participants[car.Index];
                    (p.Identity, p.Settings) = (Identity(car), settings);
                    p.Name.Encode(car.Name);
                }

                return Write(destination, in p24);
            default:
                var p25 = new PacketParticipantsData2025 { Header = header, NumActiveCars = count };
                foreach (var car in field.Cars)
                {
                    ref var p = ref p25.Participants[car.Index];
                    (p.Identity, p.Settings) = (Identity(car), settings);
                    p.Name.Encode(car.Name);
                    p.NumColours = 1;
                    p.LiveryColours[0] = new LiveryColour { Red = (byte)(car.TeamId * 25), Green = 40, Blue = 200 };
                }

                return Write(destination, in p25);
        }
    }

    private static ParticipantIdentity Identity(SimulatedCar car) => new()
    {
        AiControlled = (byte)(car.AiControlled ? 1 : 0),
        DriverId = (byte)(car.AiControlled ? car.Index : 255),
        NetworkId = 255,
        TeamId = (byte)car.TeamId,
        RaceNumber = (byte)car.RaceNumber,
    };

    public int WriteCarTelemetry(Span<byte> destination)
    {
        var packet = new PacketCarTelemetryData { Header = Header(F1PacketId.CarTelemetry), MfdPanelIndex = 255, MfdPanelIndexSecondaryPlayer = 255 };
        foreach (var car in field.Cars)
        {
            ref var t = ref packet.CarTelemetryData[car.Index];
            t.Speed = (ushort)Math.Round(car.SpeedKph);
            t.Throttle = (float)car.Throttle;
            t.Steer = (float)car.Steer;
            t.Brake = (float)car.Brake;
            t.Clutch = 0;
            t.Gear = (sbyte)car.Gear;
            t.EngineRPM = (ushort)car.EngineRpm;
            t.Drs = 0;
            var revRatio = Math.Clamp((car.EngineRpm - 10_000) / 3_000.0, 0, 1);
            t.RevLightsPercent = (byte)Math.Round(revRatio * 100);
            t.RevLightsBitValue = (ushort)((1 << (int)Math.Round(revRatio * 15)) - 1);
            for (var w = 0; w < 4; w++)
            {
                t.BrakesTemperature[w] = (ushort)Math.Round(car.BrakeC[w]);
                t.TyresSurfaceTemperature[w] = (byte)Math.Clamp(Math.Round(car.TyreSurfaceC[w]), 0, 255);
                t.TyresInnerTemperature[w] = (byte)Math.Clamp(Math.Round(car.TyreSurfaceC[w] * 0.9 + 12), 0, 255);
                t.TyresPressure[w] = (float)(w < 2 ? 21.5 : 23.0) + (float)((car.TyreSurfaceC[w] - 90) * 0.02);
                t.SurfaceType[w] = 0;
            }

            t.EngineTemperature = 105;
        }

        return Write(destination, in packet);
    }

    public int WriteCarStatus(Span<byte> destination)
    {
        var packet = new PacketCarStatusData { Header = Header(F1PacketId.CarStatus) };
        foreach (var car in field.Cars)
        {
            ref var s = ref packet.CarStatusData[car.Index];
            s.TractionControl = 0;
            s.AntiLockBrakes = 0;
            s.FuelMix = 1;
            s.FrontBrakeBias = 56;
            s.FuelInTank = (float)car.FuelKg;
            s.FuelCapacity = 110;
            s.FuelRemainingLaps = (float)(car.FuelKg / 1.8);
            s.MaxRPM = SimulatedCar.MaxRpm;
            s.IdleRPM = SimulatedCar.IdleRpm;
            s.MaxGears = 8;
            s.DrsAllowed = 0;
            s.ActualTyreCompound = 18;  // C3
            s.VisualTyreCompound = 17;  // medium
            s.TyresAgeLaps = (byte)Math.Min(255, car.TyreAgeLaps);
            s.VehicleFiaFlags = 0;
            s.EnginePowerICE = (float)(car.Throttle * 560_000);
            s.EnginePowerMGUK = (float)(car.Throttle * 120_000);
            s.ErsStoreEnergy = (float)car.ErsJoules;
            s.ErsDeployMode = 1;
        }

        return Write(destination, in packet);
    }

    /// <summary>One Event packet (SSTA, FTLP or OVTK), at the format's spec size.</summary>
    public int WriteEvent(SimulatedEvent simulated, Span<byte> destination)
    {
        var packet = new PacketEventData { Header = Header(F1PacketId.Event) };
        for (var i = 0; i < 4; i++)
        {
            packet.EventStringCode[i] = (byte)simulated.Code[i];
        }

        switch (simulated.Code)
        {
            case "FTLP":
                packet.EventDetails.FastestLap = new FastestLap { VehicleIdx = (byte)simulated.Car, LapTime = (float)simulated.LapTimeS };
                break;
            case "OVTK":
                packet.EventDetails.Overtake = new Overtake { OvertakingVehicleIdx = (byte)simulated.Car, BeingOvertakenVehicleIdx = (byte)simulated.OtherCar };
                break;
        }

        // The union's size differs by format; the packet goes out at the format's spec size.
        var size = F1Decoder.SpecSize(Format, F1PacketId.Event);
        destination[..Math.Max(size, PacketEventData.Size)].Clear();
        Write(destination, in packet);
        return size;
    }

    /// <summary>Tyre wear grows with the tyres' age (about 2 % a lap, rears faster); engine parts wear with the session.</summary>
    public int WriteCarDamage(Span<byte> destination)
    {
        if (Format == F1Decoder.Format2025)
        {
            var packet25 = new PacketCarDamageData2025 { Header = Header(F1PacketId.CarDamage) };
            foreach (var car in field.Cars)
            {
                ref var d = ref packet25.CarDamageData[car.Index];
                d.Body.EngineICEWear = Wear(car, ref d.Tyres.TyresWear);
            }

            return Write(destination, in packet25);
        }

        var packet = new PacketCarDamageData { Header = Header(F1PacketId.CarDamage) };
        foreach (var car in field.Cars)
        {
            ref var d = ref packet.CarDamageData[car.Index];
            d.Body.EngineICEWear = Wear(car, ref d.Tyres.TyresWear);
        }

        return Write(destination, in packet);
    }

    /// <summary>Fills the tyres' wear (percent) and returns the engine's (the two layouts share these fields).</summary>
    private byte Wear(SimulatedCar car, ref WheelArray<float> tyres)
    {
        for (var w = 0; w < 4; w++)
        {
            tyres[w] = TyreWearPercent(car, w);
        }

        return (byte)Math.Min(100, field.SessionTime / 600);
    }

    private static float TyreWearPercent(SimulatedCar car, int wheel) =>
        (float)Math.Min(100, car.TyreAgeLaps * (wheel < 2 ? 2.2 : 1.8));

    private F1PacketHeader Header(F1PacketId id) => new()
    {
        PacketFormat = Format,
        GameYear = (byte)(Format - 2000),
        GameMajorVersion = 1,
        GameMinorVersion = 21,
        PacketVersion = 1,
        PacketId = (byte)id,
        SessionUID = sessionUid,
        SessionTime = (float)field.SessionTime,
        FrameIdentifier = field.FrameId,
        OverallFrameIdentifier = field.FrameId,
        PlayerCarIndex = (byte)field.PlayerCarIndex,
        SecondaryPlayerCarIndex = 255,
    };

    private static int Write<T>(Span<byte> destination, in T packet) where T : unmanaged
    {
        MemoryMarshal.Write(destination, in packet);
        return System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    }

    private static short Scaled(double unit) => (short)Math.Round(Math.Clamp(unit, -1, 1) * 32767);

    private static uint Ms(double seconds) => (uint)Math.Max(0, Math.Round(seconds * 1000));

    private static uint GapMs(SimulatedCar ahead, SimulatedCar car)
    {
        var gapMetres = Math.Max(0, ahead.TotalDistance - car.TotalDistance);
        var speed = Math.Max(car.SpeedMps, 30);
        return (uint)Math.Min(59 * 60_000, gapMetres / speed * 1000);
    }
}
