namespace FormulaTel.Ingest.Capture;

/// <summary>The pcapng format's numbers (IETF draft "PCAP Now Generic"), one place for the writer and the reader.</summary>
public static class Pcapng
{
    public const uint SectionHeaderBlock = 0x0A0D0D0A;
    public const uint InterfaceDescriptionBlock = 1;
    public const uint ObsoletePacketBlock = 2;
    public const uint SimplePacketBlock = 3;
    public const uint InterfaceStatisticsBlock = 5;
    public const uint EnhancedPacketBlock = 6;
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    public const ushort OptComment = 1;
    public const ushort ShbUserApplication = 4;
    public const ushort IfName = 2;
    public const ushort IfDescription = 3;
    public const ushort IfTimestampResolution = 9;
    public const ushort IfTimestampOffset = 14;
    public const ushort IsbStartTime = 2;
    public const ushort IsbEndTime = 3;
    public const ushort IsbInterfaceReceived = 4;
    public const ushort IsbInterfaceDropped = 5;
}
