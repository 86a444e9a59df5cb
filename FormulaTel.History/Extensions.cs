using FormulaTel.ServiceDefaults;
using FormulaTel.History.Api;
using FormulaTel.History.Feed;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Protos.V1;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FormulaTel.History;

/// <summary>History's wiring, in one place.</summary>
public static class Extensions
{
    /// <summary>The connection string that switches history to PostgreSQL (the AppHost's database resource).</summary>
    public const string PostgresConnectionName = "historydb";

    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<HistoryOptions>(builder.Configuration.GetSection(HistoryOptions.Section));
        builder.Services.Configure<LapBuilderOptions>(builder.Configuration.GetSection(HistoryOptions.Section + ":Laps"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<HistoryMetrics>();
        builder.Services.AddOpenApi();

        // The store: PostgreSQL when a connection string names one (full stack, Kubernetes), a SQLite file otherwise.
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(PostgresConnectionName)))
        {
            builder.AddNpgsqlDataSource(PostgresConnectionName, settings => settings.DisableHealthChecks = true);
            builder.Services.AddSingleton<IHistoryStore>(sp => new PostgresHistoryStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            builder.Services.AddSingleton<IHistoryStore>(sp => new SqliteHistoryStore(sp.GetRequiredService<IOptions<HistoryOptions>>().Value.ResolvedDatabasePath));
        }

        builder.Services.AddSingleton<StoreReadiness>();
        builder.Services.AddHostedService<StoreStartup>();
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddSingleton<LapBuilder>();
        builder.Services.AddHostedService<HistoryRetention>();

        // Stopped in reverse order: the feed ends the laps in progress before the writer writes its last batch.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
        // The feed: the telemetry topic in history's own consumer group when a connection string names the brokers
        // (full stack), rpc's watch stream otherwise.
        if (builder.AddKafkaClients())
        {
            // The builder hands its laps to the writer through a sink that notes them, so only stored laps are committed.
            builder.Services.AddSingleton<LapNotingSink>();
            builder.Services.AddSingleton<IHistorySink>(sp => sp.GetRequiredService<LapNotingSink>());
            builder.Services.AddSingleton<KafkaLapFeed>();
            builder.Services.AddSingleton<IHistoryFeed>(sp => sp.GetRequiredService<KafkaLapFeed>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaLapFeed>());
        }
        else
        {
            builder.Services.AddSingleton<IHistorySink>(sp => sp.GetRequiredService<HistoryWriter>());
            var rpcAddress = builder.Configuration[$"{HistoryOptions.Section}:RpcAddress"] ?? new HistoryOptions().RpcAddress;
            builder.Services.AddStreamingGrpcClient<TelemetryGateway.TelemetryGatewayClient>(rpcAddress).WithRpcKey(builder.Configuration);
            builder.Services.AddSingleton<WatchConsumer>();
            builder.Services.AddSingleton<IHistoryFeed>(sp => sp.GetRequiredService<WatchConsumer>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WatchConsumer>());
        }

        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    public static WebApplication MapHistory(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapHistoryApi();
        app.MapGet("/stats", (HistoryMetrics metrics, HistoryWriter writer, IHistoryStore store, StoreReadiness readiness, IHistoryFeed feed) => Results.Ok(new
        {
            engine = store.Engine,
            location = store.Location,
            ready = readiness.IsReady,
            failure = readiness.Failure,
            feed = feed.Description,
            connected = feed.Connected,
            framesRead = metrics.FramesRead,
            lapsWritten = metrics.LapsWritten,
            pendingWrites = writer.Pending,
            writeFailures = metrics.WriteFailures,
            dropped = metrics.Dropped,
        })).ExcludeFromDescription();
        return app;
    }
}
