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
public struct ParticipantData2025 : IF1ParticipantEntry<ParticipantData2025>
{
    [SpecFlatten]
    public ParticipantIdentity Identity;
    public NameBytes32 Name;
    [SpecFlatten]
    public ParticipantSettings2024 Settings;
    public byte NumColours;
    public LiveryColourArray LiveryColours;

    static ref readonly ParticipantIdentity IF1ParticipantEntry<ParticipantData2025>.Identity(in ParticipantData2025 entry) => ref entry.Identity;

    static string IF1ParticipantEntry<ParticipantData2025>.DecodeName(in ParticipantData2025 entry) => entry.Name.Decode();

    static byte IF1ParticipantEntry<ParticipantData2025>.YourTelemetry(in ParticipantData2025 entry) => entry.Settings.YourTelemetry;

    static byte IF1ParticipantEntry<ParticipantData2025>.Platform(in ParticipantData2025 entry) => entry.Settings.Platform;

    static int IF1ParticipantEntry<ParticipantData2025>.LiveryColourCount(in ParticipantData2025 entry) => Math.Min((int)entry.NumColours, 4);

    static LiveryColour IF1ParticipantEntry<ParticipantData2025>.LiveryColourAt(in ParticipantData2025 entry, int index) => entry.LiveryColours[index];
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
    [SpecFlatten]
    public ClassificationPlace Place;
    public byte ResultReason;          // 0 invalid, 1 retired, 2 finished, 3 terminal damage, ... 10 session simulated
    [SpecFlatten]
    public ClassificationTimes Times;
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
public struct LobbyInfoData2025 : IF1LobbyEntry<LobbyInfoData2025>
{
    [SpecFlatten]
    public LobbyPlayerIdentity Identity;
    public NameBytes32 Name;
    [SpecFlatten]
    public LobbyPlayerStatus2024 Status;

    static ref readonly LobbyPlayerIdentity IF1LobbyEntry<LobbyInfoData2025>.Identity(in LobbyInfoData2025 entry) => ref entry.Identity;

    static string IF1LobbyEntry<LobbyInfoData2025>.DecodeName(in LobbyInfoData2025 entry) => entry.Name.Decode();

    static byte IF1LobbyEntry<LobbyInfoData2025>.CarNumber(in LobbyInfoData2025 entry) => entry.Status.CarNumber;

    static byte IF1LobbyEntry<LobbyInfoData2025>.ReadyStatus(in LobbyInfoData2025 entry) => entry.Status.ReadyStatus;

    static bool IF1LobbyEntry<LobbyInfoData2025>.TelemetryPublic(in LobbyInfoData2025 entry) => entry.Status.YourTelemetry != 0;
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
    [SpecFlatten]
    public TyreAndBrakeDamage Tyres;
    public WheelArray<byte> TyreBlisters;  // percent
    [SpecFlatten]
    public BodyAndEngineDamage Body;
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
