namespace FormulaTel.History.Laps;

/// <summary>A session the builder follows: its details as the stream tells them and its cars.</summary>
internal sealed class LiveSession(SessionKey key, DateTimeOffset firstSeen)
{
    public SessionKey Key { get; } = key;
    public DateTimeOffset StartedAt { get; } = firstSeen;
    public DateTimeOffset LastSeen { get; set; } = firstSeen;
    public DateTimeOffset LastWritten { get; set; } = DateTimeOffset.MinValue;
    public long LastSeenTicks { get; set; }
    public string Game { get; set; } = "";
    public string Track { get; set; } = "";
    public int TrackId { get; set; } = -1;
    public float TrackLengthM { get; set; }
    public string SessionType { get; set; } = "";
    public string SessionTypeName { get; set; } = "";
    public uint TotalLaps { get; set; }
    public bool Changed { get; set; } = true;
    public Dictionary<uint, CarLapState> Cars { get; } = [];

    public SessionInfo ToInfo() => new(Key, Game, Track, TrackId, TrackLengthM, SessionType, SessionTypeName, TotalLaps, StartedAt, LastSeen);
}
