namespace FormulaTel.Testing;

/// <summary>
/// The names Prometheus 3 gives OTLP metrics with its default translation (UnderscoreEscapingWithSuffixes), written
/// here from the rules of github.com/prometheus/otlptranslator (normalizeName): split the name on characters
/// outside [a-zA-Z0-9:], add the unit's tokens unless present, "_total" for monotonic sums, "_ratio" for gauges of
/// unit "1". Used to prove the names our scrape endpoint shows are the names the full stack's Prometheus stores.
/// </summary>
public static class PrometheusOtlpNames
{
    public enum Kind
    {
        Gauge,
        MonotonicCounter,
        NonMonotonicCounter,
        Histogram,
    }

    private static readonly Dictionary<string, string> Units = new()
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams",
        ["Cel"] = "celsius", ["Hz"] = "hertz", ["1"] = "", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new()
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    public static string Name(string name, string? unit, Kind kind)
    {
        unit ??= "";
        var tokens = Split(name);
        var (main, per) = UnitSuffixes(unit);
        main = CleanUp(main);
        per = CleanUp(per);
        if (tokens.Contains(main))
        {
            main = "";
        }

        if (per == "per_")
        {
            per = "";
        }
        else
        {
            per = per.TrimEnd('_');
            if (tokens.Contains(per))
            {
                per = "";
            }
        }

        if (per != "")
        {
            main = main.TrimEnd('_');
        }

        if (main != "")
        {
            tokens.Add(main);
        }

        if (per != "")
        {
            tokens.Add(per);
        }

        if (kind == Kind.MonotonicCounter)
        {
            tokens.RemoveAll(t => t == "total");
            tokens.Add("total");
        }

        if (unit == "1" && kind == Kind.Gauge)
        {
            tokens.RemoveAll(t => t == "ratio");
            tokens.Add("ratio");
        }

        var result = string.Join('_', tokens);
        return result.Length > 0 && char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }

    private static List<string> Split(string text) =>
        [.. text.Split(c => !IsValid(c))];

    private static bool IsValid(char c) => char.IsAsciiLetterOrDigit(c) || c == ':';

    private static (string Main, string Per) UnitSuffixes(string unit)
    {
        var parts = unit.Split('/', 2);
        var main = "";
        var per = "";
        var mainUnit = parts[0].Trim();
        if (mainUnit != "" && mainUnit.IndexOfAny(['{', '}']) < 0)
        {
            main = Units.GetValueOrDefault(mainUnit, mainUnit);
        }

        if (parts.Length > 1 && parts[1] != "")
        {
            var perUnit = parts[1].Trim();
            if (perUnit != "" && perUnit.IndexOfAny(['{', '}']) < 0)
            {
                per = PerUnits.GetValueOrDefault(perUnit, perUnit);
            }

            if (per != "")
            {
                per = "per_" + per;
            }
        }

        return (main, per);
    }

    /// <summary>Invalid characters become '_', runs of '_' one, and a leading '_' goes.</summary>
    private static string CleanUp(string unit)
    {
        var mapped = new string([.. unit.Select(c => IsValid(c) ? c : '_')]);
        while (mapped.Contains("__", StringComparison.Ordinal))
        {
            mapped = mapped.Replace("__", "_", StringComparison.Ordinal);
        }

        return mapped.TrimStart('_');
    }

    private static string[] Split(this string text, Func<char, bool> separator)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (separator(c))
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }

        return [.. parts];
    }
}
