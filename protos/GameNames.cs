namespace FormulaTel.Protos.V1;

/// <summary>Games as people name them, for pages, stored sessions and exports: one place for every service.</summary>
public static class GameNames
{
    public static string DisplayName(this Game game) => game switch
    {
        Game.F123 => "F1 23",
        Game.F124 => "F1 24",
        Game.F125 => "F1 25",
        Game.ForzaMotorsport => "Forza Motorsport",
        Game.ForzaMotorsport7 => "Forza Motorsport 7",
        Game.ForzaMotorsport2023 => "Forza Motorsport (2023)",
        Game.ForzaHorizon => "Forza Horizon",
        _ => "unknown",
    };
}
