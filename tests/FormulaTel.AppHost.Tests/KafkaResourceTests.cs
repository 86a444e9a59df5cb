using System.Text.Json;
using FormulaTel.AppHost.Kafka;
using FormulaTel.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FormulaTel.AppHost.Tests;

/// <summary>Our Kafka hosting integration, checked without a container runtime: the model and the published manifest.</summary>
public class KafkaResourceTests
{
    [Fact]
    public async Task The_full_stack_declares_kafka_with_a_pinned_image_two_listeners_and_a_UI()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FormulaTel_AppHost>(["FORMULATEL_STACK=full"]);
        var kafka = Assert.IsType<KafkaServerResource>(builder.Resources.Single(r => r.Name == "kafka"));
        var image = kafka.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("docker.io", "confluentinc/confluent-local", "8.0.0"), (image.Registry, image.Image, image.Tag));
        var endpoints = kafka.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name, e => e.TargetPort);
        Assert.Equal(9092, endpoints["tcp"]);
        Assert.Equal(9093, endpoints["internal"]);
        Assert.Contains(kafka.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "kafka_check");

        var ui = builder.Resources.Single(r => r.Name == "kafka-ui");
        Assert.Equal("kafbat/kafka-ui", ui.Annotations.OfType<ContainerImageAnnotation>().Single().Image);

        var rpc = builder.Resources.Single(r => r.Name == "rpc");
        Assert.Contains(rpc.Annotations.OfType<WaitAnnotation>(), w => w.Resource == kafka);
    }

    [Fact]
    public async Task The_embedded_stack_has_no_kafka()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FormulaTel_AppHost>(["FORMULATEL_STACK=embedded"]);
        Assert.DoesNotContain(builder.Resources, r => r is KafkaServerResource);
    }

    [Fact]
    public async Task The_manifest_carries_kafka_and_rpc_s_connection_string()
    {
        using var manifest = await AppHostProcess.ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var kafka = resources.GetProperty("kafka");
        Assert.Equal("docker.io/confluentinc/confluent-local:8.0.0", kafka.GetProperty("image").GetString());
        Assert.Equal("{kafka.bindings.tcp.host}:{kafka.bindings.tcp.port}", kafka.GetProperty("connectionString").GetString());
        Assert.Equal(9092, kafka.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());
        Assert.Equal(9093, kafka.GetProperty("bindings").GetProperty("internal").GetProperty("targetPort").GetInt32());
        Assert.Contains("PLAINTEXT_INTERNAL://kafka:{kafka.bindings.internal.targetPort}", kafka.GetProperty("env").GetProperty("KAFKA_ADVERTISED_LISTENERS").GetString());
        Assert.Equal("/var/lib/kafka/data", kafka.GetProperty("volumes")[0].GetProperty("target").GetString());
        Assert.Equal("{kafka.connectionString}", resources.GetProperty("rpc").GetProperty("env").GetProperty("ConnectionStrings__kafka").GetString());
        Assert.Equal("udp", resources.GetProperty("ingest").GetProperty("bindings").GetProperty("udp").GetProperty("protocol").GetString());
        Assert.False(resources.TryGetProperty("simulator", out _)); // publish mode runs no demo source
    }

    [Fact]
    public async Task The_health_check_asks_the_broker_for_metadata()
    {
        using var cluster = new MockKafkaCluster(brokers: 1);
        var healthy = await new KafkaHealthCheck(() => cluster.BootstrapServers).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, healthy.Status);

        var nobody = await new KafkaHealthCheck(() => $"127.0.0.1:{FreePort.Tcp()}").CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, nobody.Status);
    }
}
