using System.Runtime.InteropServices;

namespace FormulaTel.Games.F1;

/// <summary>
/// Checks an F1 datagram's header, format, id and length before anything reads its body, so that the
/// packed layouts can then be viewed in place without bounds surprises.
/// </summary>
public static class F1Decoder
{
    public const ushort Format2023 = 2023;
    public const ushort Format2024 = 2024;
    public const ushort Format2025 = 2025;

    // Spec sizes by packet id: format 2023 has ids 0..13, 2024 adds 14 (TimeTrial).
    private static readonly int[] Sizes2023 =
        [1349, 644, 1131, 45, 1306, 1107, 1352, 1239, 1020, 1218, 953, 1460, 231, 217];

    private static readonly int[] Sizes2024 =
        [1349, 753, 1285, 45, 1350, 1133, 1352, 1239, 1020, 1306, 953, 1460, 231, 237, 101];

    // 2025 adds 15 (LapPositions).
    private static readonly int[] Sizes2025 =
        [1349, 753, 1285, 45, 1284, 1133, 1352, 1239, 1042, 954, 1041, 1460, 231, 273, 101, 1131];

    private static int[]? Sizes(ushort format) => format switch
    {
        Format2023 => Sizes2023,
        Format2024 => Sizes2024,
        Format2025 => Sizes2025,
        _ => null,
    };

    /// <summary>The formats this decoder reads.</summary>
    public static readonly ushort[] Formats = [Format2023, Format2024, Format2025];

    static F1Decoder()
    {
        // The layouts are read in place; the games send little-endian.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("FormulaTel's F1 decoder needs a little-endian machine.");
        }
    }

    /// <summary>The spec size of a packet in a format; -1 when the format does not define it.</summary>
    public static int SpecSize(ushort format, F1PacketId id) =>
        Sizes(format) is { } sizes && (int)id < sizes.Length ? sizes[(int)id] : -1;

    /// <summary>
    /// Validates <paramref name="datagram"/>: header, format, id, and the spec size for that id. An Event may be
    /// shorter or longer than 45 bytes as long as its code's details fit (real captures have 44 and 47).
    /// </summary>
    public static DatagramDropReason Validate(ReadOnlySpan<byte> datagram, out F1PacketHeader header)
    {
        if (datagram.Length < F1PacketHeader.Size)
        {
            header = default;
            return DatagramDropReason.TooShort;
        }

        header = MemoryMarshal.Read<F1PacketHeader>(datagram);
        if (Sizes(header.PacketFormat) is not { } sizes)
        {
            return DatagramDropReason.UnknownFormat;
        }

        if (header.PacketId >= sizes.Length)
        {
            return DatagramDropReason.UnknownPacketId;
        }

        if (header.PacketId == (byte)F1PacketId.Event)
        {
            if (datagram.Length < F1PacketHeader.Size + 4)
            {
                return DatagramDropReason.WrongLength;
            }

            var details = F1Events.DetailsSize(datagram.Slice(F1PacketHeader.Size, 4), header.PacketFormat);
            return details < 0 ? DatagramDropReason.UnknownEventCode
                : datagram.Length < F1PacketHeader.Size + 4 + details ? DatagramDropReason.WrongLength
                : DatagramDropReason.None;
        }

        return datagram.Length == sizes[header.PacketId] ? DatagramDropReason.None : DatagramDropReason.WrongLength;
    }

    /// <summary>Reads a validated Event datagram, whatever its length: missing trailing bytes read as zero.</summary>
    public static PacketEventData ReadEvent(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length >= PacketEventData.Size)
        {
            return MemoryMarshal.Read<PacketEventData>(datagram);
        }

        Span<byte> padded = stackalloc byte[PacketEventData.Size];
        padded.Clear();
        datagram.CopyTo(padded);
        return MemoryMarshal.Read<PacketEventData>(padded);
    }

    /// <summary>Views a validated datagram as its packed packet struct, without copying.</summary>
    public static ref readonly T View<T>(ReadOnlySpan<byte> datagram) where T : unmanaged
        => ref MemoryMarshal.AsRef<T>(datagram);
}
