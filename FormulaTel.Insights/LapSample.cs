namespace FormulaTel.Insights;

/// <summary>What a car looked like as it finished a lap: the estimators' only input.</summary>
/// <param name="Lap">The lap just finished (1 = the first).</param>
/// <param name="TyreWear">Per wheel, 0..1, in the spec's order: rear-left, rear-right, front-left, front-right.</param>
/// <param name="TyreAgeLaps">Laps on this set; it going back to 0 or 1 (or the wear falling) starts a new stint.</param>
/// <param name="FuelKg">Fuel in the tank as the lap ended.</param>
/// <param name="Kind">A lap that says less about the car's pace of wear and use: in the pits, behind the safety car.</param>
public sealed record LapSample(int Lap, IReadOnlyList<double> TyreWear, int TyreAgeLaps, double FuelKg, LapKind Kind = LapKind.Racing);

/// <summary>How a lap was driven, for how much it counts in the estimates.</summary>
public enum LapKind
{
    Racing,

    /// <summary>Under the safety car or the virtual safety car: tyres and fuel used far less than racing.</summary>
    SafetyCar,

    /// <summary>The car went through the pit lane on this lap.</summary>
    Pit,
}
