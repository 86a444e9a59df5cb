using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using FormulaTel.ServiceDefaults.Kafka;
using FormulaTel.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Rpc.Tests;

/// <summary>The Kafka client integration rpc and web share (FormulaTel.ServiceDefaults/Kafka), on the real protocol.</summary>
public sealed class KafkaClientTests
{
    private static async Task<IHost> StartHost(TestKafka kafka, Dictionary<string, string?>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(kafka.Settings);
        builder.Configuration.AddInMemoryCollection(extra ?? []);
        Assert.True(builder.AddKafkaClients());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_registered()
    {
        var builder = Host.CreateApplicationBuilder();
        Assert.False(builder.AddKafkaClients());
        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(KafkaClientFactory));
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task Librdkafka_statistics_become_metrics(string target)
    {
        using var kafka = TestKafka.Start(target, 3);
        using var host = await StartHost(kafka, new() { ["Kafka:StatisticsIntervalMs"] = "100" });
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentDictionary<(string Instrument, string Type), long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == KafkaStatistics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var type = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "kafka.client.type")
                {
                    type = (string)tag.Value!;
                }
            }

            seen[(instrument.Name, type)] = value;
        });
        listener.Start();

        var clients = host.Services.GetRequiredService<KafkaClientFactory>();
        using var producer = clients.CreateProducer<string, string>(new ProducerConfig { ClientId = "stats-test" });
        for (var i = 0; i < 5; i++)
        {
            await producer.ProduceAsync(kafka.Topic, new Message<string, string> { Key = $"k{i}", Value = "v" });
        }

        await Eventually.Until(() =>
        {
            listener.RecordObservableInstruments();
            // One pass of the observable instruments may straddle a report being applied, so every
            // instrument asserted on is waited for, not just the last one observed.
            return seen.GetValueOrDefault(("formulatel.kafka.client.messages.sent", "producer")) >= 5
                && seen.GetValueOrDefault(("formulatel.kafka.client.brokers.up", "producer")) >= 1
                && seen.GetValueOrDefault(("formulatel.kafka.client.network.sent", "producer")) > 0
                && seen.GetValueOrDefault(("formulatel.kafka.client.requests.sent", "producer")) > 0;
        }, "producer statistics as metrics");
        Assert.True(host.Services.GetRequiredService<KafkaStatistics>().ReportsParsed > 0);
    }

    [Fact]
    public void Statistics_wait_in_a_bounded_channel_and_the_oldest_are_dropped_and_counted()
    {
        using var services = new ServiceCollection().AddMetrics().AddLogging().AddSingleton(TimeProvider.System)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new KafkaSettings())).AddSingleton<KafkaStatistics>()
            .BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        long dropped = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == "formulatel.kafka.statistics.dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();

        // Not started: nothing reads, as when parsing falls behind librdkafka's thread.
        var statistics = services.GetRequiredService<KafkaStatistics>();
        for (var i = 0; i < 100; i++)
        {
            statistics.Report("{}");
        }

        Assert.Equal(100 - 16, Interlocked.Read(ref dropped));
        statistics.Apply("not json"); // logged, not thrown
        Assert.Equal(0, statistics.ReportsParsed);
    }

    [Fact]
    public async Task The_health_check_follows_the_brokers()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, 3);
        using var host = await StartHost(kafka);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        async Task<HealthStatus> Status() => (await health.CheckHealthAsync()).Entries[KafkaSettings.ConnectionName].Status;

        Assert.Equal(HealthStatus.Healthy, await Status());
        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerDown(broker);
        }

        await Eventually.Until(async () => await Status() == HealthStatus.Unhealthy, "unhealthy with every broker down");
        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerUp(broker);
        }

        await Eventually.Until(async () => await Status() == HealthStatus.Healthy, "healthy again");
    }
}
