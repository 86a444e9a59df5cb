using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

// The F1 24 (packet format 2024) layouts that differ from F1 23's; Motion, CarTelemetry, CarStatus,
// FinalClassification, CarDamage, SessionHistory and TyreSets are unchanged. Same conventions as F1_23Packets.cs.

[InlineArray(64)]
public struct WeatherForecastArray64
{
    private WeatherForecastSample _element;
}

[InlineArray(12)]
public struct WeekendStructure
{
    private byte _element;
}

/// <summary>Packet 1, 753 bytes in format 2024: 64 forecast samples and the session's rules appended.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketSessionData2024
{
    public const int Size = 753;
    public F1PacketHeader Header;
    [SpecFlatten]
    public SessionConditions Conditions;
    public WeatherForecastArray64 WeatherForecastSamples;
    [SpecFlatten]
    public SessionRules Rules;
    public byte EqualCarPerformance;
    public byte RecoveryMode;
    public byte FlashbackLimit;
    public byte SurfaceType;
    public byte LowFuelMode;
    public byte RaceStarts;
    public byte TyreTemperature;
    public byte PitLaneTyreSim;
    public byte CarDamage;
    public byte CarDamageRate;
    public byte Collisions;
    public byte CollisionsOffForFirstLapOnly;
    public byte MpUnsafePitRelease;
    public byte MpOffForGriefing;
    public byte CornerCuttingStringency;
    public byte ParcFermeRules;
    public byte PitStopExperience;
    public byte SafetyCar;
    public byte SafetyCarExperience;
    public byte FormationLap;
    public byte FormationLapExperience;
    public byte RedFlags;
    public byte AffectsLicenceLevelSolo;
    public byte AffectsLicenceLevelMP;
    public byte NumSessionsInWeekend;
    public WeekendStructure WeekendStructure;
    public float Sector2LapDistanceStart;  // metres
    public float Sector3LapDistanceStart;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LapData2024
{
    public uint LastLapTimeInMS;
    public uint CurrentLapTimeInMS;
    public ushort Sector1TimeMSPart;
    public byte Sector1TimeMinutesPart;
    public ushort Sector2TimeMSPart;
    public byte Sector2TimeMinutesPart;
    public ushort DeltaToCarInFrontMSPart;
    public byte DeltaToCarInFrontMinutesPart;
    public ushort DeltaToRaceLeaderMSPart;
    public byte DeltaToRaceLeaderMinutesPart;
    [SpecFlatten]
    public LapProgress Progress;
    public float SpeedTrapFastestSpeed;    // km/h
    public byte SpeedTrapFastestLap;       // 255 = not set
}

/// <summary>Packet 2, 1285 bytes in format 2024.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLapData2024
{
    public const int Size = 1285;
    public F1PacketHeader Header;
    public CarArray<LapData2024> LapData;
    public byte TimeTrialPBCarIdx;
    public byte TimeTrialRivalCarIdx;
}

/// <summary>A participant entry's fields after the name, laid out alike in F1 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ParticipantSettings2024
{
    public byte YourTelemetry;
    public byte ShowOnlineNames;
    public ushort TechLevel;               // F1 World
    public byte Platform;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ParticipantData2024 : IF1ParticipantEntry<ParticipantData2024>
{
    [SpecFlatten]
    public ParticipantIdentity Identity;
    public NameBytes Name;
    [SpecFlatten]
    public ParticipantSettings2024 Settings;

    static ref readonly ParticipantIdentity IF1ParticipantEntry<ParticipantData2024>.Identity(in ParticipantData2024 entry) => ref entry.Identity;

    static string IF1ParticipantEntry<ParticipantData2024>.DecodeName(in ParticipantData2024 entry) => entry.Name.Decode();

    static byte IF1ParticipantEntry<ParticipantData2024>.YourTelemetry(in ParticipantData2024 entry) => entry.Settings.YourTelemetry;

    static byte IF1ParticipantEntry<ParticipantData2024>.Platform(in ParticipantData2024 entry) => entry.Settings.Platform;

    static int IF1ParticipantEntry<ParticipantData2024>.LiveryColourCount(in ParticipantData2024 entry) => 0;

    static LiveryColour IF1ParticipantEntry<ParticipantData2024>.LiveryColourAt(in ParticipantData2024 entry, int index) => throw new ArgumentOutOfRangeException(nameof(index));
}

/// <summary>Packet 4, 1350 bytes in format 2024.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketParticipantsData2024
{
    public const int Size = 1350;
    public F1PacketHeader Header;
    public byte NumActiveCars;
    public CarArray<ParticipantData2024> Participants;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarSetupData2024
{
    [SpecFlatten]
    public SetupBalance Balance;
    public byte EngineBraking;             // percent
    [SpecFlatten]
    public SetupLoad Load;
}

/// <summary>Packet 5, 1133 bytes in format 2024.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarSetupData2024
{
    public const int Size = 1133;
    public F1PacketHeader Header;
    public CarArray<CarSetupData2024> CarSetups;
    public float NextFrontWingValue;       // after the next pit stop, player only
}

/// <summary>A lobby player's fields after the name, laid out alike in F1 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LobbyPlayerStatus2024
{
    public byte CarNumber;
    public byte YourTelemetry;
    public byte ShowOnlineNames;
    public ushort TechLevel;
    public byte ReadyStatus;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LobbyInfoData2024 : IF1LobbyEntry<LobbyInfoData2024>
{
    [SpecFlatten]
    public LobbyPlayerIdentity Identity;
    public NameBytes Name;
    [SpecFlatten]
    public LobbyPlayerStatus2024 Status;

    static ref readonly LobbyPlayerIdentity IF1LobbyEntry<LobbyInfoData2024>.Identity(in LobbyInfoData2024 entry) => ref entry.Identity;

    static string IF1LobbyEntry<LobbyInfoData2024>.DecodeName(in LobbyInfoData2024 entry) => entry.Name.Decode();

    static byte IF1LobbyEntry<LobbyInfoData2024>.CarNumber(in LobbyInfoData2024 entry) => entry.Status.CarNumber;

    static byte IF1LobbyEntry<LobbyInfoData2024>.ReadyStatus(in LobbyInfoData2024 entry) => entry.Status.ReadyStatus;

    static bool IF1LobbyEntry<LobbyInfoData2024>.TelemetryPublic(in LobbyInfoData2024 entry) => entry.Status.YourTelemetry != 0;
}

/// <summary>Packet 9, 1306 bytes in format 2024.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLobbyInfoData2024
{
    public const int Size = 1306;
    public F1PacketHeader Header;
    public byte NumPlayers;
    public CarArray<LobbyInfoData2024> LobbyPlayers;
}

/// <summary>Packet 13, 237 bytes in format 2024.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketMotionExData2024
{
    public const int Size = 237;
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
    public float FrontAeroHeight;          // plank edge above the road, metres
    public float RearAeroHeight;
    public float FrontRollAngle;
    public float RearRollAngle;
    public float ChassisYaw;               // radians, relative to the direction of motion
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct TimeTrialDataSet
{
    public byte CarIdx;
    public byte TeamId;
    public uint LapTimeInMS;
    public uint Sector1TimeInMS;
    public uint Sector2TimeInMS;
    public uint Sector3TimeInMS;
    public byte TractionControl;
    public byte GearboxAssist;
    public byte AntiLockBrakes;
    public byte EqualCarPerformance;
    public byte CustomSetup;
    public byte Valid;
}

/// <summary>Packet 14 (new in F1 24), 101 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketTimeTrialData
{
    public const int Size = 101;
    public F1PacketHeader Header;
    public TimeTrialDataSet PlayerSessionBestDataSet;
    public TimeTrialDataSet PersonalBestDataSet;
    public TimeTrialDataSet RivalDataSet;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SafetyCarEvent
{
    public byte SafetyCarType;             // 0 none, 1 full, 2 virtual, 3 formation lap
    public byte EventType;                 // 0 deployed, 1 returning, 2 returned, 3 resume race
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Collision
{
    public byte Vehicle1Idx;
    public byte Vehicle2Idx;
}
