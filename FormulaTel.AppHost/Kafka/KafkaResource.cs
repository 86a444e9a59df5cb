using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FormulaTel.AppHost.Kafka;

/// <summary>A single-node Kafka broker (KRaft) in a container; its connection string is host:port.</summary>
public sealed class KafkaServerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string InternalEndpointName = "internal";
    public const int PrimaryTargetPort = 9092;
    public const int InternalTargetPort = 9093;

    private EndpointReference? _primary;
    private EndpointReference? _internal;

    /// <summary>For the host: projects and tools on this machine.</summary>
    public EndpointReference PrimaryEndpoint => _primary ??= new(this, PrimaryEndpointName);

    /// <summary>For other containers on the container network.</summary>
    public EndpointReference InternalEndpoint => _internal ??= new(this, InternalEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}

/// <summary>The Kafka UI container, pointed at a <see cref="KafkaServerResource"/>.</summary>
public sealed class KafkaUiResource(string name) : ContainerResource(name);

/// <summary>
/// FormulaTel's own Kafka hosting integration (Aspire.Hosting.Kafka is not served here), shaped like it: pinned
/// images, a host listener and an internal one for other containers, a data volume and a UI on request, a health check.
/// </summary>
public static class KafkaResourceExtensions
{
    // Pinned to a pair Aspire's own Kafka integration shipped with (so known to exist and to work together); these
    // cannot be pulled on the machine this was written on.
    public const string Image = "confluentinc/confluent-local";
    public const string Tag = "8.0.0";
    public const string UiImage = "kafbat/kafka-ui";
    public const string UiTag = "v1.3.0";

    public static IResourceBuilder<KafkaServerResource> AddKafka(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var kafka = new KafkaServerResource(name);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(kafka, async (_, cancellationToken) =>
        {
            connectionString = await kafka.ConnectionStringExpression.GetValueAsync(cancellationToken);
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck,
            _ => new KafkaHealthCheck(() => connectionString ?? throw new InvalidOperationException($"{name}'s connection string is not available yet")),
            failureStatus: null,
            tags: null));

        return builder.AddResource(kafka)
            .WithEndpoint(targetPort: KafkaServerResource.PrimaryTargetPort, port: port, name: KafkaServerResource.PrimaryEndpointName)
            .WithEndpoint(targetPort: KafkaServerResource.InternalTargetPort, name: KafkaServerResource.InternalEndpointName)
            .WithImage(Image, Tag)
            .WithImageRegistry("docker.io")
            .WithEnvironment(context => ConfigureListeners(context, kafka))
            .WithHealthCheck(healthCheck);
    }

    /// <summary>Keeps the broker's data in a named volume across restarts.</summary>
    public static IResourceBuilder<KafkaServerResource> WithDataVolume(this IResourceBuilder<KafkaServerResource> builder, string? name = null) =>
        builder
            .WithVolume(name ?? $"formulatel-{builder.Resource.Name}-data", "/var/lib/kafka/data")
            .WithEnvironment("KAFKA_LOG_DIRS", "/var/lib/kafka/data");

    /// <summary>Adds a Kafka UI container that browses the broker over its internal listener.</summary>
    public static IResourceBuilder<KafkaServerResource> WithKafkaUI(this IResourceBuilder<KafkaServerResource> builder, int? port = null)
    {
        var kafka = builder.Resource;
        builder.ApplicationBuilder.AddResource(new KafkaUiResource($"{kafka.Name}-ui"))
            .WithImage(UiImage, UiTag)
            .WithImageRegistry("docker.io")
            .WithHttpEndpoint(targetPort: 8080, port: port, name: "http")
            .WithEnvironment("KAFKA_CLUSTERS_0_NAME", kafka.Name)
            .WithEnvironment(context => context.EnvironmentVariables["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] =
                ReferenceExpression.Create($"{kafka.Name}:{kafka.InternalEndpoint.Property(EndpointProperty.TargetPort)}"))
            .WaitFor(builder)
            .ExcludeFromManifest();
        return builder;
    }

    private static void ConfigureListeners(EnvironmentCallbackContext context, KafkaServerResource kafka)
    {
        // Three listeners: the host's (advertised as the host port clients reach), other containers' (advertised as
        // the resource name) and the KRaft controller's; the broker is its own controller.
        context.EnvironmentVariables["KAFKA_LISTENERS"] = "PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092,PLAINTEXT_INTERNAL://0.0.0.0:9093";
        context.EnvironmentVariables["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT,PLAINTEXT_INTERNAL:PLAINTEXT";
        context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = ReferenceExpression.Create(
            $"PLAINTEXT://localhost:29092,PLAINTEXT_HOST://{kafka.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},PLAINTEXT_INTERNAL://{kafka.Name}:{kafka.InternalEndpoint.Property(EndpointProperty.TargetPort)}");
    }
}

/// <summary>Healthy when the broker answers a metadata request.</summary>
public sealed class KafkaHealthCheck(Func<string> bootstrapServers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers(), SocketTimeoutMs = 5000 }).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
            return Task.FromResult(metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : HealthCheckResult.Unhealthy("no brokers in the metadata"));
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message, e));
        }
    }
}
