namespace FormulaTel.Insights;

/// <summary>A predicted lap with how sure it is: <see cref="Lap"/>, likely between <see cref="Earliest"/> and <see cref="Latest"/>.</summary>
public sealed record LapEstimate(int Lap, int Earliest, int Latest, string Why);
