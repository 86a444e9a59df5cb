namespace FormulaTel.Ingest.Replay;

/// <summary>
/// When each recorded datagram is sent, as an offset from the start of the replay: its recorded offset from the
/// first datagram, less <c>--from</c>, divided by <c>--speed</c>; as fast as possible when there is no speed
/// ("max"). Datagrams are sent in the recording's order: one recorded earlier than the one before it (a capture
/// from several interfaces) goes at once, never before its predecessor.
/// </summary>
public sealed class ReplaySchedule(double? speed, TimeSpan from)
{
    private long? _firstTicks;
    private TimeSpan _last;

    /// <summary>The recorded offset of the last datagram scheduled (for progress).</summary>
    public TimeSpan RecordedOffset { get; private set; }

    /// <summary>
    /// Schedules a datagram recorded at <paramref name="recordedTicks"/> (UTC ticks); false when it lies before
    /// <c>--from</c> and is skipped.
    /// </summary>
    public bool TrySchedule(long recordedTicks, out TimeSpan due)
    {
        _firstTicks ??= recordedTicks;
        var offset = TimeSpan.FromTicks(recordedTicks - _firstTicks.Value);
        RecordedOffset = offset > RecordedOffset ? offset : RecordedOffset;
        if (offset < from)
        {
            due = default;
            return false;
        }

        due = speed is { } s ? (offset - from) / s : TimeSpan.Zero;
        if (due < _last)
        {
            due = _last;
        }

        _last = due;
        return true;
    }

    /// <summary>Parses --speed: "max", or a factor above 0 (1 is real time, 4 four times as fast).</summary>
    public static bool TryParseSpeed(string text, out double? speed)
    {
        speed = null;
        if (text.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (double.TryParse(text.TrimEnd('x', 'X'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
        {
            speed = value;
            return true;
        }

        return false;
    }

    /// <summary>Parses --from: seconds ("90", "90.5"), minutes:seconds ("12:30") or hours:minutes:seconds ("1:02:30").</summary>
    public static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = default;
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 3)
        {
            return false;
        }

        double total = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
                || value < 0 || (!last && value != Math.Floor(value)) || (i > 0 && value >= 60))
            {
                return false;
            }

            total = total * 60 + value;
        }

        offset = TimeSpan.FromSeconds(total);
        return true;
    }
}
