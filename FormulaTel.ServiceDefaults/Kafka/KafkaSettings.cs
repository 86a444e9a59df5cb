namespace FormulaTel.ServiceDefaults.Kafka;

/// <summary>
/// Configuration section "Kafka" shared by every service that talks to Kafka; the brokers come from
/// ConnectionStrings:kafka (set by the AppHost in the full stack).
/// </summary>
public sealed class KafkaSettings
{
    public const string SectionName = "Kafka";
    public const string ConnectionName = "kafka";
    public const string DefaultTopic = "formulatel.telemetry.v1";

    /// <summary>host:port[,host:port…]; from ConnectionStrings:kafka.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The telemetry topic (docs/kafka.md).</summary>
    public string Topic { get; set; } = DefaultTopic;

    /// <summary>How often librdkafka reports statistics (turned into metrics); 0 turns them off.</summary>
    public int StatisticsIntervalMs { get; set; } = 5000;

    /// <summary>Extra librdkafka producer settings (e.g. "linger.ms"), applied last.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Extra librdkafka consumer settings, applied last.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];
}
