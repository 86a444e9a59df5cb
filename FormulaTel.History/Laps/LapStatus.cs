namespace FormulaTel.History.Laps;

/// <summary>How a stored lap ended. Laps cut short are kept and say why.</summary>
public enum LapStatus
{
    /// <summary>The car crossed the line (or the game's own history says the lap is done).</summary>
    Complete,
    /// <summary>A flashback took the car back before the lap was finished.</summary>
    Flashback,
    /// <summary>The car retired, was disqualified or did not finish during the lap.</summary>
    Retired,
    /// <summary>The session ended (or its telemetry stopped) during the lap.</summary>
    SessionEnded,
}

public static class LapStatusNames
{
    public static string ToName(this LapStatus status) => status switch
    {
        LapStatus.Complete => "complete",
        LapStatus.Flashback => "flashback",
        LapStatus.Retired => "retired",
        _ => "session_ended",
    };

    public static LapStatus Parse(string name) => name switch
    {
        "complete" => LapStatus.Complete,
        "flashback" => LapStatus.Flashback,
        "retired" => LapStatus.Retired,
        _ => LapStatus.SessionEnded,
    };
}
