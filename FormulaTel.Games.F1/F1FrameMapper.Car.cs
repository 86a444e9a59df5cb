using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// The car packets: telemetry, status, damage and setups.
public sealed partial class F1FrameMapper
{
    internal void MapCarTelemetry(in PacketCarTelemetryData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal void MapCarStatus(in PacketCarStatusData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
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

    internal void MapCarSetups(in PacketCarSetupData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var c = ref packet.CarSetups[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarSetup = Setup(in c.Balance, in c.Load);
                output.Add(frame);
            }
        }
    }

    internal void MapCarSetups2024(in PacketCarSetupData2024 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var c = ref packet.CarSetups[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarSetup = Setup(in c.Balance, in c.Load);
                frame.CarSetup.EngineBraking = Ratio(c.EngineBraking);
                frame.CarSetup.NextFrontWing = i == packet.Header.PlayerCarIndex ? packet.NextFrontWingValue : 0;
                output.Add(frame);
            }
        }
    }

    private static CarSetup Setup(in SetupBalance b, in SetupLoad l) => new()
    {
        FrontWing = b.FrontWing, RearWing = b.RearWing, DiffOnThrottle = Ratio(b.OnThrottle), DiffOffThrottle = Ratio(b.OffThrottle),
        FrontCamberDeg = b.FrontCamber, RearCamberDeg = b.RearCamber, FrontToeDeg = b.FrontToe, RearToeDeg = b.RearToe,
        FrontSuspension = b.FrontSuspension, RearSuspension = b.RearSuspension, FrontAntiRollBar = b.FrontAntiRollBar, RearAntiRollBar = b.RearAntiRollBar,
        FrontRideHeight = b.FrontSuspensionHeight, RearRideHeight = b.RearSuspensionHeight, BrakePressure = Ratio(b.BrakePressure), BrakeBias = Ratio(b.BrakeBias),
        TyrePressurePsi = Pressures(l.RearLeftTyrePressure, l.RearRightTyrePressure, l.FrontLeftTyrePressure, l.FrontRightTyrePressure),
        Ballast = l.Ballast, FuelLoadKg = l.FuelLoad,
    };

    internal void MapCarDamage(in PacketCarDamageData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var d = ref packet.CarDamageData[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarDamage = Damage(in d.Tyres, in d.Body);
                output.Add(frame);
            }
        }
    }

    internal void MapCarDamage2025(in PacketCarDamageData2025 packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (active[i])
            {
                ref readonly var d = ref packet.CarDamageData[i];
                var frame = Frame(in packet.Header, i, sourceId, receivedAt);
                frame.CarDamage = Damage(in d.Tyres, in d.Body);
                frame.CarDamage.TyreBlisters = RatioWheels(d.TyreBlisters);
                output.Add(frame);
            }
        }
    }

    private static CarDamage Damage(in TyreAndBrakeDamage t, in BodyAndEngineDamage d) => new()
    {
        TyreWear = RatioWheels(t.TyresWear), TyreDamage = RatioWheels(t.TyresDamage), BrakeDamage = RatioWheels(t.BrakesDamage),
        FrontLeftWing = Ratio(d.FrontLeftWingDamage), FrontRightWing = Ratio(d.FrontRightWingDamage), RearWing = Ratio(d.RearWingDamage),
        Floor = Ratio(d.FloorDamage), Diffuser = Ratio(d.DiffuserDamage), Sidepod = Ratio(d.SidepodDamage),
        DrsFault = d.DrsFault != 0, ErsFault = d.ErsFault != 0, Gearbox = Ratio(d.GearBoxDamage), Engine = Ratio(d.EngineDamage),
        EngineMguhWear = Ratio(d.EngineMGUHWear), EngineEsWear = Ratio(d.EngineESWear), EngineCeWear = Ratio(d.EngineCEWear),
        EngineIceWear = Ratio(d.EngineICEWear), EngineMgukWear = Ratio(d.EngineMGUKWear), EngineTcWear = Ratio(d.EngineTCWear),
        EngineBlown = d.EngineBlown != 0, EngineSeized = d.EngineSeized != 0,
    };
}
