using FormulaTel.History.Storage;
using FormulaTel.Testing;
using Microsoft.Data.Sqlite;

namespace FormulaTel.History.Tests.Storage;

/// <summary>The store contract against SQLite (a file per test), and what only a file can go wrong with.</summary>
public sealed class SqliteHistoryStoreTests : HistoryStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    protected override async Task<IHistoryStore> NewStoreAsync()
    {
        var store = new SqliteHistoryStore(_directory.File($"history-{Guid.NewGuid():N}.db"));
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_with_its_path()
    {
        var path = _directory.File("corrupt.db");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray());
        var e = await Assert.ThrowsAsync<HistoryStoreException>(() => new SqliteHistoryStore(path).MigrateAsync(CancellationToken.None));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database or is corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_locked_by_another_program_is_refused_saying_so()
    {
        var path = _directory.File("locked.db");
        await new SqliteHistoryStore(path).MigrateAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
        await using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        await other.OpenAsync();
        await using (var command = other.CreateCommand())
        {
            command.CommandText = "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;";
            await command.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<HistoryStoreException>(() => new SqliteHistoryStore(path, busyTimeout: TimeSpan.FromSeconds(1)).MigrateAsync(CancellationToken.None));
        Assert.Contains("locked", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
