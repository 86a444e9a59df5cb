using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

// The rest of the F1 23 (format 2023) layouts: Event, CarSetups, FinalClassification, LobbyInfo, CarDamage,
// SessionHistory, TyreSets and MotionEx. Same conventions as F1_23Packets.cs.

/// <summary>The four ASCII letters of an event, e.g. "FTLP".</summary>
[InlineArray(4)]
public struct EventCode
{
    private byte _element;

    public override readonly string ToString()
    {
        ReadOnlySpan<byte> bytes = this;
        return System.Text.Encoding.ASCII.GetString(bytes);
    }
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct FastestLap
{
    public byte VehicleIdx;
    public float LapTime;              // seconds
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct VehicleEvent
{
    public byte VehicleIdx;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Penalty
{
    public byte PenaltyType;
    public byte InfringementType;
    public byte VehicleIdx;
    public byte OtherVehicleIdx;
    public byte Time;                  // seconds gained or spent
    public byte LapNum;
    public byte PlacesGained;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SpeedTrap
{
    public byte VehicleIdx;
    public float Speed;                // km/h
    public byte IsOverallFastestInSession;
    public byte IsDriverFastestInSession;
    public byte FastestVehicleIdxInSession;
    public float FastestSpeedInSession;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct StartLights
{
    public byte NumLights;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Flashback
{
    public uint FlashbackFrameIdentifier;
    public float FlashbackSessionTime;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Buttons
{
    public uint ButtonStatus;          // bit flags, see the spec's appendix
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Overtake
{
    public byte OvertakingVehicleIdx;
    public byte BeingOvertakenVehicleIdx;
}

/// <summary>The event details union: which member is valid depends on the event code.</summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
public struct EventDataDetails
{
    [FieldOffset(0)] public FastestLap FastestLap;
    [FieldOffset(0)] public VehicleEvent Vehicle;   // RTMT, TMPT, RCWN, DTSV, SGSV
    [FieldOffset(0)] public Penalty Penalty;
    [FieldOffset(0)] public SpeedTrap SpeedTrap;
    [FieldOffset(0)] public StartLights StartLights;
    [FieldOffset(0)] public Flashback Flashback;
    [FieldOffset(0)] public Buttons Buttons;
    [FieldOffset(0)] public Overtake Overtake;
    [FieldOffset(0)] public SafetyCarEvent SafetyCar;   // F1 24+
    [FieldOffset(0)] public Collision Collision;        // F1 24+
    [FieldOffset(0)] public Retirement2025 Retirement;  // F1 25
    [FieldOffset(0)] public DrsDisabled DrsDisabled;    // F1 25
    [FieldOffset(0)] public StopGoPenaltyServed2025 StopGoServed; // F1 25
}

/// <summary>Packet 3, 45 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketEventData
{
    public const int Size = 45;
    public F1PacketHeader Header;
    public EventCode EventStringCode;
    public EventDataDetails EventDetails;
}

/// <summary>A car setup's wings, differential, geometry, suspension and brakes: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SetupBalance
{
    public byte FrontWing;
    public byte RearWing;
    public byte OnThrottle;            // percent
    public byte OffThrottle;           // percent
    public float FrontCamber;
    public float RearCamber;
    public float FrontToe;
    public float RearToe;
    public byte FrontSuspension;
    public byte RearSuspension;
    public byte FrontAntiRollBar;
    public byte RearAntiRollBar;
    public byte FrontSuspensionHeight;
    public byte RearSuspensionHeight;
    public byte BrakePressure;         // percent
    public byte BrakeBias;             // percent
}

/// <summary>A car setup's tyre pressures, ballast and fuel: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SetupLoad
{
    public float RearLeftTyrePressure; // PSI
    public float RearRightTyrePressure;
    public float FrontLeftTyrePressure;
    public float FrontRightTyrePressure;
    public byte Ballast;
    public float FuelLoad;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarSetupData
{
    [SpecFlatten]
    public SetupBalance Balance;
    [SpecFlatten]
    public SetupLoad Load;
}

/// <summary>Packet 5, 1107 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarSetupData
{
    public const int Size = 1107;
    public F1PacketHeader Header;
    public CarArray<CarSetupData> CarSetups;
}

[InlineArray(8)]
public struct StintArray
{
    private byte _element;
}

/// <summary>A car's place in the final classification: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ClassificationPlace
{
    public byte Position;
    public byte NumLaps;
    public byte GridPosition;
    public byte Points;
    public byte NumPitStops;
    public byte ResultStatus;
}

/// <summary>A car's times, penalties and tyre stints in the final classification: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ClassificationTimes
{
    public uint BestLapTimeInMS;
    public double TotalRaceTime;       // seconds, without penalties
    public byte PenaltiesTime;         // seconds
    public byte NumPenalties;
    public byte NumTyreStints;
    public StintArray TyreStintsActual;
    public StintArray TyreStintsVisual;
    public StintArray TyreStintsEndLaps;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct FinalClassificationData
{
    [SpecFlatten]
    public ClassificationPlace Place;
    [SpecFlatten]
    public ClassificationTimes Times;
}

/// <summary>Packet 8, 1020 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketFinalClassificationData
{
    public const int Size = 1020;
    public F1PacketHeader Header;
    public byte NumCars;
    public CarArray<FinalClassificationData> ClassificationData;
}

/// <summary>A lobby player's first four bytes, laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LobbyPlayerIdentity
{
    public byte AiControlled;
    public byte TeamId;                // 255 if none selected yet
    public byte Nationality;
    public byte Platform;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LobbyInfoData : IF1LobbyEntry<LobbyInfoData>
{
    [SpecFlatten]
    public LobbyPlayerIdentity Identity;
    public NameBytes Name;
    public byte CarNumber;
    public byte ReadyStatus;           // 0 not ready, 1 ready, 2 spectating

    static ref readonly LobbyPlayerIdentity IF1LobbyEntry<LobbyInfoData>.Identity(in LobbyInfoData entry) => ref entry.Identity;

    static string IF1LobbyEntry<LobbyInfoData>.DecodeName(in LobbyInfoData entry) => entry.Name.Decode();

    static byte IF1LobbyEntry<LobbyInfoData>.CarNumber(in LobbyInfoData entry) => entry.CarNumber;

    static byte IF1LobbyEntry<LobbyInfoData>.ReadyStatus(in LobbyInfoData entry) => entry.ReadyStatus;

    // F1 23 does not say whether a lobby player's telemetry is public.
    static bool IF1LobbyEntry<LobbyInfoData>.TelemetryPublic(in LobbyInfoData entry) => false;
}

/// <summary>Packet 9, 1218 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLobbyInfoData
{
    public const int Size = 1218;
    public F1PacketHeader Header;
    public byte NumPlayers;
    public CarArray<LobbyInfoData> LobbyPlayers;
}

/// <summary>A car's tyre wear, tyre and brake damage: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct TyreAndBrakeDamage
{
    public WheelArray<float> TyresWear;    // percent
    public WheelArray<byte> TyresDamage;   // percent
    public WheelArray<byte> BrakesDamage;  // percent
}

/// <summary>A car's bodywork, power unit and gearbox damage and wear: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct BodyAndEngineDamage
{
    public byte FrontLeftWingDamage;
    public byte FrontRightWingDamage;
    public byte RearWingDamage;
    public byte FloorDamage;
    public byte DiffuserDamage;
    public byte SidepodDamage;
    public byte DrsFault;
    public byte ErsFault;
    public byte GearBoxDamage;
    public byte EngineDamage;
    public byte EngineMGUHWear;
    public byte EngineESWear;
    public byte EngineCEWear;
    public byte EngineICEWear;
    public byte EngineMGUKWear;
    public byte EngineTCWear;
    public byte EngineBlown;
    public byte EngineSeized;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarDamageData
{
    [SpecFlatten]
    public TyreAndBrakeDamage Tyres;
    [SpecFlatten]
    public BodyAndEngineDamage Body;
}

/// <summary>Packet 10, 953 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarDamageData
{
    public const int Size = 953;
    public F1PacketHeader Header;
    public CarArray<CarDamageData> CarDamageData;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LapHistoryData
{
    public uint LapTimeInMS;
    public ushort Sector1TimeInMS;
    public byte Sector1TimeMinutes;
    public ushort Sector2TimeInMS;
    public byte Sector2TimeMinutes;
    public ushort Sector3TimeInMS;
    public byte Sector3TimeMinutes;
    public byte LapValidBitFlags;      // 0x01 lap, 0x02/0x04/0x08 sectors 1/2/3 valid
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct TyreStintHistoryData
{
    public byte EndLap;                // 255 for the current tyre
    public byte TyreActualCompound;
    public byte TyreVisualCompound;
}

[InlineArray(100)]
public struct LapHistoryArray
{
    private LapHistoryData _element;
}

[InlineArray(8)]
public struct TyreStintArray
{
    private TyreStintHistoryData _element;
}

/// <summary>Packet 11, 1460 bytes: one car's laps and stints (the game cycles through the cars).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketSessionHistoryData
{
    public const int Size = 1460;
    public F1PacketHeader Header;
    public byte CarIdx;
    public byte NumLaps;
    public byte NumTyreStints;
    public byte BestLapTimeLapNum;
    public byte BestSector1LapNum;
    public byte BestSector2LapNum;
    public byte BestSector3LapNum;
    public LapHistoryArray LapHistoryData;
    public TyreStintArray TyreStintsHistoryData;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct TyreSetData
{
    public byte ActualTyreCompound;
    public byte VisualTyreCompound;
    public byte Wear;                  // percent
    public byte Available;
    public byte RecommendedSession;
    public byte LifeSpan;              // laps left
    public byte UsableLife;            // laps recommended
    public short LapDeltaTime;         // ms against the fitted set
    public byte Fitted;
}

[InlineArray(20)]
public struct TyreSetArray
{
    private TyreSetData _element;
}

/// <summary>Packet 12, 231 bytes: one car's 13 dry and 7 wet sets.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketTyreSetsData
{
    public const int Size = 231;
    public F1PacketHeader Header;
    public byte CarIdx;
    public TyreSetArray TyreSetData;
    public byte FittedIdx;
}

/// <summary>Packet 13, 217 bytes in format 2023: the player's car only.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketMotionExData
{
    public const int Size = 217;
    public F1PacketHeader Header;
    public WheelArray<float> SuspensionPosition;
    public WheelArray<float> SuspensionVelocity;
    public WheelArray<float> SuspensionAcceleration;
    public WheelArray<float> WheelSpeed;
    public WheelArray<float> WheelSlipRatio;
    public WheelArray<float> WheelSlipAngle;
    public WheelArray<float> WheelLatForce;
    public WheelArray<float> WheelLongForce;
    public float HeightOfCOGAboveGround;
    public float LocalVelocityX;       // m/s
    public float LocalVelocityY;
    public float LocalVelocityZ;
    public float AngularVelocityX;     // rad/s
    public float AngularVelocityY;
    public float AngularVelocityZ;
    public float AngularAccelerationX; // rad/s²
    public float AngularAccelerationY;
    public float AngularAccelerationZ;
    public float FrontWheelsAngle;     // rad
    public WheelArray<float> WheelVertForce;
}
