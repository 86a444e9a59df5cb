namespace FormulaTel.Web.Live;

// The live hub's payloads (docs/live-hub.md). Public surface: add fields, never rename or remove them.

/// <summary>A session seen recently, with the cars known in it.</summary>
public sealed record SessionSummary(
    string SessionKey,
    string SourceId,
    string SessionUid,
    string Game,
    string Track,
    string SessionType,
    int PlayerCarIndex,
    IReadOnlyList<CarSummary> Cars,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>A car in a session: who drives it.</summary>
public sealed record CarSummary(int CarIndex, string Name, string Team, int RaceNumber, bool IsPlayer);

/// <summary>The latest state of one car, pushed at most 60 times a second.</summary>
public sealed record CarState
{
    public required string SessionKey { get; init; }
    public required int CarIndex { get; init; }
    public float SpeedKph { get; init; }
    public uint EngineRpm { get; init; }
    public int Gear { get; init; }
    public float Throttle { get; init; }
    public float Brake { get; init; }
    public float Steer { get; init; }
    public bool DrsOpen { get; init; }
    public float RevLightsRatio { get; init; }
    public uint LapNumber { get; init; }
    public float LapDistanceM { get; init; }
    public uint Position { get; init; }
    public uint CurrentLapTimeMs { get; init; }
    public uint LastLapTimeMs { get; init; }
    public uint FrameId { get; init; }
    public double SessionTimeS { get; init; }
    /// <summary>When ingest received the datagram this state came from.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Identifies one car of one session.</summary>
public readonly record struct CarKey(string SessionKey, int CarIndex)
{
    /// <summary>The SignalR group a car's updates go to.</summary>
    public string Group => $"car:{SessionKey}:{CarIndex}";
}

public static class SessionKeys
{
    /// <summary>A session is per source: every rig of an online session shares the game's session UID.</summary>
    public static string For(string sourceId, ulong sessionUid) => $"{sourceId}/{sessionUid}";
}
