namespace FormulaTel.History.Storage;

/// <summary>The database cannot be used: corrupt, locked, unreachable, or of a newer schema. The message says which and where.</summary>
public sealed class HistoryStoreException(string message, Exception? inner = null) : Exception(message, inner);
