using FormulaTel.History.Storage;

namespace FormulaTel.History.Tests.Storage;

/// <summary>The store contract against a real PostgreSQL server (FORMULATEL_TEST_POSTGRES may name another).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHistoryStoreTests(PostgresFixture postgres) : HistoryStoreContract
{
    protected override async Task<IHistoryStore> NewStoreAsync()
    {
        var store = new PostgresHistoryStore(await postgres.NewDatabaseAsync());
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_refused_saying_where()
    {
        await using var nowhere = Npgsql.NpgsqlDataSource.Create($"Host=127.0.0.1;Port={FormulaTel.Testing.FreePort.Tcp()};Username=postgres;Database=history;Timeout=2");
        var e = await Assert.ThrowsAsync<HistoryStoreException>(() => new PostgresHistoryStore(nowhere).MigrateAsync(CancellationToken.None));
        Assert.Contains("postgresql://127.0.0.1:", e.Message, StringComparison.Ordinal);
    }
}
