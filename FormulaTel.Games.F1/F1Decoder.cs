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

    /// <summary>The spec's game for a packet format this decoder reads.</summary>
    public static Protos.V1.Game Game(ushort format) => format switch
    {
        Format2025 => Protos.V1.Game.F125,
        Format2024 => Protos.V1.Game.F124,
        _ => Protos.V1.Game.F123,
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

    /// <summary>The spec size of a packet in a format (its layout's, from <see cref="F1Packets"/>); -1 when the format does not define it.</summary>
    public static int SpecSize(ushort format, F1PacketId id) => F1Packets.Find(format, (byte)id)?.Size ?? -1;

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
        if (F1Packets.Sizes(header.PacketFormat) is not { } sizes)
        {
            return DatagramDropReason.UnknownFormat;
        }

        if (header.PacketId >= sizes.Length || sizes[header.PacketId] < 0)
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
