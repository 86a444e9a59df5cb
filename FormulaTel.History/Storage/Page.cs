namespace FormulaTel.History.Storage;

/// <summary>One page of a listing and how many there are in all.</summary>
public sealed record Page<T>(long Total, int PageNumber, int PageSize, IReadOnlyList<T> Items);
