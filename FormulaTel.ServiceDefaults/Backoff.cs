namespace FormulaTel.ServiceDefaults;

/// <summary>Delays between reconnect attempts of the long-lived streams (ingest → rpc, rpc → web).</summary>
public static class Backoff
{
    /// <summary>100 ms doubling with each consecutive failure, capped at <paramref name="max"/>.</summary>
    public static TimeSpan Exponential(int failures, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, 100 * Math.Pow(2, Math.Clamp(failures - 1, 0, 16))));
}
