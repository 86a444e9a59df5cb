using Microsoft.Extensions.Options;

namespace FormulaTel.History.Storage;

/// <summary>Deletes sessions past the age limit, then the oldest while the history is over its size limit.</summary>
public sealed partial class HistoryRetention(IHistoryStore store, StoreReadiness readiness, IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
            do
            {
                try
                {
                    var deleted = await ApplyAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        LogDeleted(logger, deleted);
                    }
                }
                catch (HistoryStoreException e)
                {
                    LogFailed(logger, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass; returns how many sessions it deleted.</summary>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        var cutoff = time.GetUtcNow() - options.Value.MaxAge;
        var maxBytes = (long)(options.Value.MaxSizeMB * 1024 * 1024);
        while (true)
        {
            var oldest = await store.OldestSessionsAsync(1, cancellationToken);
            if (oldest.Count == 0)
            {
                return deleted;
            }

            var (id, lastSeen) = oldest[0];
            if (lastSeen >= cutoff && await store.SizeBytesAsync(cancellationToken) <= maxBytes)
            {
                return deleted;
            }

            await store.DeleteSessionAsync(id, cancellationToken);
            deleted++;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} stored sessions (age or size limit)")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention could not run: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
