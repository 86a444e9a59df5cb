namespace FormulaTel.Games;

public static class DatagramDropReasonNames
{
    /// <summary>The metric attribute value for a reason: snake_case, stable.</summary>
    public static string ToTag(this DatagramDropReason reason) => reason switch
    {
        DatagramDropReason.TooShort => "too_short",
        DatagramDropReason.UnknownFormat => "unknown_format",
        DatagramDropReason.UnknownPacketId => "unknown_packet_id",
        DatagramDropReason.WrongLength => "wrong_length",
        DatagramDropReason.UnknownEventCode => "unknown_event_code",
        DatagramDropReason.NotRacing => "not_racing",
        DatagramDropReason.SourceNotAllowed => "source_not_allowed",
        DatagramDropReason.RateLimited => "rate_limited",
        _ => "none",
    };
}
