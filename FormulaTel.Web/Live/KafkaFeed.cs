using Confluent.Kafka;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using FormulaTel.ServiceDefaults.Kafka;

namespace FormulaTel.Web.Live;

/// <summary>
/// Feeds the store from the Kafka stream (full stack). Broadcast: every web instance reads every partition, from the
/// latest offsets — a live view wants now, not history — so it assigns partitions itself instead of joining a
/// consumer group. A frame delivered again (at-least-once upstream) is not applied again (<see cref="RedeliveryFilter"/>).
/// Every message is read, but only what is looked at is parsed: a watched car (<see cref="WatchedCars"/>) in full,
/// every other car's periodic payloads at Web:OverviewFramesPerSecond, as on rpc's overview stream; the rest of
/// them is skipped on the frame's header alone.
/// </summary>
public sealed partial class KafkaFeed(KafkaClientFactory clients, CarStateStore store, WatchedCars watched, IConfiguration configuration, ILogger<KafkaFeed> logger)
    : BackgroundService, IFrameFeed
{
    private const int MaxSessionKeys = 4096;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly string _topic = clients.Settings.Topic;
    private readonly RedeliveryFilter _redeliveries = new();
    private readonly FrameThinning? _overview = configuration.GetValue("Web:OverviewFramesPerSecond", RpcWatchFeed.DefaultOverviewFramesPerSecond) is > 0 and var rate
        ? new FrameThinning((uint)rate)
        : null;

    // The session key of each (source, session uid) seen lately, so checking whether a car is watched allocates nothing.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Source, ulong Session), string> _sessionKeys = new();
    private long _framesReceived;
    private long _framesSkipped;
    private long _duplicatesSkipped;

    public bool Connected { get; private set; }

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public long DuplicatesSkipped => Interlocked.Read(ref _duplicatesSkipped);

    /// <summary>Frames of cars nobody watches left unparsed because the overview had one recently enough.</summary>
    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);

    public string Description => $"Kafka topic {_topic}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: give it its own thread rather than a thread-pool one.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var consumer = clients.CreateConsumer<string, byte[]>(new ConsumerConfig
                {
                    GroupId = $"formulatel-web-{Environment.MachineName}-{Environment.ProcessId}",
                    EnableAutoCommit = false,
                    ClientId = "formulatel-web",
                });
                using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
                var metadata = admin.GetMetadata(_topic, TimeSpan.FromSeconds(10));
                var partitions = metadata.Topics.SingleOrDefault(t => t.Topic == _topic)?.Partitions;
                if (partitions is null || partitions.Count == 0)
                {
                    throw new KafkaException(ErrorCode.UnknownTopicOrPart);
                }

                // "Latest" made explicit: each partition's high watermark now, so everything published after this
                // point is read (Offset.End would be resolved later, by the fetcher).
                consumer.Assign(partitions.Select(p =>
                {
                    var partition = new TopicPartition(_topic, p.PartitionId);
                    return new TopicPartitionOffset(partition, consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High);
                }));
                Connected = true;
                failures = 0;
                LogConnected(logger, _topic, partitions.Count);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
                    if (result is null || result.IsPartitionEOF)
                    {
                        continue;
                    }

                    Apply(result.Message);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (KafkaException e)
            {
                Connected = false;
                failures++;
                var delay = Backoff.Exponential(failures, MaxDelay);
                LogFailed(logger, delay.TotalMilliseconds, e.Error.Reason);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Connected = false;
    }

    /// <summary>Applies one message's frame unless it was applied already.</summary>
    public void Apply(Message<string, byte[]> message)
    {
        using var activity = KafkaTracing.StartProcess(_topic, message.Headers);
        if (!FrameHeaderReader.TryRead(message.Value, out var header))
        {
            LogBadMessage(logger, message.Key);
            return;
        }

        if (!header.HasEnvelope)
        {
            return;
        }

        if (_overview is not null && !_overview.Pass(header) && !watched.IsWatched(new CarKey(SessionKey(header), (int)header.CarIndex)))
        {
            Interlocked.Increment(ref _framesSkipped);
            return;
        }

        TelemetryFrame frame;
        try
        {
            frame = TelemetryFrame.Parser.ParseFrom(message.Value);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            LogBadMessage(logger, message.Key);
            return;
        }

        if (!_redeliveries.IsNew(message.Key ?? "", frame))
        {
            Interlocked.Increment(ref _duplicatesSkipped);
            return;
        }

        store.Apply(frame);
        Interlocked.Increment(ref _framesReceived);
    }

    private string SessionKey(FrameHeader header)
    {
        if (_sessionKeys.TryGetValue((header.SourceId, header.SessionUid), out var key))
        {
            return key;
        }

        if (_sessionKeys.Count >= MaxSessionKeys)
        {
            _sessionKeys.Clear(); // a cache of strings that can be built again
        }

        return _sessionKeys[(header.SourceId, header.SessionUid)] = SessionKeys.For(header.SourceId, header.SessionUid);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Topic} ({Partitions} partitions) from the latest offsets")]
    private static partial void LogConnected(ILogger logger, string topic, int partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka feed failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogFailed(ILogger logger, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message for {Key} is not a formulatel.v1.TelemetryFrame; skipped")]
    private static partial void LogBadMessage(ILogger logger, string? key);
}
