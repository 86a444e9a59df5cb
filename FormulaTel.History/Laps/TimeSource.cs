namespace FormulaTel.History.Laps;

/// <summary>Where a lap's times came from; a higher source wins when two disagree.</summary>
public enum TimeSource
{
    /// <summary>No time: the lap was cut short.</summary>
    None = 0,
    /// <summary>Only the lap payload's last lap time, seen after the line was crossed (history was away then): no sectors, validity unknown.</summary>
    LastLapTime = 1,
    /// <summary>The lap payload: the last lap time when the car crossed the line, sectors as they completed.</summary>
    LapData = 2,
    /// <summary>The game's own record of the session's laps (the session history payload).</summary>
    GameHistory = 3,
}
