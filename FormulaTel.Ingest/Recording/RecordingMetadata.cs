using System.Globalization;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// What a recording holds, written as comments of its pcapng section header ("game: F1 25", one per line;
/// Wireshark shows them under Statistics → Capture File Properties, capinfos prints them), so that listing
/// recordings needs no decoding.
/// </summary>
public sealed record RecordingMetadata
{
    public const string Marker = "FormulaTel recording";

    public string? Game { get; init; }
    public int? Format { get; init; }
    public ulong? SessionUid { get; init; }
    public string? Track { get; init; }
    public string? SessionType { get; init; }
    /// <summary>The sender's address:port; null when the file holds several sources.</summary>
    public string? Source { get; init; }
    public DateTimeOffset Started { get; init; }

    public IEnumerable<string> ToComments()
    {
        yield return Marker;
        if (Game is not null)
        {
            yield return $"game: {Game}";
        }

        if (Format is { } format)
        {
            yield return $"format: {format.ToString(CultureInfo.InvariantCulture)}";
        }

        if (SessionUid is { } uid)
        {
            yield return $"session_uid: {uid.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Track is not null)
        {
            yield return $"track: {Track}";
        }

        if (SessionType is not null)
        {
            yield return $"session_type: {SessionType}";
        }

        if (Source is not null)
        {
            yield return $"source: {Source}";
        }

        yield return $"started: {Started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Reads the comments back; null when they are not a FormulaTel recording's.</summary>
    public static RecordingMetadata? FromComments(IEnumerable<string> comments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var marked = false;
        foreach (var comment in comments)
        {
            if (comment == Marker)
            {
                marked = true;
                continue;
            }

            var colon = comment.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                values[comment[..colon]] = comment[(colon + 2)..];
            }
        }

        if (!marked)
        {
            return null;
        }

        return new RecordingMetadata
        {
            Game = values.GetValueOrDefault("game"),
            Format = values.TryGetValue("format", out var f) && int.TryParse(f, CultureInfo.InvariantCulture, out var format) ? format : null,
            SessionUid = values.TryGetValue("session_uid", out var s) && ulong.TryParse(s, CultureInfo.InvariantCulture, out var uid) ? uid : null,
            Track = values.GetValueOrDefault("track"),
            SessionType = values.GetValueOrDefault("session_type"),
            Source = values.GetValueOrDefault("source"),
            Started = values.TryGetValue("started", out var t) && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started) ? started : default,
        };
    }
}
