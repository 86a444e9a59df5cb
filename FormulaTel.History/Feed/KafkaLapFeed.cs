using Confluent.Kafka;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using FormulaTel.ServiceDefaults.Kafka;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Feed;

/// <summary>
/// Reads the telemetry topic in its own consumer group (the full stack's feed): instances of history share the
/// partitions, and each commits only what is stored (<see cref="CommitTracker"/>), so a restart, a crash or a
/// rebalance re-reads a lap in progress rather than losing it. Starts once the database is ready.
/// </summary>
public sealed partial class KafkaLapFeed(
    KafkaClientFactory clients,
    LapBuilder builder,
    LapNotingSink sink,
    HistoryWriter writer,
    StoreReadiness readiness,
    HistoryMetrics metrics,
    IOptions<HistoryOptions> options,
    TimeProvider time,
    ILogger<KafkaLapFeed> logger) : BackgroundService, IHistoryFeed
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleSweep = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);

    private readonly string _topic = clients.Settings.Topic;
    private readonly string _group = options.Value.KafkaGroupId;
    private readonly CommitTracker _tracker = new(options.Value.MaxTrackedCars);
    private readonly Lock _builder = new();
    private long _lastSweep;
    private long _lastCommit;

    public bool Connected { get; private set; }

    public void Forget(SessionKey session)
    {
        lock (_builder)
        {
            builder.Forget(session);
        }
    }

    public string Description => $"Kafka topic {_topic}, group {_group}";

    /// <summary>Partitions this instance reads now.</summary>
    public int Partitions { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // librdkafka's Consume blocks: its own thread rather than a thread-pool one.
        await Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        lock (_builder)
        {
            // Stopping: the laps in progress are stored as cut short (nothing committed covers them, so whoever
            // reads these partitions next builds them again in full).
            builder.EndAll();
        }
    }

    /// <summary>One consumer at a time, made again after a failure with the services' shared backoff.</summary>
    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await StreamingClients.RunUntilStoppedAsync((connected, token) =>
        {
            using var consumer = clients.CreateConsumer<string, byte[]>(new ConsumerConfig
            {
                GroupId = _group,
                ClientId = "formulatel-history",
                EnableAutoCommit = false,
                // A new group starts at the beginning of what the topic keeps: every lap still there is stored.
                AutoOffsetReset = AutoOffsetReset.Earliest,
                // Eager rebalancing on purpose: every rebalance takes all partitions away and hands them back from
                // the committed offsets, so what is built here always starts from what is committed.
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin,
            }, b => b
                .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, revoked, commit: true))
                .SetPartitionsLostHandler((c, lost) => OnRevoked(c, lost, commit: false)));
            try
            {
                consumer.Subscribe(_topic);
                Connected = true;
                LogSubscribed(logger, _topic, _group);
                while (!token.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
                    if (result is { IsPartitionEOF: false, Message: not null })
                    {
                        Apply(result);
                        connected();
                    }

                    Housekeeping(consumer, force: false);
                }

                Housekeeping(consumer, force: true);
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            }
            finally
            {
                Connected = false;
                try
                {
                    consumer.Close();
                }
                catch (KafkaException)
                {
                    // Leaving the group failed (brokers gone): the group's session timeout hands the partitions on.
                }
            }
        }, (delay, e) => LogFailed(logger, delay.TotalMilliseconds, e is KafkaException k ? k.Error.Reason : e.Message), MaxDelay, time, stoppingToken);
    }

    /// <summary>
    /// A rebalance takes the partitions away (or they were lost): commit what is stored of them (not when lost: the
    /// group has moved on), then drop the laps in progress unwritten; reading resumes from the committed offsets.
    /// </summary>
    private void OnRevoked(IConsumer<string, byte[]> consumer, List<TopicPartitionOffset> revoked, bool commit)
    {
        lock (_builder)
        {
            _tracker.Written(writer.Written);
            var committable = _tracker.Committable();
            var offsets = revoked.Where(r => committable.ContainsKey(r.Partition.Value))
                .Select(r => new TopicPartitionOffset(r.TopicPartition, committable[r.Partition.Value])).ToList();
            if (commit && offsets.Count > 0)
            {
                TryCommit(consumer, offsets);
            }

            _tracker.Revoked(revoked.Select(r => r.Partition.Value));
            builder.Discard();
            sink.Drain();
            Partitions = 0;
        }

        LogRevoked(logger, revoked.Count);
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        Partitions = assigned.Count;
        LogAssigned(logger, assigned.Count);
    }

    private void Apply(ConsumeResult<string, byte[]> result)
    {
        TelemetryFrame frame;
        try
        {
            frame = TelemetryFrame.Parser.ParseFrom(result.Message.Value);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            metrics.Drop("not_a_frame");
            return;
        }

        if (frame.Envelope is not { } envelope)
        {
            metrics.Drop("no_envelope");
            return;
        }

        var car = new CarRef(new SessionKey(envelope.SourceId, envelope.SessionUid), envelope.CarIndex);
        lock (_builder)
        {
            _tracker.Read(car, result.Partition.Value, result.Offset.Value);
            builder.Apply(frame);
            var (laps, sequence) = sink.Drain();
            foreach (var done in laps)
            {
                // The frame that completed the lap is the next lap's first: needed from here once the lap is stored.
                _tracker.LapHandedOn(done, result.Offset.Value, sequence);
            }
        }

        metrics.FramesReadAdd(1);
    }

    private void Housekeeping(IConsumer<string, byte[]> consumer, bool force)
    {
        var now = time.GetTimestamp();
        if (force || time.GetElapsedTime(_lastSweep, now) >= IdleSweep)
        {
            _lastSweep = now;
            lock (_builder)
            {
                builder.EndIdleSessions();
                sink.Drain();
                var sequence = writer.Accepted;
                foreach (var car in _tracker.TrackedCars().Where(c => !builder.Holds(c.Session)))
                {
                    _tracker.Ended(car, sequence);
                }
            }
        }

        if (force || time.GetElapsedTime(_lastCommit, now) >= CommitInterval)
        {
            _lastCommit = now;
            List<TopicPartitionOffset> offsets;
            lock (_builder)
            {
                _tracker.Written(writer.Written);
                offsets = _tracker.Committable().Select(c => new TopicPartitionOffset(_topic, c.Key, c.Value)).ToList();
            }

            if (offsets.Count > 0)
            {
                TryCommit(consumer, offsets);
            }
        }
    }

    private void TryCommit(IConsumer<string, byte[]> consumer, List<TopicPartitionOffset> offsets)
    {
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e)
        {
            // Not fatal: the next commit carries the same or later offsets; a restart re-reads a little more.
            metrics.CommitFailed();
            LogCommitFailed(logger, e.Error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Topic} in consumer group {Group}")]
    private static partial void LogSubscribed(ILogger logger, string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned {Count} partitions")]
    private static partial void LogAssigned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} partitions revoked; reading resumes from the committed offsets")]
    private static partial void LogRevoked(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka feed failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogFailed(ILogger logger, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing offsets failed (retried with the next commit): {Reason}")]
    private static partial void LogCommitFailed(ILogger logger, string reason);
}
