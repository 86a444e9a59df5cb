using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace FormulaTel.History.Storage;

/// <summary>The server engine (full stack, Kubernetes): PostgreSQL through the data source Aspire.Npgsql registers.</summary>
public sealed class PostgresHistoryStore(NpgsqlDataSource dataSource) : SqlHistoryStore(SqlDialect.Postgres)
{
    public override string Engine => "postgresql";

    public override string Location
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<long> SizeBytesAsync(CancellationToken cancellationToken)
    {
        // The rows' own size: the tables' files keep freed space until a vacuum, which would make retention overshoot.
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT (SELECT COALESCE(SUM(pg_column_size(t.*)), 0) FROM laps t) + (SELECT COALESCE(SUM(pg_column_size(t.*)), 0) FROM sessions t)
                 + (SELECT COALESCE(SUM(pg_column_size(t.*)), 0) FROM cars t) + (SELECT COALESCE(SUM(pg_column_size(t.*)), 0) FROM results t)
            """);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    protected override HistoryStoreException Explain(Exception e, string doing) =>
        new($"The history database {Location} failed while {doing}: {e.Message}", e);
}
