using FormulaTel.ServiceDefaults.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>FormulaTel's Kafka client integration (what Aspire.Confluent.Kafka would give, which is not served here).</summary>
public static class KafkaExtensions
{
    /// <summary>
    /// Registers <see cref="KafkaClientFactory"/>, the statistics-to-metrics reader and a "kafka" health check when
    /// ConnectionStrings:kafka names the brokers. Returns false (and registers nothing) when it does not.
    /// </summary>
    /// <param name="failureStatus">What the health check reports when Kafka does not answer.</param>
    public static bool AddKafkaClients(this IHostApplicationBuilder builder, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        var bootstrap = builder.Configuration.GetConnectionString(KafkaSettings.ConnectionName);
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            return false;
        }

        builder.Services.AddOptions<KafkaSettings>()
            .Bind(builder.Configuration.GetSection(KafkaSettings.SectionName))
            .Configure(s => s.BootstrapServers = bootstrap);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<KafkaStatistics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaStatistics>());
        builder.Services.TryAddSingleton<KafkaClientFactory>();
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>(KafkaSettings.ConnectionName, failureStatus);
        return true;
    }
}
