namespace FormulaTel.Games;

/// <summary>Why a datagram was not turned into frames. Each reason is counted on its own.</summary>
public enum DatagramDropReason
{
    None = 0,
    /// <summary>Shorter than the shortest datagram of any game read (F1's 29-byte header).</summary>
    TooShort,
    /// <summary>No game's decoder recognises it (F1 2021/2022, another game, or not telemetry at all).</summary>
    UnknownFormat,
    /// <summary>A packet id the format does not define.</summary>
    UnknownPacketId,
    /// <summary>The length differs from the spec size of its format and id.</summary>
    WrongLength,
    /// <summary>An Event whose code the format does not define.</summary>
    UnknownEventCode,
    /// <summary>Forza: IsRaceOn is 0 (menus, pause, replays); the datagram carries no car to map.</summary>
    NotRacing,
    /// <summary>From an address outside the receiver's allowed sources (ingest's Ingest:AllowedSources).</summary>
    SourceNotAllowed,
    /// <summary>Past the per-source rate cap (ingest's Ingest:MaxDatagramsPerSourcePerSecond).</summary>
    RateLimited,
}
