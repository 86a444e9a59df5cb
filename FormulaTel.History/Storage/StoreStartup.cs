namespace FormulaTel.History.Storage;

/// <summary>Opens and migrates the database at start-up; a database that cannot be used is logged with the reason and fails the health check.</summary>
public sealed partial class StoreStartup(IHistoryStore store, StoreReadiness readiness, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.MigrateAsync(cancellationToken);
            LogReady(logger, store.Engine, store.Location, await store.SchemaVersionAsync(cancellationToken));
            readiness.Ready();
        }
        catch (HistoryStoreException e)
        {
            readiness.Failed(e.Message);
            LogFailed(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "History stored in {Engine} at {Location} (schema version {Version})")]
    private static partial void LogReady(ILogger logger, string engine, string location, int version);

    [LoggerMessage(Level = LogLevel.Critical, Message = "History cannot store anything: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
