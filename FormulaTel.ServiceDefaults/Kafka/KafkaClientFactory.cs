using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FormulaTel.ServiceDefaults.Kafka;

/// <summary>
/// Builds producers and consumers the same way for every service: brokers from the connection string, the
/// service's defaults, then the "Kafka:Producer"/"Kafka:Consumer" overrides; librdkafka's logs go to ILogger and
/// its statistics to <see cref="KafkaStatistics"/>.
/// </summary>
public sealed partial class KafkaClientFactory(IOptions<KafkaSettings> options, KafkaStatistics statistics, ILoggerFactory loggers)
{
    private readonly ILogger _librdkafka = loggers.CreateLogger("Confluent.Kafka.librdkafka");

    public KafkaSettings Settings => options.Value;

    public IProducer<TKey, TValue> CreateProducer<TKey, TValue>(ProducerConfig config)
    {
        Configure(config, Settings.Producer);
        return new ProducerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => Log(message))
            .SetErrorHandler((_, error) => LogError(_librdkafka, error.Code.ToString(), error.Reason, error.IsFatal))
            .SetStatisticsHandler((_, json) => statistics.Report(json))
            .Build();
    }

    /// <param name="configure">More of the builder (e.g. a consumer group's rebalance handlers).</param>
    public IConsumer<TKey, TValue> CreateConsumer<TKey, TValue>(ConsumerConfig config, Action<ConsumerBuilder<TKey, TValue>>? configure = null)
    {
        Configure(config, Settings.Consumer);
        var builder = new ConsumerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => Log(message))
            .SetErrorHandler((_, error) => LogError(_librdkafka, error.Code.ToString(), error.Reason, error.IsFatal))
            .SetStatisticsHandler((_, json) => statistics.Report(json));
        configure?.Invoke(builder);
        return builder.Build();
    }

    public IAdminClient CreateAdminClient() => new AdminClientBuilder(new AdminClientConfig
    {
        BootstrapServers = Settings.BootstrapServers,
        SocketTimeoutMs = 5000,
    })
        .SetLogHandler((_, message) => Log(message))
        .Build();

    private void Configure(ClientConfig config, Dictionary<string, string> overrides)
    {
        config.BootstrapServers = Settings.BootstrapServers;
        if (Settings.StatisticsIntervalMs > 0)
        {
            config.StatisticsIntervalMs = Settings.StatisticsIntervalMs;
        }

        foreach (var (key, value) in overrides)
        {
            config.Set(key, value);
        }
    }

    private void Log(LogMessage message)
    {
        var level = (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        if (_librdkafka.IsEnabled(level))
        {
            LogLibrdkafka(_librdkafka, level, message.Name, message.Facility, message.Message);
        }
    }

    [LoggerMessage(Message = "{Client} {Facility}: {Text}")]
    private static partial void LogLibrdkafka(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka error {Code}: {Reason} (fatal: {Fatal})")]
    private static partial void LogError(ILogger logger, string code, string reason, bool fatal);
}
