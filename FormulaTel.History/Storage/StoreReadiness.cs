using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FormulaTel.History.Storage;

/// <summary>Whether the database opened and migrated; the health check and the consumers wait on it.</summary>
public sealed class StoreReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Failure { get; private set; }

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public void Ready() => _ready.TrySetResult();

    public void Failed(string message) => Failure = message;
}

/// <summary>Unhealthy while the database cannot be used, with the reason; healthy once it answers.</summary>
internal sealed class StoreHealthCheck(StoreReadiness readiness, IHistoryStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (readiness.Failure is { } failure)
        {
            return HealthCheckResult.Unhealthy(failure);
        }

        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy($"opening the {store.Engine} history at {store.Location}");
        }

        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Engine} at {store.Location}");
        }
        catch (HistoryStoreException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
