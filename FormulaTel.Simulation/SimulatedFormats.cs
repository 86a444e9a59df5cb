using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;

namespace FormulaTel.Simulation;

/// <summary>The formats `simulate --format` takes: the F1 years and Forza's Data Out formats by game.</summary>
public static class SimulatedFormats
{
    private static readonly Dictionary<string, ForzaFormat> ForzaByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fm2023"] = ForzaFormat.Fm2023Dash,
        ["fm7-dash"] = ForzaFormat.Fm7Dash,
        ["fm7-sled"] = ForzaFormat.Sled,
        ["fh4"] = ForzaFormat.Horizon,
        ["fh5"] = ForzaFormat.Horizon,
    };

    public static IEnumerable<string> Names => F1Decoder.Formats.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(ForzaByName.Keys);

    /// <summary>The F1 packet format a name gives, or null when it names a Forza format.</summary>
    public static ushort? F1(string name) => ushort.TryParse(name, out var format) && Array.IndexOf(F1Decoder.Formats, format) >= 0 ? format : null;

    /// <summary>The Forza format a name gives, or null when it names an F1 year.</summary>
    public static ForzaFormat? Forza(string name) => ForzaByName.TryGetValue(name, out var format) ? format : null;
}
