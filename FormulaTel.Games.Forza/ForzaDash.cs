using System.Runtime.InteropServices;

namespace FormulaTel.Games.Forza;

/// <summary>
/// The Dash block (79 bytes) the Dash formats add after the Sled block (FM7, FM 2023) or after the Horizon block
/// (FH4, FH5, FH6), fields named as Forza's Data Out documentation names them.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ForzaDash
{
    public float PositionX;                           // metres, world
    public float PositionY;
    public float PositionZ;
    public float Speed;                               // m/s
    public float Power;                               // W
    public float Torque;                              // N·m
    public float TireTempFrontLeft;                   // °F
    public float TireTempFrontRight;
    public float TireTempRearLeft;
    public float TireTempRearRight;
    public float Boost;                               // psi
    public float Fuel;                                // share of the tank, 0..1
    public float DistanceTraveled;                    // metres
    public float BestLap;                             // seconds
    public float LastLap;
    public float CurrentLap;
    public float CurrentRaceTime;
    public ushort LapNumber;                          // 0 on the first lap
    public byte RacePosition;                         // 0 outside a race
    public byte Accel;                                // 0..255
    public byte Brake;
    public byte Clutch;
    public byte HandBrake;
    public byte Gear;                                 // 0 reverse, 11 neutral (Horizon), else the gear
    public sbyte Steer;                               // -127 full left .. 127 full right
    public sbyte NormalizedDrivingLine;
    public sbyte NormalizedAIBrakeDifference;
}
