using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

// The F1 23 (packet format 2023) layouts, field for field as in EA's "F1 23 UDP Specification":
// little-endian, packed, wheel order RL, RR, FL, FR. Field names are the spec's with m_ dropped and the first letter
// upper-cased (so m_sessionUID is SessionUID); the decode command writes them back (F1SpecJson).

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarMotionData
{
    public float WorldPositionX;      // metres
    public float WorldPositionY;
    public float WorldPositionZ;
    public float WorldVelocityX;      // metres/s
    public float WorldVelocityY;
    public float WorldVelocityZ;
    public short WorldForwardDirX;    // normalised, scaled by 32767
    public short WorldForwardDirY;
    public short WorldForwardDirZ;
    public short WorldRightDirX;
    public short WorldRightDirY;
    public short WorldRightDirZ;
    public float GForceLateral;
    public float GForceLongitudinal;
    public float GForceVertical;
    public float Yaw;                 // radians
    public float Pitch;
    public float Roll;
}

/// <summary>Packet 0, 1349 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketMotionData
{
    public const int Size = 1349;
    public F1PacketHeader Header;
    public CarArray<CarMotionData> CarMotionData;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct MarshalZone
{
    public float ZoneStart;           // fraction 0..1 of the lap
    public sbyte ZoneFlag;            // -1 unknown, 0 none, 1 green, 2 blue, 3 yellow
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct WeatherForecastSample
{
    public byte SessionType;
    public byte TimeOffset;           // minutes
    public byte Weather;
    public sbyte TrackTemperature;
    public sbyte TrackTemperatureChange; // 0 up, 1 down, 2 no change
    public sbyte AirTemperature;
    public sbyte AirTemperatureChange;
    public byte RainPercentage;
}

/// <summary>The session's conditions, ahead of the forecast: the same fields at the same offsets in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SessionConditions
{
    public byte Weather;              // 0 clear, 1 light cloud, 2 overcast, 3 light rain, 4 heavy rain, 5 storm
    public sbyte TrackTemperature;    // Celsius
    public sbyte AirTemperature;      // Celsius
    public byte TotalLaps;
    public ushort TrackLength;        // metres
    public byte SessionType;          // see F1Names.SessionType
    public sbyte TrackId;             // -1 unknown
    public byte Formula;
    public ushort SessionTimeLeft;    // seconds
    public ushort SessionDuration;    // seconds
    public byte PitSpeedLimit;        // km/h
    public byte GamePaused;
    public byte IsSpectating;
    public byte SpectatorCarIndex;
    public byte SliProNativeSupport;
    public byte NumMarshalZones;
    public MarshalZoneArray MarshalZones;
    public byte SafetyCarStatus;      // 0 none, 1 full, 2 virtual, 3 formation lap
    public byte NetworkGame;
    public byte NumWeatherForecastSamples;
}

/// <summary>The session's assists and rules, after the forecast: laid out alike in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct SessionRules
{
    public byte ForecastAccuracy;
    public byte AiDifficulty;
    public uint SeasonLinkIdentifier;
    public uint WeekendLinkIdentifier;
    public uint SessionLinkIdentifier;
    public byte PitStopWindowIdealLap;
    public byte PitStopWindowLatestLap;
    public byte PitStopRejoinPosition;
    public byte SteeringAssist;
    public byte BrakingAssist;
    public byte GearboxAssist;
    public byte PitAssist;
    public byte PitReleaseAssist;
    [SpecName("m_ERSAssist")]
    public byte ErsAssist;
    [SpecName("m_DRSAssist")]
    public byte DrsAssist;
    public byte DynamicRacingLine;
    public byte DynamicRacingLineType;
    public byte GameMode;
    public byte RuleSet;
    public uint TimeOfDay;            // minutes since midnight
    public byte SessionLength;
    public byte SpeedUnitsLeadPlayer;
    public byte TemperatureUnitsLeadPlayer;
    public byte SpeedUnitsSecondaryPlayer;
    public byte TemperatureUnitsSecondaryPlayer;
    public byte NumSafetyCarPeriods;
    public byte NumVirtualSafetyCarPeriods;
    public byte NumRedFlagPeriods;
}

/// <summary>Packet 1, 644 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketSessionData
{
    public const int Size = 644;
    public F1PacketHeader Header;
    [SpecFlatten]
    public SessionConditions Conditions;
    public WeatherForecastArray WeatherForecastSamples;
    [SpecFlatten]
    public SessionRules Rules;
}

/// <summary>The part of a car's lap data that F1 23, 24 and 25 lay out alike.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LapProgress
{
    public float LapDistance;         // metres, negative before the line is crossed
    public float TotalDistance;
    public float SafetyCarDelta;      // seconds
    public byte CarPosition;
    public byte CurrentLapNum;
    public byte PitStatus;            // 0 none, 1 pitting, 2 in pit area
    public byte NumPitStops;
    public byte Sector;               // 0, 1, 2
    public byte CurrentLapInvalid;
    public byte Penalties;            // seconds
    public byte TotalWarnings;
    public byte CornerCuttingWarnings;
    public byte NumUnservedDriveThroughPens;
    public byte NumUnservedStopGoPens;
    public byte GridPosition;
    public byte DriverStatus;         // 0 garage, 1 flying lap, 2 in lap, 3 out lap, 4 on track
    public byte ResultStatus;         // 0 invalid, 1 inactive, 2 active, 3 finished, 4 dnf, 5 dsq, 6 nc, 7 retired
    public byte PitLaneTimerActive;
    public ushort PitLaneTimeInLaneInMS;
    public ushort PitStopTimerInMS;
    public byte PitStopShouldServePen;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct LapData
{
    public uint LastLapTimeInMS;
    public uint CurrentLapTimeInMS;
    public ushort Sector1TimeInMS;
    public byte Sector1TimeMinutes;
    public ushort Sector2TimeInMS;
    public byte Sector2TimeMinutes;
    public ushort DeltaToCarInFrontInMS;
    public ushort DeltaToRaceLeaderInMS;
    [SpecFlatten]
    public LapProgress Progress;
}

/// <summary>Packet 2, 1131 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketLapData
{
    public const int Size = 1131;
    public F1PacketHeader Header;
    public CarArray<LapData> LapData;
    public byte TimeTrialPBCarIdx;    // 255 if invalid
    public byte TimeTrialRivalCarIdx; // 255 if invalid
}

/// <summary>Who a participant is: the first seven bytes of a participant entry in F1 23, 24 and 25.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ParticipantIdentity
{
    public byte AiControlled;
    public byte DriverId;             // 255 if network human
    public byte NetworkId;
    public byte TeamId;
    public byte MyTeam;
    public byte RaceNumber;
    public byte Nationality;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ParticipantData : IF1ParticipantEntry<ParticipantData>
{
    [SpecFlatten]
    public ParticipantIdentity Identity;
    public NameBytes Name;
    public byte YourTelemetry;        // 0 restricted, 1 public
    public byte ShowOnlineNames;
    public byte Platform;             // 1 Steam, 3 PlayStation, 4 Xbox, 6 Origin, 255 unknown

    static ref readonly ParticipantIdentity IF1ParticipantEntry<ParticipantData>.Identity(in ParticipantData entry) => ref entry.Identity;

    static string IF1ParticipantEntry<ParticipantData>.DecodeName(in ParticipantData entry) => entry.Name.Decode();

    static byte IF1ParticipantEntry<ParticipantData>.YourTelemetry(in ParticipantData entry) => entry.YourTelemetry;

    static byte IF1ParticipantEntry<ParticipantData>.Platform(in ParticipantData entry) => entry.Platform;

    static int IF1ParticipantEntry<ParticipantData>.LiveryColourCount(in ParticipantData entry) => 0;

    static LiveryColour IF1ParticipantEntry<ParticipantData>.LiveryColourAt(in ParticipantData entry, int index) => throw new ArgumentOutOfRangeException(nameof(index));
}

/// <summary>Packet 4, 1306 bytes in format 2023.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketParticipantsData
{
    public const int Size = 1306;
    public F1PacketHeader Header;
    public byte NumActiveCars;
    public CarArray<ParticipantData> Participants;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarTelemetryData
{
    public ushort Speed;              // km/h
    public float Throttle;            // 0..1
    public float Steer;               // -1..1
    public float Brake;               // 0..1
    public byte Clutch;               // 0..100
    public sbyte Gear;                // -1 R, 0 N, 1..8
    public ushort EngineRPM;
    public byte Drs;                  // 0 off, 1 on
    public byte RevLightsPercent;
    public ushort RevLightsBitValue;  // bit 0 leftmost LED, bit 14 rightmost
    public WheelArray<ushort> BrakesTemperature;       // Celsius
    public WheelArray<byte> TyresSurfaceTemperature;   // Celsius
    public WheelArray<byte> TyresInnerTemperature;     // Celsius
    public ushort EngineTemperature;                   // Celsius
    public WheelArray<float> TyresPressure;            // PSI
    public WheelArray<byte> SurfaceType;
}

/// <summary>Packet 6, 1352 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarTelemetryData
{
    public const int Size = 1352;
    public F1PacketHeader Header;
    public CarArray<CarTelemetryData> CarTelemetryData;
    public byte MfdPanelIndex;        // 255 closed
    public byte MfdPanelIndexSecondaryPlayer;
    public sbyte SuggestedGear;       // 0 none
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct CarStatusData
{
    public byte TractionControl;      // 0 off, 1 medium, 2 full
    public byte AntiLockBrakes;
    public byte FuelMix;              // 0 lean, 1 standard, 2 rich, 3 max
    public byte FrontBrakeBias;       // percent
    public byte PitLimiterStatus;
    public float FuelInTank;          // kg
    public float FuelCapacity;        // kg
    public float FuelRemainingLaps;
    public ushort MaxRPM;
    public ushort IdleRPM;
    public byte MaxGears;
    public byte DrsAllowed;
    public ushort DrsActivationDistance; // metres, 0 not available
    public byte ActualTyreCompound;   // 16 C5 .. 21 C0, 7 inter, 8 wet, ...
    public byte VisualTyreCompound;   // 16 soft, 17 medium, 18 hard, 7 inter, 8 wet
    public byte TyresAgeLaps;
    public sbyte VehicleFiaFlags;     // -1 unknown, 0 none, 1 green, 2 blue, 3 yellow
    public float EnginePowerICE;      // W
    public float EnginePowerMGUK;     // W
    public float ErsStoreEnergy;      // J
    public byte ErsDeployMode;        // 0 none, 1 medium, 2 hotlap, 3 overtake
    public float ErsHarvestedThisLapMGUK;
    public float ErsHarvestedThisLapMGUH;
    public float ErsDeployedThisLap;
    public byte NetworkPaused;
}

/// <summary>Packet 7, 1239 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct PacketCarStatusData
{
    public const int Size = 1239;
    public F1PacketHeader Header;
    public CarArray<CarStatusData> CarStatusData;
}
