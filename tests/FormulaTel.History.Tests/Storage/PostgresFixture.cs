using FormulaTel.Testing;
using Npgsql;

namespace FormulaTel.History.Tests.Storage;

/// <summary>One real PostgreSQL server for the test run; each test gets a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private readonly List<NpgsqlDataSource> _sources = [];

    public PostgresServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    /// <summary>A new empty database on the server, as a data source.</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync()
    {
        var name = Server.NextDatabaseName("history");
        await using (var admin = NpgsqlDataSource.Create(Server.ConnectionString))
        await using (var command = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString);
        _sources.Add(source);
        return source;
    }

    public async Task DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
