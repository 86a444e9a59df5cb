namespace FormulaTel.History.Storage;

/// <summary>Which sessions a listing shows; empty fields match everything.</summary>
public sealed record SessionFilter(string? Track = null, string? Game = null, string? SessionType = null);
