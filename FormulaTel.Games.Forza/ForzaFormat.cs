namespace FormulaTel.Games.Forza;

/// <summary>
/// The Data Out formats, each named by its datagram's size in bytes: the size is the only format marker Forza sends.
/// </summary>
public enum ForzaFormat
{
    /// <summary>Sled only: Forza Motorsport 7 and Forza Motorsport (2023) when set to Sled. Says neither which game nor lap data.</summary>
    Sled = 232,
    /// <summary>Forza Motorsport 7, Dash: Sled + Dash.</summary>
    Fm7Dash = 311,
    /// <summary>Forza Horizon 4, 5 and 6: Sled + the Horizon block + Dash + one padding byte.</summary>
    Horizon = 324,
    /// <summary>Forza Motorsport (2023), Dash: the FM7 Dash format + tyre wear and the track.</summary>
    Fm2023Dash = 331,
}
