using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

/// <summary>The 29-byte header every F1 23/24/25 datagram starts with.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct F1PacketHeader
{
    public const int Size = 29;

    public ushort PacketFormat;            // 2023, 2024, 2025
    public byte GameYear;                  // last two digits, e.g. 23
    public byte GameMajorVersion;
    public byte GameMinorVersion;
    public byte PacketVersion;
    public byte PacketId;
    public ulong SessionUID;
    public float SessionTime;              // seconds
    public uint FrameIdentifier;
    public uint OverallFrameIdentifier;    // does not go back after flashbacks
    public byte PlayerCarIndex;
    public byte SecondaryPlayerCarIndex;   // 255 if no second player
}

/// <summary>Packet ids shared by the F1 23/24/25 formats.</summary>
public enum F1PacketId : byte
{
    Motion = 0,
    Session = 1,
    LapData = 2,
    Event = 3,
    Participants = 4,
    CarSetups = 5,
    CarTelemetry = 6,
    CarStatus = 7,
    FinalClassification = 8,
    LobbyInfo = 9,
    CarDamage = 10,
    SessionHistory = 11,
    TyreSets = 12,
    MotionEx = 13,
    TimeTrial = 14,
    LapPositions = 15,
}
