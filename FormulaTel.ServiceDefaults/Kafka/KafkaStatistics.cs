using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FormulaTel.ServiceDefaults.Kafka;

/// <summary>
/// librdkafka's statistics (JSON, every Kafka:StatisticsIntervalMs) as OpenTelemetry metrics on the meter
/// "FormulaTel.Kafka". The handler runs on librdkafka's poll thread — in a consumer, inside Consume — so it only
/// hands the text to a small bounded channel; parsing happens here, on a background task. When the channel is
/// full the oldest report goes (a newer one supersedes it) and is counted.
/// </summary>
public sealed partial class KafkaStatistics : BackgroundService
{
    public const string MeterName = "FormulaTel.Kafka";
    private const int Capacity = 16;

    private readonly Channel<string> _reports;
    private readonly ConcurrentDictionary<string, ClientSnapshot> _clients = new();
    private readonly Counter<long> _reportsDropped;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaStatistics> _logger;
    private readonly TimeSpan _staleAfter;
    private long _reportsParsed;

    public KafkaStatistics(IMeterFactory meters, TimeProvider time, IOptions<KafkaSettings> settings, ILogger<KafkaStatistics> logger)
    {
        _time = time;
        _staleAfter = TimeSpan.FromMilliseconds(3 * Math.Max(settings.Value.StatisticsIntervalMs, 1000));
        _logger = logger;
        _reports = Channel.CreateBounded<string>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => _reportsDropped!.Add(1));
        var meter = meters.Create(MeterName);
        _reportsDropped = meter.CreateCounter<long>("formulatel.kafka.statistics.dropped", "{report}", "librdkafka statistics reports dropped because the channel was full");
        meter.CreateObservableGauge("formulatel.kafka.client.queue.messages", () => Observe(c => c.QueuedMessages), "{message}", "Messages waiting in the client's queues (producer: not yet delivered; consumer: fetched, not yet consumed)");
        meter.CreateObservableGauge("formulatel.kafka.client.queue.size", () => Observe(c => c.QueuedBytes), "By", "Bytes of the messages waiting in the client's queues");
        meter.CreateObservableCounter("formulatel.kafka.client.requests.sent", () => Observe(c => c.RequestsSent), "{request}", "Requests sent to brokers");
        meter.CreateObservableCounter("formulatel.kafka.client.requests.received", () => Observe(c => c.ResponsesReceived), "{response}", "Responses received from brokers");
        meter.CreateObservableCounter("formulatel.kafka.client.network.sent", () => Observe(c => c.BytesSent), "By", "Bytes sent to brokers");
        meter.CreateObservableCounter("formulatel.kafka.client.network.received", () => Observe(c => c.BytesReceived), "By", "Bytes received from brokers");
        meter.CreateObservableCounter("formulatel.kafka.client.messages.sent", () => Observe(c => c.MessagesSent), "{message}", "Messages sent (producer)");
        meter.CreateObservableCounter("formulatel.kafka.client.messages.received", () => Observe(c => c.MessagesReceived), "{message}", "Messages received (consumer)");
        meter.CreateObservableGauge("formulatel.kafka.client.brokers.up", () => Observe(c => c.BrokersUp), "{broker}", "Brokers the client is connected to");
    }

    /// <summary>Statistics reports parsed so far.</summary>
    public long ReportsParsed => Interlocked.Read(ref _reportsParsed);

    /// <summary>Called on librdkafka's thread: never blocks.</summary>
    public void Report(string json) => _reports.Writer.TryWrite(json);

    /// <summary>Parses one report into the client's latest snapshot.</summary>
    public void Apply(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var name = root.GetProperty("name").GetString() ?? "";
            var brokersUp = 0L;
            if (root.TryGetProperty("brokers", out var brokers))
            {
                foreach (var broker in brokers.EnumerateObject())
                {
                    // The bootstrap placeholders (nodeid -1) are not brokers.
                    if (broker.Value.GetProperty("nodeid").GetInt32() >= 0 && broker.Value.GetProperty("state").GetString() == "UP")
                    {
                        brokersUp++;
                    }
                }
            }

            _clients[name] = new ClientSnapshot(
                name,
                root.GetProperty("client_id").GetString() ?? "",
                root.GetProperty("type").GetString() ?? "",
                _time.GetUtcNow(),
                root.GetProperty("msg_cnt").GetInt64() + (root.TryGetProperty("replyq", out var replyq) ? replyq.GetInt64() : 0),
                root.GetProperty("msg_size").GetInt64(),
                root.GetProperty("tx").GetInt64(),
                root.GetProperty("rx").GetInt64(),
                root.GetProperty("tx_bytes").GetInt64(),
                root.GetProperty("rx_bytes").GetInt64(),
                root.GetProperty("txmsgs").GetInt64(),
                root.GetProperty("rxmsgs").GetInt64(),
                brokersUp);
            Interlocked.Increment(ref _reportsParsed);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            LogBadReport(_logger, e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var json in _reports.Reader.ReadAllAsync(stoppingToken))
            {
                Apply(json);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<Measurement<long>> Observe(Func<ClientSnapshot, long> value)
    {
        // A client that stopped reporting (disposed, replaced after a reconnect) stops being measured.
        var stale = _time.GetUtcNow() - _staleAfter;
        foreach (var client in _clients.Values)
        {
            if (client.At < stale)
            {
                _clients.TryRemove(client.Name, out _);
                continue;
            }

            yield return new Measurement<long>(value(client),
                new KeyValuePair<string, object?>("kafka.client.name", client.Name),
                new KeyValuePair<string, object?>("kafka.client.id", client.ClientId),
                new KeyValuePair<string, object?>("kafka.client.type", client.Type));
        }
    }

    private sealed record ClientSnapshot(
        string Name, string ClientId, string Type, DateTimeOffset At,
        long QueuedMessages, long QueuedBytes, long RequestsSent, long ResponsesReceived,
        long BytesSent, long BytesReceived, long MessagesSent, long MessagesReceived, long BrokersUp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A librdkafka statistics report could not be read: {Reason}")]
    private static partial void LogBadReport(ILogger logger, string reason);
}
