using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

// The F1 25 (packet format 2025) layouts that differ from F1 24's; Motion, Session, LapData, CarSetups,
// CarTelemetry, CarStatus, SessionHistory, TyreSets and TimeTrial are unchanged. Same conventions as F1_23Packets.cs.

/// <summary>A participant's name in F1 25: UTF-8, null terminated, 32 bytes.</summary>
[InlineArray(32)]
public struct NameBytes32
{
    private byte _element;

    public readonly string Decode() => Utf8Name.Decode(this);

    public void Encode(string text) => Utf8Name.Encode(text, this);
}

/// <summary>An RGB livery colour; the spec names these fields without the m_ prefix.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LiveryColour
{
    [SpecName("red")]
    public byte Red;
    [SpecName("green")]
    public byte Green;
    [SpecName("blue")]
    public byte Blue;
}

[InlineArray(4)]
public struct LiveryColourArray
{
    private LiveryColour _element;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ParticipantData2025
{
    public byte AiControlled;
    public byte DriverId;
    public byte NetworkId;
    public byte TeamId;
    public byte MyTeam;
    public byte RaceNumber;
    public byte Nationality;
    public NameBytes32 Name;
    public byte YourTelemetry;
    public byte ShowOnlineNames;
    public ushort TechLevel;
    public byte Platform;
    public byte NumColours;
    public LiveryColourArray LiveryColours;
}

/// <summary>Packet 4, 1284 bytes in format 2025.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketParticipantsData2025
{
    public const int Size = 1284;
    public F1PacketHeader Header;
    public byte NumActiveCars;
    public CarArray<ParticipantData2025> Participants;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct FinalClassificationData2025
{
    public byte Position;
    public byte NumLaps;
    public byte GridPosition;
    public byte Points;
    public byte NumPitStops;
    public byte ResultStatus;
    public byte ResultReason;          // 0 invalid, 1 retired, 2 finished, 3 terminal damage, ... 10 session simulated
    public uint BestLapTimeInMS;
    public double TotalRaceTime;
    public byte PenaltiesTime;
    public byte NumPenalties;
    public byte NumTyreStints;
    public StintArray TyreStintsActual;
    public StintArray TyreStintsVisual;
    public StintArray TyreStintsEndLaps;
}

/// <summary>Packet 8, 1042 bytes in format 2025.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketFinalClassificationData2025
{
    public const int Size = 1042;
    public F1PacketHeader Header;
    public byte NumCars;
    public CarArray<FinalClassificationData2025> ClassificationData;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LobbyInfoData2025
{
    public byte AiControlled;
    public byte TeamId;
    public byte Nationality;
    public byte Platform;
    public NameBytes32 Name;
    public byte CarNumber;
    public byte YourTelemetry;
    public byte ShowOnlineNames;
    public ushort TechLevel;
    public byte ReadyStatus;
}

/// <summary>Packet 9, 954 bytes in format 2025.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLobbyInfoData2025
{
    public const int Size = 954;
    public F1PacketHeader Header;
    public byte NumPlayers;
    public CarArray<LobbyInfoData2025> LobbyPlayers;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarDamageData2025
{
    public WheelArray<float> TyresWear;
    public WheelArray<byte> TyresDamage;
    public WheelArray<byte> BrakesDamage;
    public WheelArray<byte> TyreBlisters;  // percent
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

/// <summary>Packet 10, 1041 bytes in format 2025.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarDamageData2025
{
    public const int Size = 1041;
    public F1PacketHeader Header;
    public CarArray<CarDamageData2025> CarDamageData;
}

/// <summary>Packet 13, 273 bytes in format 2025.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketMotionExData2025
{
    public const int Size = 273;
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
    public float LocalVelocityX;
    public float LocalVelocityY;
    public float LocalVelocityZ;
    public float AngularVelocityX;
    public float AngularVelocityY;
    public float AngularVelocityZ;
    public float AngularAccelerationX;
    public float AngularAccelerationY;
    public float AngularAccelerationZ;
    public float FrontWheelsAngle;
    public WheelArray<float> WheelVertForce;
    public float FrontAeroHeight;
    public float RearAeroHeight;
    public float FrontRollAngle;
    public float RearRollAngle;
    public float ChassisYaw;
    public float ChassisPitch;             // radians, relative to the direction of motion
    public WheelArray<float> WheelCamber;      // radians
    public WheelArray<float> WheelCamberGain;  // radians, active minus dynamic camber
}

[InlineArray(50)]
public struct LapPositionsArray
{
    private CarArray<byte> _element;
}

/// <summary>Packet 15 (new in F1 25), 1131 bytes: each car's position at the end of each of up to 50 laps.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLapPositionsData
{
    public const int Size = 1131;
    public F1PacketHeader Header;
    public byte NumLaps;
    public byte LapStart;                  // index of the first lap in the data, 0-based
    public LapPositionsArray PositionForVehicleIdx; // [lap][car], 0 = no record
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Retirement2025
{
    public byte VehicleIdx;
    public byte Reason;                    // as FinalClassificationData2025.ResultReason
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct DrsDisabled
{
    public byte Reason;                    // 0 wet track, 1 safety car, 2 red flag, 3 min lap not reached
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct StopGoPenaltyServed2025
{
    public byte VehicleIdx;
    public float StopTime;                 // seconds
}
