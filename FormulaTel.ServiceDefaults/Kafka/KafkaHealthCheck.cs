using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FormulaTel.ServiceDefaults.Kafka;

/// <summary>Healthy when a broker answers a metadata request for the telemetry topic within a few seconds.</summary>
public sealed class KafkaHealthCheck(KafkaClientFactory clients) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly Lazy<IAdminClient> _admin = new(clients.CreateAdminClient);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks; keep it off the request thread.
            var metadata = await Task.Run(() => _admin.Value.GetMetadata(clients.Settings.Topic, Timeout), cancellationToken);
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == clients.Settings.Topic);
            return metadata.Brokers.Count == 0
                ? new HealthCheckResult(context.Registration.FailureStatus, "no Kafka broker answered")
                : topic is null || topic.Error.IsError
                    ? new HealthCheckResult(context.Registration.FailureStatus, $"{metadata.Brokers.Count} broker(s); topic {clients.Settings.Topic}: {topic?.Error.Reason ?? "missing"}")
                    : HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s); {clients.Settings.Topic} has {topic.Partitions.Count} partitions");
        }
        catch (KafkaException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Kafka at {clients.Settings.BootstrapServers}: {e.Error.Reason}", e);
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
