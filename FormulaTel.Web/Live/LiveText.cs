using System.Globalization;
using System.Text;
using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Live;

/// <summary>Spec values as the live view words them.</summary>
public static class LiveText
{
    /// <summary>An enum value as words: LightCloud → "Light cloud"; the zero "unknown"/"none" values → "".</summary>
    public static string Name<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        if (Convert.ToInt32(value, CultureInfo.InvariantCulture) == 0 && (name.Contains("Unknown", StringComparison.Ordinal) || name.Contains("None", StringComparison.Ordinal) || name.Contains("Invalid", StringComparison.Ordinal)))
        {
            return "";
        }

        var words = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }

    public static SessionInfo Session(Session s) => new()
    {
        Track = s.Track,
        SessionType = string.IsNullOrEmpty(s.SessionTypeName) ? Name(s.SessionType) : s.SessionTypeName,
        Weather = WeatherName(s.Weather),
        AirTemperatureC = s.AirTemperatureC,
        TrackTemperatureC = s.TrackTemperatureC,
        TotalLaps = s.TotalLaps,
        TimeLeftS = s.TimeLeftS,
        SafetyCar = s.SafetyCarStatus switch
        {
            SafetyCarStatus.SafetyCarFull => "SC",
            SafetyCarStatus.SafetyCarVirtual => "VSC",
            SafetyCarStatus.SafetyCarFormationLap => "Formation lap",
            _ => "",
        },
        TrackLengthM = s.TrackLengthM,
        Forecast = [.. s.WeatherForecast.Take(5).Select(f => new ForecastSample(f.TimeOffsetMin, WeatherName(f.Weather), f.TrackTemperatureC, f.AirTemperatureC, f.RainProbability))],
    };

    // Weather's zero value is "clear", not "unknown".
    private static string WeatherName(Weather weather) => weather == Weather.Clear ? "Clear" : Name(weather);

    /// <summary>The ticker's line for an event; null for events a racer does not want scrolling past.</summary>
    public static LiveEvent? Event(RaceEvent e, Envelope envelope, Func<int, string?> driverName)
    {
        var driver = driverName((int)envelope.CarIndex) ?? $"Car {envelope.CarIndex}";
        var other = driverName((int)e.OtherCar) ?? $"Car {e.OtherCar}";
        var text = e.Kind switch
        {
            RaceEventKind.RaceEventSessionStarted => "Session started",
            RaceEventKind.RaceEventSessionEnded => "Session ended",
            RaceEventKind.RaceEventFastestLap => $"Fastest lap: {driver} {LapTime((uint)Math.Round(e.LapTimeS * 1000))}",
            RaceEventKind.RaceEventRetirement => $"{driver} retires",
            RaceEventKind.RaceEventDrsEnabled => "DRS enabled",
            RaceEventKind.RaceEventDrsDisabled => "DRS disabled",
            RaceEventKind.RaceEventChequeredFlag => "Chequered flag",
            RaceEventKind.RaceEventRaceWinner => $"{driver} wins",
            RaceEventKind.RaceEventPenalty => e.TimeS > 0 ? $"Penalty: {driver}, {e.TimeS} s" : $"Penalty: {driver}",
            RaceEventKind.RaceEventLightsOut => "Lights out",
            RaceEventKind.RaceEventDriveThroughServed => $"{driver} serves a drive-through",
            RaceEventKind.RaceEventStopGoServed => $"{driver} serves a stop-go",
            RaceEventKind.RaceEventRedFlag => "Red flag",
            RaceEventKind.RaceEventOvertake => $"{driver} overtakes {other}",
            RaceEventKind.RaceEventSafetyCar => (e.SafetyCarType switch { 1 => "Safety car", 2 => "Virtual safety car", 3 => "Formation lap", _ => "Safety car" })
                + e.SafetyCarEvent switch { 0 => " deployed", 1 => " returning", 2 => " returned", 3 => ": race resumes", _ => "" },
            RaceEventKind.RaceEventCollision => $"{driver} and {other} collide",
            _ => null,
        };
        return text is null ? null : new LiveEvent(envelope.SessionTimeS, Name(e.Kind).Replace("Race event ", "", StringComparison.Ordinal), text);
    }

    /// <summary>1:27.345, or "–" for no time.</summary>
    public static string LapTime(uint ms) =>
        ms == 0 ? "–" : ms >= 60_000 ? $"{ms / 60_000}:{ms % 60_000 / 1000:00}.{ms % 1000:000}" : $"{ms / 1000}.{ms % 1000:000}";

    /// <summary>A sector or gap in seconds: 28.411; "–" for none.</summary>
    public static string Seconds(uint ms) => ms == 0 ? "–" : (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A gap: "+1.234", or "+1 lap"-style when over a minute; "" for the leader.</summary>
    public static string Gap(uint ms, bool leader) => leader ? "Leader" : ms == 0 ? "–" : $"+{(ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)}";

    /// <summary>A signed delta: "+0.123" slower, "−0.456" faster.</summary>
    public static string Delta(int? ms) => ms is null ? "–" : (ms >= 0 ? "+" : "−") + (Math.Abs(ms.Value) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
