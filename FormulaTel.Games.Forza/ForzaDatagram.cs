using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FormulaTel.Protos.V1;

namespace FormulaTel.Games.Forza;

/// <summary>
/// Recognises Forza Data Out datagrams and views their blocks in place. Every format's size is taken from the
/// layouts, once, and checked against the size the format is known by.
/// </summary>
public static class ForzaDatagram
{
    public static readonly int SledSize = Unsafe.SizeOf<ForzaSled>();
    public static readonly int DashSize = Unsafe.SizeOf<ForzaDash>();
    public static readonly int HorizonBlockSize = Unsafe.SizeOf<ForzaHorizonBlock>();
    public static readonly int Fm2023BlockSize = Unsafe.SizeOf<ForzaMotorsport2023Block>();

    /// <summary>The formats, smallest first.</summary>
    public static readonly ForzaFormat[] Formats = [ForzaFormat.Sled, ForzaFormat.Fm7Dash, ForzaFormat.Horizon, ForzaFormat.Fm2023Dash];

    static ForzaDatagram()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("FormulaTel's Forza decoder needs a little-endian machine.");
        }

        foreach (var format in Formats)
        {
            if (SizeFromLayouts(format) != (int)format)
            {
                throw new InvalidOperationException($"The Forza layouts add up to {SizeFromLayouts(format)} bytes for {format}, not {(int)format}.");
            }
        }
    }

    /// <summary>The format's size as its blocks add up (one padding byte ends the Horizon format).</summary>
    public static int SizeFromLayouts(ForzaFormat format) => format switch
    {
        ForzaFormat.Sled => SledSize,
        ForzaFormat.Fm7Dash => SledSize + DashSize,
        ForzaFormat.Horizon => SledSize + HorizonBlockSize + DashSize + 1,
        ForzaFormat.Fm2023Dash => SledSize + DashSize + Fm2023BlockSize,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The smallest datagram Forza sends.</summary>
    public static int ShortestDatagram => (int)ForzaFormat.Sled;

    /// <summary>The format a datagram of this length is, if it is one.</summary>
    public static bool TryFormat(int length, out ForzaFormat format)
    {
        format = (ForzaFormat)length;
        return length is (int)ForzaFormat.Sled or (int)ForzaFormat.Fm7Dash or (int)ForzaFormat.Horizon or (int)ForzaFormat.Fm2023Dash;
    }

    /// <summary>
    /// A Forza datagram: one of the formats' sizes, starting with IsRaceOn 0 or 1. (An F1 datagram starts with its
    /// u16 packet format, 2023..2025, which no IsRaceOn can be.)
    /// </summary>
    public static bool Recognises(ReadOnlySpan<byte> datagram) =>
        TryFormat(datagram.Length, out _) && BinaryPrimitives.ReadInt32LittleEndian(datagram) is 0 or 1;

    public static bool HasDash(ForzaFormat format) => format != ForzaFormat.Sled;

    public static ref readonly ForzaSled Sled(ReadOnlySpan<byte> datagram) => ref MemoryMarshal.AsRef<ForzaSled>(datagram);

    /// <summary>The Dash block of a Dash format.</summary>
    public static ref readonly ForzaDash Dash(ReadOnlySpan<byte> datagram, ForzaFormat format) =>
        ref MemoryMarshal.AsRef<ForzaDash>(datagram[(format == ForzaFormat.Horizon ? SledSize + HorizonBlockSize : SledSize)..]);

    /// <summary>The Horizon block of the Horizon format.</summary>
    public static ref readonly ForzaHorizonBlock Horizon(ReadOnlySpan<byte> datagram) =>
        ref MemoryMarshal.AsRef<ForzaHorizonBlock>(datagram[SledSize..]);

    /// <summary>The tyre wear and track of the FM 2023 Dash format.</summary>
    public static ref readonly ForzaMotorsport2023Block Fm2023(ReadOnlySpan<byte> datagram) =>
        ref MemoryMarshal.AsRef<ForzaMotorsport2023Block>(datagram[(SledSize + DashSize)..]);

    /// <summary>The spec's game for a format.</summary>
    public static Game Game(ForzaFormat format) => format switch
    {
        ForzaFormat.Fm7Dash => Protos.V1.Game.ForzaMotorsport7,
        ForzaFormat.Fm2023Dash => Protos.V1.Game.ForzaMotorsport2023,
        ForzaFormat.Horizon => Protos.V1.Game.ForzaHorizon,
        _ => Protos.V1.Game.ForzaMotorsport,
    };
}
