using System.Text.Json.Serialization;

namespace FormulaTel.History.Api;

/// <summary>One lap as exported (CSV and Parquet share these columns).</summary>
public sealed class LapExportRow
{
    [JsonPropertyName("lap_id")] public long LapId { get; set; }
    [JsonPropertyName("session_id")] public long SessionId { get; set; }
    [JsonPropertyName("car_index")] public int CarIndex { get; set; }
    [JsonPropertyName("driver")] public string Driver { get; set; } = "";
    [JsonPropertyName("team")] public string Team { get; set; } = "";
    [JsonPropertyName("lap")] public int LapNumber { get; set; }
    [JsonPropertyName("lap_time_ms")] public long LapTimeMs { get; set; }
    [JsonPropertyName("sector1_ms")] public long Sector1Ms { get; set; }
    [JsonPropertyName("sector2_ms")] public long Sector2Ms { get; set; }
    [JsonPropertyName("sector3_ms")] public long Sector3Ms { get; set; }
    [JsonPropertyName("valid")] public bool Valid { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("position")] public int Position { get; set; }
    [JsonPropertyName("tyre_compound")] public string TyreCompound { get; set; } = "";
    [JsonPropertyName("tyre_age_laps")] public int TyreAgeLaps { get; set; }
    [JsonPropertyName("wear_start")] public float WearStart { get; set; }
    [JsonPropertyName("wear_rl")] public float WearRearLeft { get; set; }
    [JsonPropertyName("wear_rr")] public float WearRearRight { get; set; }
    [JsonPropertyName("wear_fl")] public float WearFrontLeft { get; set; }
    [JsonPropertyName("wear_fr")] public float WearFrontRight { get; set; }
    [JsonPropertyName("fuel_start_kg")] public float FuelStartKg { get; set; }
    [JsonPropertyName("fuel_end_kg")] public float FuelEndKg { get; set; }
    [JsonPropertyName("pit_in")] public bool PitIn { get; set; }
    [JsonPropertyName("pit_out")] public bool PitOut { get; set; }
    [JsonPropertyName("personal_best")] public bool PersonalBest { get; set; }
    [JsonPropertyName("overall_best")] public bool OverallBest { get; set; }
}
