using FormulaTel.Protos.V1;

namespace FormulaTel.Games.F1;

/// <summary>The F1 23 specification's appendix ids as names and as the spec's game-agnostic enums.</summary>
public static class F1Names
{
    private static readonly string[] Tracks =
    [
        "Melbourne", "Paul Ricard", "Shanghai", "Sakhir (Bahrain)", "Catalunya", "Monaco", "Montreal",
        "Silverstone", "Hockenheim", "Hungaroring", "Spa", "Monza", "Singapore", "Suzuka", "Abu Dhabi",
        "Texas", "Brazil", "Austria", "Sochi", "Mexico", "Baku (Azerbaijan)", "Sakhir Short", "Silverstone Short",
        "Texas Short", "Suzuka Short", "Hanoi", "Zandvoort", "Imola", "Portimão", "Jeddah", "Miami", "Las Vegas",
        "Losail",
    ];

    public static string Track(int trackId) => trackId switch
    {
        // F1 25 added reversed layouts.
        39 => "Silverstone (Reverse)",
        40 => "Austria (Reverse)",
        41 => "Zandvoort (Reverse)",
        >= 0 when trackId < Tracks.Length => Tracks[trackId],
        < 0 => "Unknown",
        _ => $"Track {trackId}",
    };

    public static string Team(ushort format, int teamId) => (format, teamId) switch
    {
        (>= 2024, 6) => "RB",
        (>= 2024, 9) => "Sauber",
        (>= 2024, 41) => "F1 Generic",
        _ => Team(teamId),
    };

    public static string Team(int teamId) => teamId switch
    {
        0 => "Mercedes",
        1 => "Ferrari",
        2 => "Red Bull Racing",
        3 => "Williams",
        4 => "Aston Martin",
        5 => "Alpine",
        6 => "Alpha Tauri",
        7 => "Haas",
        8 => "McLaren",
        9 => "Alfa Romeo",
        104 => "Custom Team",
        255 => "",
        _ => $"Team {teamId}",
    };

    /// <summary>F1 24 renumbered session types: sprint shootouts at 10–14, races at 15–17, time trial 18.</summary>
    public static string SessionTypeName(ushort format, int sessionType) => format >= 2024
        ? sessionType switch
        {
            >= 1 and <= 9 => SessionTypeName(sessionType),
            10 => "SQ1",
            11 => "SQ2",
            12 => "SQ3",
            13 => "Short SQ",
            14 => "OSQ (sprint)",
            15 => "R",
            16 => "R2",
            17 => "R3",
            18 => "Time Trial",
            _ => "Unknown",
        }
        : SessionTypeName(sessionType);

    public static SessionType SessionType(ushort format, int sessionType) => format >= 2024
        ? sessionType switch
        {
            >= 1 and <= 4 => Protos.V1.SessionType.Practice,
            >= 5 and <= 9 => Protos.V1.SessionType.Qualifying,
            >= 10 and <= 14 => Protos.V1.SessionType.SprintShootout,
            >= 15 and <= 17 => Protos.V1.SessionType.Race,
            18 => Protos.V1.SessionType.TimeTrial,
            _ => Protos.V1.SessionType.Unknown,
        }
        : SessionType(sessionType);

    public static string SessionTypeName(int sessionType) => sessionType switch
    {
        1 => "P1",
        2 => "P2",
        3 => "P3",
        4 => "Short P",
        5 => "Q1",
        6 => "Q2",
        7 => "Q3",
        8 => "Short Q",
        9 => "OSQ",
        10 => "R",
        11 => "R2",
        12 => "R3",
        13 => "Time Trial",
        _ => "Unknown",
    };

    public static SessionType SessionType(int sessionType) => sessionType switch
    {
        >= 1 and <= 4 => Protos.V1.SessionType.Practice,
        >= 5 and <= 9 => Protos.V1.SessionType.Qualifying,
        >= 10 and <= 12 => Protos.V1.SessionType.Race,
        13 => Protos.V1.SessionType.TimeTrial,
        _ => Protos.V1.SessionType.Unknown,
    };

    public static string ActualCompound(int compound) => compound switch
    {
        16 => "C5",
        17 => "C4",
        18 => "C3",
        19 => "C2",
        20 => "C1",
        21 => "C0",
        7 => "Inter",
        8 => "Wet",
        9 => "Dry",
        10 => "Wet",
        11 => "Super Soft",
        12 => "Soft",
        13 => "Medium",
        14 => "Hard",
        15 => "Wet",
        _ => "",
    };

    public static TyreCompound VisualCompound(int compound) => compound switch
    {
        16 or 19 or 20 => TyreCompound.Soft,
        17 or 21 => TyreCompound.Medium,
        18 or 22 => TyreCompound.Hard,
        7 => TyreCompound.Intermediate,
        8 or 15 => TyreCompound.Wet,
        _ => TyreCompound.Unknown,
    };

    public static string Platform(int platform) => platform switch
    {
        1 => "Steam",
        3 => "PlayStation",
        4 => "Xbox",
        6 => "Origin",
        _ => "",
    };

    /// <summary>A marshal zone or FIA flag: -1 unknown, 0 none, 1 green, 2 blue, 3 yellow.</summary>
    public static Flag Flag(int flag) => flag switch
    {
        0 => Protos.V1.Flag.None,
        1 => Protos.V1.Flag.Green,
        2 => Protos.V1.Flag.Blue,
        3 => Protos.V1.Flag.Yellow,
        _ => Protos.V1.Flag.Unknown,
    };
}
