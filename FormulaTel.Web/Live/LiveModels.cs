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
    DateTimeOffset LastSeen)
{
    /// <summary>What this session's game does not send (e.g. "drs", "weather", "sectors"; empty for F1): shown as
    /// "not sent by this game", not as zeros.</summary>
    public IReadOnlyList<string> NotSent { get; init; } = [];
}

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

    // Added for the full live view (issue 6).
    public uint RevLightsBits { get; init; }
    public bool DrsAllowed { get; init; }
    public float ErsStoreEnergyJ { get; init; }
    public string ErsDeployMode { get; init; } = "";
    public float ErsDeployedThisLapJ { get; init; }
    public float FuelInTankKg { get; init; }
    public float FuelRemainingLaps { get; init; }
    /// <summary>Fuel left as a share of the tank, 0..1, from games that send it so (Forza); 0 otherwise.</summary>
    public float FuelRatio { get; init; }
    /// <summary>Soft, Medium, Hard, Intermediate, Wet; empty until known.</summary>
    public string TyreCompound { get; init; } = "";
    /// <summary>The game's own compound name, e.g. "C3".</summary>
    public string TyreCompoundActual { get; init; } = "";
    public uint TyreAgeLaps { get; init; }
    /// <summary>Per wheel, in the order rear-left, rear-right, front-left, front-right; null until known.</summary>
    public IReadOnlyList<TyreState>? Tyres { get; init; }
    /// <summary>0, 1 or 2.</summary>
    public uint Sector { get; init; }
    public uint Sector1TimeMs { get; init; }
    public uint Sector2TimeMs { get; init; }
    /// <summary>Sectors of the last completed lap (0 when unknown).</summary>
    public uint LastSector1Ms { get; init; }
    public uint LastSector2Ms { get; init; }
    public uint LastSector3Ms { get; init; }
    public uint BestLapTimeMs { get; init; }
    public uint BestSector1Ms { get; init; }
    public uint BestSector2Ms { get; init; }
    public uint BestSector3Ms { get; init; }
    public uint GapToLeaderMs { get; init; }
    public uint IntervalMs { get; init; }
    /// <summary>"", "PIT" (in the pit lane) or "BOX" (stopped in the box).</summary>
    public string PitStatus { get; init; } = "";
    public uint PitStops { get; init; }
    public uint PenaltiesS { get; init; }
    public uint Warnings { get; init; }
    /// <summary>ACTIVE, FINISHED, DID_NOT_FINISH, …</summary>
    public string ResultStatus { get; init; } = "";
    public float WorldX { get; init; }
    public float WorldZ { get; init; }
    /// <summary>Current lap time minus the best lap's at the same distance, ms; null without a best lap.</summary>
    public int? DeltaToBestMs { get; init; }
}

/// <summary>A session as the live page shows it: conditions, every car (in position order), events, the map.</summary>
public sealed record SessionView(
    string SessionKey,
    SessionInfo Info,
    IReadOnlyList<CarState> Cars,
    IReadOnlyList<CarSummary> Participants,
    IReadOnlyList<LiveEvent> Events,
    IReadOnlyList<MapPoint> Outline);

/// <summary>One wheel's tyre and brake.</summary>
public sealed record TyreState(float SurfaceC, float InnerC, float PressurePsi, float BrakeC, float Wear);

/// <summary>The session's conditions and state (from the game's Session packets).</summary>
public sealed record SessionInfo
{
    public string Track { get; init; } = "";
    public string SessionType { get; init; } = "";
    public string Weather { get; init; } = "";
    public float AirTemperatureC { get; init; }
    public float TrackTemperatureC { get; init; }
    public uint TotalLaps { get; init; }
    public uint TimeLeftS { get; init; }
    /// <summary>"", "SC", "VSC" or "Formation lap".</summary>
    public string SafetyCar { get; init; } = "";
    public float TrackLengthM { get; init; }
    public IReadOnlyList<ForecastSample> Forecast { get; init; } = [];
}

public sealed record ForecastSample(uint InMinutes, string Weather, float TrackTemperatureC, float AirTemperatureC, float RainProbability);

/// <summary>Something that happened, as the ticker shows it.</summary>
public sealed record LiveEvent(double SessionTimeS, string Kind, string Text);

/// <summary>A sample of a lap: where, how fast, the pedals, and the lap time there.</summary>
public readonly record struct TracePoint(float DistanceM, float SpeedKph, float Throttle, float Brake, uint TimeMs);

/// <summary>A lap's trace, sampled every few metres.</summary>
public sealed record LapTrace(uint LapNumber, uint LapTimeMs, IReadOnlyList<TracePoint> Points);

/// <summary>A point of the track outline, learned from where the cars drive.</summary>
public readonly record struct MapPoint(float X, float Z);

/// <summary>Identifies one car of one session.</summary>
public readonly record struct CarKey(string SessionKey, int CarIndex);

public static class SessionKeys
{
    /// <summary>A session is per source: every rig of an online session shares the game's session UID.</summary>
    public static string For(string sourceId, ulong sessionUid) => $"{sourceId}/{sessionUid}";

    /// <summary>
    /// The session in a URL (/live/{slug}/{car}): the game's session UID and a short hash of the source, so it
    /// needs no escaping and stays the same for as long as the session lives.
    /// </summary>
    public static string Slug(string sessionKey)
    {
        var slash = sessionKey.LastIndexOf('/');
        var source = slash < 0 ? "" : sessionKey[..slash];
        var uid = slash < 0 ? sessionKey : sessionKey[(slash + 1)..];
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source));
        return $"{uid}-{Convert.ToHexStringLower(hash, 0, 4)}";
    }
}

/// <summary>What the Strategy panel shows for a car: its tyres, fuel and pit window, each with why (docs/insights.md).</summary>
public sealed record StrategyView(
    int LapsDone,
    int TotalLaps,
    int StintLaps,
    double WearLimit,
    IReadOnlyList<FormulaTel.Insights.TyreLifeEstimate> Tyres,
    FormulaTel.Insights.FuelEstimate? Fuel,
    FormulaTel.Insights.PitWindowEstimate? PitWindow);

/// <summary>Laps until a car's first tyre reaches the wear limit, likely between the two bounds.</summary>
public readonly record struct TyreOutlook(int LapsLeft, int AtLeast, int AtMost);
