using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FormulaTel.History.Storage;

/// <summary>The embedded engine: one SQLite file in the data directory, no server.</summary>
public sealed class SqliteHistoryStore : SqlHistoryStore
{
    private readonly string _connectionString;

    public SqliteHistoryStore(string path, TimeSpan? busyTimeout = null) : base(SqlDialect.Sqlite)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = true,
            DefaultTimeout = (int)(busyTimeout ?? TimeSpan.FromSeconds(10)).TotalSeconds,
        }.ToString();
    }

    public string Path { get; }

    private string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public override string Engine => "sqlite";

    public override string Location => Path;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Once, before the file is first opened (not on every connection).
        System.IO.Directory.CreateDirectory(Directory);
        return base.MigrateAsync(cancellationToken);
    }

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Readers (the API) do not wait for the writer, and a lap costs one fsync per batch, not per statement.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL", cancellationToken);
        // A file that opens but is damaged shows it here rather than at the first lap.
        await using var check = Command(connection, null, "PRAGMA quick_check");
        if (await check.ExecuteScalarAsync(cancellationToken) is string result && result != "ok")
        {
            throw new HistoryStoreException($"The history database {Path} is damaged ({result}). Move it aside to start an empty history; FormulaTel will not write into it.");
        }
    }

    public override async Task<long> SizeBytesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT (p.page_count - f.freelist_count) * s.page_size FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    protected override HistoryStoreException Explain(Exception e, string doing) => e switch
    {
        SqliteException { SqliteErrorCode: 26 or 11 } => new($"The history database {Path} is not a SQLite database or is corrupt ({e.Message}). Move it aside to start an empty history; FormulaTel will not write into it.", e),
        SqliteException { SqliteErrorCode: 5 or 6 } => new($"The history database {Path} is locked by another program ({e.Message}); is a second history service using the same file?", e),
        SqliteException { SqliteErrorCode: 8 or 14 or 23 } => new($"The history database {Path} cannot be opened for writing ({e.Message}): check the directory's permissions and free space.", e),
        _ => new($"The history database {Path} failed while {doing}: {e.Message}", e),
    };
}
