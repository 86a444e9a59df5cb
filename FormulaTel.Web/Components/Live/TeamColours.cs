namespace FormulaTel.Web.Components.Live;

/// <summary>Team colours for the timing tower and the map; a stable colour from the name for teams not listed.</summary>
public static class TeamColours
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Mercedes"] = "#27f4d2",
        ["Red Bull Racing"] = "#3671c6",
        ["Red Bull"] = "#3671c6",
        ["Ferrari"] = "#e8002d",
        ["McLaren"] = "#ff8000",
        ["Aston Martin"] = "#229971",
        ["Alpine"] = "#0093cc",
        ["Williams"] = "#64c4ff",
        ["AlphaTauri"] = "#5e8faa",
        ["RB"] = "#6692ff",
        ["VCARB"] = "#6692ff",
        ["Alfa Romeo"] = "#c92d4b",
        ["Sauber"] = "#52e252",
        ["Stake"] = "#52e252",
        ["Haas"] = "#b6babd",
    };

    public static string For(string? team)
    {
        if (string.IsNullOrWhiteSpace(team))
        {
            return "#5d6b7d";
        }

        if (Known.TryGetValue(team, out var colour))
        {
            return colour;
        }

        var hue = (uint)team.Aggregate(17, (h, c) => h * 31 + c) % 360;
        return $"hsl({hue}, 70%, 55%)";
    }
}
