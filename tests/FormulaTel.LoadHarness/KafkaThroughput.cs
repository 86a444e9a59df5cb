using System.Diagnostics;
using Confluent.Kafka;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc;
using FormulaTel.Rpc.Publishing;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using FormulaTel.ServiceDefaults.Kafka;
using Microsoft.Extensions.Options;

/// <summary>
/// rpc → Kafka publish throughput (rpc's own KafkaPublisher, batches of 512 frames as ingest sends them, each batch
/// awaited until Kafka accepted it) and consume throughput, against librdkafka's mock cluster (3 brokers).
/// </summary>
internal static class KafkaThroughput
{
    public static async Task RunAsync(int frames)
    {
        const string topic = KafkaSettings.DefaultTopic;
        using var cluster = new MockKafkaCluster(brokers: 3);
        // The mock cluster keeps every message in memory and stalls past a few MiB per partition, so bigger runs
        // spread over more partitions (and more keys: four rigs of 22 cars).
        var partitions = Math.Max(6, frames / 8000);
        cluster.CreateTopic(topic, partitions, replicationFactor: 3);
        using var services = new ServiceCollection().AddMetrics().AddLogging().AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new KafkaSettings { BootstrapServers = cluster.BootstrapServers }))
            .AddSingleton<KafkaStatistics>().AddSingleton<KafkaClientFactory>().AddSingleton<RpcMetrics>().AddSingleton<KafkaPublisher>()
            .BuildServiceProvider();
        var publisher = services.GetRequiredService<KafkaPublisher>();

        // A realistic mix: 22 cars' telemetry frames as the simulator produces them (~170 bytes each).
        var batch = Enumerable.Range(0, 512).Select(i => FormulaTel.Rpc.Gateway.PublishedFrame.From(new TelemetryFrame
        {
            Envelope = new Envelope { Game = Game.F123, SourceId = $"192.168.1.{20 + i / 22 % 4}:51234", SessionUid = 7563322787381458285, CarIndex = (uint)(i % 22), FrameId = (uint)i, SessionTimeS = i / 60.0 },
            CarTelemetry = new CarTelemetry
            {
                SpeedKph = 250 + i % 50, Throttle = 1, Gear = 7, EngineRpm = 11800, RevLightsRatio = 0.8f,
                BrakeTemperatureC = new Wheels { RearLeft = 500, RearRight = 500, FrontLeft = 520, FrontRight = 520 },
                TyreSurfaceTemperatureC = new Wheels { RearLeft = 95, RearRight = 96, FrontLeft = 92, FrontRight = 93 },
                TyrePressurePsi = new Wheels { RearLeft = 21.5f, RearRight = 21.5f, FrontLeft = 23, FrontRight = 23 },
            },
        })).ToArray();
        Console.WriteLine($"Kafka publish: {frames:N0} frames in batches of {batch.Length}, {batch[0].Bytes.Length} bytes each, to the mock cluster (3 brokers, {partitions} partitions, acks=all, idempotent)");

        await publisher.PublishAsync(batch, CancellationToken.None); // warm-up: connections, metadata
        var published = 0;
        var clock = Stopwatch.StartNew();
        // Two batches in flight, as two ingest streams would have.
        while (published < frames)
        {
            await Task.WhenAll(publisher.PublishAsync(batch, CancellationToken.None).AsTask(), publisher.PublishAsync(batch, CancellationToken.None).AsTask());
            published += 2 * batch.Length;
        }

        var publishSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  published {published:N0} frames in {publishSeconds:0.00} s: {published / publishSeconds:N0} frames/s (target ≥ 100,000)");

        var total = published + batch.Length;
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "harness",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var consumed = 0;
        clock.Restart();
        while (consumed < total && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false } result)
            {
                TelemetryFrame.Parser.ParseFrom(result.Message.Value);
                consumed++;
            }
        }

        var consumeSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  consumed and parsed {consumed:N0} frames in {consumeSeconds:0.00} s: {consumed / consumeSeconds:N0} frames/s");
    }
}
