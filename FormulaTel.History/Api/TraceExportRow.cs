using System.Text.Json.Serialization;

namespace FormulaTel.History.Api;

/// <summary>One point of a lap's trace as exported (CSV and Parquet share these columns).</summary>
public sealed class TraceExportRow
{
    [JsonPropertyName("distance_m")] public float DistanceM { get; set; }
    [JsonPropertyName("time_ms")] public long TimeMs { get; set; }
    [JsonPropertyName("speed_kph")] public float SpeedKph { get; set; }
    [JsonPropertyName("throttle")] public float Throttle { get; set; }
    [JsonPropertyName("brake")] public float Brake { get; set; }
    [JsonPropertyName("steer")] public float Steer { get; set; }
    [JsonPropertyName("gear")] public int Gear { get; set; }
    [JsonPropertyName("x_m")] public float X { get; set; }
    [JsonPropertyName("z_m")] public float Z { get; set; }
}
