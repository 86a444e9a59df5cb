using System.Runtime.InteropServices;
using FormulaTel.Ingest.Games.F1;

namespace FormulaTel.Ingest.Simulation;

/// <summary>Writes a <see cref="SimulatedField"/>'s state as F1 23 datagrams of the spec's exact sizes.</summary>
public sealed class F1_23PacketWriter(SimulatedField field, ulong sessionUid)
{
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
        var packet = new PacketSessionData
        {
            Header = Header(F1PacketId.Session),
            Weather = 1,
            TrackTemperature = 34,
            AirTemperature = 24,
            TotalLaps = 52,
            TrackLength = (ushort)Math.Round(field.Track.Length),
            SessionType = 10, // race
            TrackId = TrackId,
            Formula = 0,
            SessionTimeLeft = (ushort)Math.Max(0, 7200 - field.SessionTime),
            SessionDuration = 7200,
            PitSpeedLimit = 80,
            SpectatorCarIndex = 255,
            NumMarshalZones = 3,
            NumWeatherForecastSamples = 2,
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
        for (var z = 0; z < 3; z++)
        {
            packet.MarshalZones[z] = new MarshalZone { ZoneStart = z / 3f, ZoneFlag = 0 };
        }

        packet.WeatherForecastSamples[0] = new WeatherForecastSample { SessionType = 10, TimeOffset = 0, Weather = 1, TrackTemperature = 34, AirTemperature = 24, RainPercentage = 5 };
        packet.WeatherForecastSamples[1] = new WeatherForecastSample { SessionType = 10, TimeOffset = 30, Weather = 2, TrackTemperature = 32, AirTemperature = 23, TrackTemperatureChange = 1, AirTemperatureChange = 1, RainPercentage = 20 };
        return Write(destination, in packet);
    }

    public int WriteLapData(Span<byte> destination)
    {
        var packet = new PacketLapData { Header = Header(F1PacketId.LapData), TimeTrialPBCarIdx = 255, TimeTrialRivalCarIdx = 255 };
        var leader = field.Cars.MaxBy(c => c.TotalDistance)!;
        var byPosition = field.Cars.OrderBy(c => c.Position).ToArray();
        foreach (var car in field.Cars)
        {
            var ahead = car.Position > 1 ? byPosition[car.Position - 2] : car;
            ref var l = ref packet.LapData[car.Index];
            l.LastLapTimeInMS = Ms(car.LastLapTime);
            l.CurrentLapTimeInMS = Ms(car.CurrentLapTime);
            var s1 = Ms(car.Sector1Time);
            var s2 = Ms(car.Sector2Time);
            l.Sector1TimeInMS = (ushort)(s1 % 60_000);
            l.Sector1TimeMinutes = (byte)(s1 / 60_000);
            l.Sector2TimeInMS = (ushort)(s2 % 60_000);
            l.Sector2TimeMinutes = (byte)(s2 / 60_000);
            l.DeltaToCarInFrontInMS = GapMs(ahead, car);
            l.DeltaToRaceLeaderInMS = GapMs(leader, car);
            l.LapDistance = (float)car.LapDistance;
            l.TotalDistance = (float)car.TotalDistance;
            l.CarPosition = (byte)car.Position;
            l.CurrentLapNum = (byte)car.LapNumber;
            l.Sector = (byte)car.Sector;
            l.GridPosition = (byte)car.GridPosition;
            l.DriverStatus = 4;   // on track
            l.ResultStatus = 2;   // active
        }

        return Write(destination, in packet);
    }

    public int WriteParticipants(Span<byte> destination)
    {
        var packet = new PacketParticipantsData { Header = Header(F1PacketId.Participants), NumActiveCars = (byte)field.Cars.Count };
        foreach (var car in field.Cars)
        {
            ref var p = ref packet.Participants[car.Index];
            p.AiControlled = (byte)(car.AiControlled ? 1 : 0);
            p.DriverId = (byte)(car.AiControlled ? car.Index : 255);
            p.NetworkId = 255;
            p.TeamId = (byte)car.TeamId;
            p.RaceNumber = (byte)car.RaceNumber;
            p.Nationality = 0;
            p.Name.Encode(car.Name);
            p.YourTelemetry = 1;
            p.ShowOnlineNames = 1;
            p.Platform = 255;
        }

        return Write(destination, in packet);
    }

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

    private F1PacketHeader Header(F1PacketId id) => new()
    {
        PacketFormat = F1Decoder.Format2023,
        GameYear = 23,
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

    private static ushort GapMs(SimulatedCar ahead, SimulatedCar car)
    {
        var gapMetres = Math.Max(0, ahead.TotalDistance - car.TotalDistance);
        var speed = Math.Max(car.SpeedMps, 30);
        return (ushort)Math.Min(ushort.MaxValue, gapMetres / speed * 1000);
    }
}
