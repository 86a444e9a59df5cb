using System.Runtime.InteropServices;

namespace FormulaTel.Games.Forza;

/// <summary>
/// The 12 bytes Forza Horizon (4, 5, 6) puts between the Sled and Dash blocks. Only the car's category is documented;
/// the other two are 0 in FH4 and FH5 (FH6 fills them), so they are kept as they come, unnamed.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ForzaHorizonBlock
{
    public int CarCategory;
    public uint Unnamed1;
    public uint Unnamed2;
}
