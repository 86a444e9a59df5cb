namespace FormulaTel.History.Storage;

/// <summary>A stored session with its cars and results.</summary>
public sealed record SessionDetail(SessionSummary Session, IReadOnlyList<CarRow> Cars, IReadOnlyList<ResultRow> Results);
