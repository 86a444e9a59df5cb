using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Live;

/// <summary>
/// What a game does not send, so the live view says "not sent by this game" there instead of showing zeros. The
/// names are the hub contract's (<see cref="SessionSummary.NotSent"/>, docs/live-hub.md).
/// </summary>
public static class GameFeatures
{
    public const string Drs = "drs";
    public const string Ers = "ers";
    public const string FuelMass = "fuel_mass";
    public const string Weather = "weather";
    public const string TyreCompound = "tyre_compound";
    public const string TyreInnerTemperature = "tyre_inner_temperature";
    public const string TyrePressure = "tyre_pressure";
    public const string TyreWear = "tyre_wear";
    public const string BrakeTemperature = "brake_temperature";
    public const string RevLights = "rev_lights";
    public const string Sectors = "sectors";
    public const string Gaps = "gaps";
    public const string OtherCars = "other_cars";
    public const string Laps = "laps";

    private static readonly string[] Forza =
        [Drs, Ers, FuelMass, Weather, TyreCompound, TyreInnerTemperature, TyrePressure, BrakeTemperature, RevLights, Sectors, Gaps, OtherCars];

    private static readonly string[] ForzaWithoutWear = [.. Forza, TyreWear];

    private static readonly string[] ForzaSled = [.. ForzaWithoutWear, Laps];

    /// <summary>What the game leaves out; empty for the F1 games, which send everything the live view shows.</summary>
    public static IReadOnlyList<string> NotSent(Game game) => game switch
    {
        Game.ForzaMotorsport2023 => Forza,
        Game.ForzaMotorsport7 or Game.ForzaHorizon => ForzaWithoutWear,
        Game.ForzaMotorsport => ForzaSled,
        _ => [],
    };
}
