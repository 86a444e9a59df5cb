using System.Runtime.InteropServices;

namespace FormulaTel.Games.Forza;

/// <summary>What Forza Motorsport (2023) appends to the FM7 Dash format: tyre wear and the track.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ForzaMotorsport2023Block
{
    public float TireWearFrontLeft;                   // 0 new .. 1 worn out
    public float TireWearFrontRight;
    public float TireWearRearLeft;
    public float TireWearRearRight;
    public int TrackOrdinal;                          // the track's id in the game
}
