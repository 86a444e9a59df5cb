using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FormulaTel.Testing;

/// <summary>
/// A Kafka for one test: librdkafka's mock cluster always; a real Kafka as well when FORMULATEL_TEST_KAFKA names
/// its bootstrap servers (each test then gets a topic of its own, deleted afterwards). Tests that need fault
/// injection (brokers down, leader moves) use <see cref="MockKafkaCluster"/> directly.
/// </summary>
public sealed class TestKafka : IDisposable
{
    public const string Mock = "mock";
    public const string Real = "real";
    public const string RealBootstrapVariable = "FORMULATEL_TEST_KAFKA";

    private readonly MockKafkaCluster? _mock;

    private TestKafka(string bootstrapServers, string topic, MockKafkaCluster? mock)
    {
        BootstrapServers = bootstrapServers;
        Topic = topic;
        _mock = mock;
    }

    public string BootstrapServers { get; }

    public string Topic { get; }

    /// <summary>Which Kafkas the tests run against: "mock", and "real" when FORMULATEL_TEST_KAFKA is set.</summary>
    public static IEnumerable<object[]> Targets
    {
        get
        {
            yield return [Mock];
            if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RealBootstrapVariable)))
            {
                yield return [Real];
            }
        }
    }

    /// <summary>The mock cluster, for fault injection.</summary>
    public MockKafkaCluster MockCluster => _mock ?? throw new InvalidOperationException("fault injection needs the mock cluster");

    /// <summary>Settings that point rpc or web at this Kafka and its topic.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["ConnectionStrings:kafka"] = BootstrapServers,
        ["Kafka:Topic"] = Topic,
    };

    public static TestKafka Start(string target, int partitions)
    {
        if (target == Mock)
        {
            var mock = new MockKafkaCluster(brokers: 3);
            const string topic = "formulatel.telemetry.v1";
            mock.CreateTopic(topic, partitions, replicationFactor: 3);
            return new TestKafka(mock.BootstrapServers, topic, mock);
        }

        var bootstrap = Environment.GetEnvironmentVariable(RealBootstrapVariable)
            ?? throw new InvalidOperationException($"{RealBootstrapVariable} is not set");
        var name = $"formulatel.telemetry.v1.test-{Guid.NewGuid():N}";
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 }])
            .WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        return new TestKafka(bootstrap, name, null);
    }

    /// <summary>
    /// Reads every message on the topic from the start (assigns every partition; no group join): at least
    /// <paramref name="expected"/>, and on to the end of every partition, so none are left unread.
    /// </summary>
    public List<ConsumeResult<string, byte[]>> ReadAll(int expected, int partitions)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "tests",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var messages = new List<ConsumeResult<string, byte[]>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while ((messages.Count < expected || atEnd.Count < partitions) && DateTime.UtcNow < deadline)
        {
            switch (consumer.Consume(TimeSpan.FromMilliseconds(200)))
            {
                case { IsPartitionEOF: true } eof:
                    atEnd.Add(eof.Partition.Value);
                    break;
                case { } result:
                    atEnd.Remove(result.Partition.Value);
                    messages.Add(result);
                    break;
            }
        }

        return messages;
    }

    public void Dispose()
    {
        if (_mock is not null)
        {
            _mock.Dispose();
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        try
        {
            admin.DeleteTopicsAsync([Topic]).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DeleteTopicsException or TimeoutException)
        {
            // A leftover test topic is untidy, not a failure.
        }
    }
}
