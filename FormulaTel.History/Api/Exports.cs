using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using Parquet.Serialization;

namespace FormulaTel.History.Api;

/// <summary>Laps and traces as CSV (RFC 4180, invariant culture) and Parquet, with the same columns.</summary>
public static class Exports
{
    public static IReadOnlyList<TraceExportRow> TraceRows(LapTrace trace) => trace.Points.Select(p => new TraceExportRow
    {
        DistanceM = p.DistanceM, TimeMs = p.TimeMs, SpeedKph = p.SpeedKph, Throttle = p.Throttle, Brake = p.Brake, Steer = p.Steer, Gear = p.Gear, X = p.X, Z = p.Z,
    }).ToList();

    public static IReadOnlyList<LapExportRow> LapRows(IEnumerable<LapRow> laps) => laps.Select(l => new LapExportRow
    {
        LapId = l.Id, SessionId = l.SessionId, CarIndex = (int)l.CarIndex, Driver = l.Driver, Team = l.Team, LapNumber = (int)l.LapNumber,
        LapTimeMs = l.LapTimeMs, Sector1Ms = l.Sector1Ms, Sector2Ms = l.Sector2Ms, Sector3Ms = l.Sector3Ms, Valid = l.Valid, Status = l.Status,
        Position = (int)l.Position, TyreCompound = l.TyreCompound, TyreAgeLaps = (int)l.TyreAgeLaps, WearStart = l.WearStart,
        WearRearLeft = l.WearRearLeft, WearRearRight = l.WearRearRight, WearFrontLeft = l.WearFrontLeft, WearFrontRight = l.WearFrontRight,
        FuelStartKg = l.FuelStartKg, FuelEndKg = l.FuelEndKg, PitIn = l.PitIn, PitOut = l.PitOut, PersonalBest = l.PersonalBest, OverallBest = l.OverallBest,
    }).ToList();

    public static string Csv<T>(IEnumerable<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var csv = new StringBuilder();
        csv.AppendJoin(',', properties.Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.AppendJoin(',', properties.Select(p => Field(p.GetValue(row)))).Append("\r\n");
        }

        return csv.ToString();
    }

    public static async Task<byte[]> ParquetAsync<T>(IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : new()
    {
        using var stream = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, stream, cancellationToken: cancellationToken);
        return stream.ToArray();
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
