using Confluent.Kafka;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Gateway;
using FormulaTel.ServiceDefaults.Kafka;

namespace FormulaTel.Rpc.Publishing;

/// <summary>
/// Publishes each frame as one Kafka message on formulatel.telemetry.v1 (docs/kafka.md): key
/// {source}/{sessionUid}/{carIndex}, so a car's frames keep their order on one partition; value one serialized
/// formulatel.v1.TelemetryFrame. Completes only when Kafka has accepted every frame (acks=all, idempotent), so rpc
/// acknowledges a batch to ingest only then: at-least-once. A frame too large for Kafka is dropped, counted and
/// logged; any other failure fails the batch, which ingest sends again.
/// </summary>
public sealed partial class KafkaPublisher : ITelemetryPublisher, IDisposable
{
    public const string ContentType = "application/x-protobuf; messageType=formulatel.v1.TelemetryFrame";
    private static readonly byte[] ContentTypeBytes = System.Text.Encoding.UTF8.GetBytes(ContentType);

    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;
    private readonly RpcMetrics _metrics;
    private readonly ILogger<KafkaPublisher> _logger;

    public KafkaPublisher(KafkaClientFactory clients, RpcMetrics metrics, ILogger<KafkaPublisher> logger)
    {
        _topic = clients.Settings.Topic;
        _metrics = metrics;
        _logger = logger;
        _producer = clients.CreateProducer<string, byte[]>(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = 5,
            LingerMs = 5,
            // Frames are small and many: batch them, but never wait long.
            BatchNumMessages = 10_000,
            ClientId = "formulatel-rpc",
        });
    }

    public static string Key(FrameHeader header) => $"{header.SourceId}/{header.SessionUid}/{header.CarIndex}";

    public async ValueTask PublishAsync(IReadOnlyList<PublishedFrame> frames, CancellationToken cancellationToken)
    {
        if (frames.Count == 0)
        {
            return;
        }

        // One producer span per batch; its trace context (else the caller's, e.g. the gRPC call's) goes in every
        // message so consumers continue the trace.
        using var activity = KafkaTracing.StartPublish(_topic, frames.Count);
        var traceHeaders = KafkaTracing.Headers(activity ?? System.Diagnostics.Activity.Current);
        // One delivery callback per batch rather than a Task per frame: at 100k frames/s the Tasks cost more than Kafka.
        var delivery = new BatchDelivery(frames.Count, this);
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            var headers = new Headers { new Header("content-type", ContentTypeBytes) };
            foreach (var header in traceHeaders)
            {
                headers.Add(header);
            }

            var message = new Message<string, byte[]>
            {
                Key = Key(frame.Header),
                // The frame as the publisher encoded it.
                Value = frame.Bytes.ToArray(),
                Headers = headers,
            };
            try
            {
                _producer.Produce(_topic, message, delivery.Handler);
            }
            catch (ProduceException<string, byte[]> e)
            {
                // Refused before it left (too large, local queue full): reported like a failed delivery.
                delivery.Handler(new DeliveryReport<string, byte[]> { Error = e.Error, Message = message, TopicPartitionOffset = new TopicPartitionOffset(_topic, Partition.Any, Offset.Unset) });
            }
        }

        var failure = await delivery.Completed.WaitAsync(cancellationToken);
        if (failure is not null)
        {
            // Not acknowledged: ingest keeps the batch and sends it again (duplicates possible, loss not).
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failure.Reason);
            throw new KafkaPublishException($"Kafka did not accept every frame of the batch: {failure.Code}: {failure.Reason}", new KafkaException(failure));
        }
    }

    /// <summary>Counts a batch's delivery reports (on librdkafka's thread); completes with the first error, if any.</summary>
    private sealed class BatchDelivery
    {
        private readonly TaskCompletionSource<Error?> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly KafkaPublisher _publisher;
        private int _remaining;
        private Error? _failure;

        public BatchDelivery(int count, KafkaPublisher publisher)
        {
            _remaining = count;
            _publisher = publisher;
            Handler = OnDelivered;
        }

        public Action<DeliveryReport<string, byte[]>> Handler { get; }

        public Task<Error?> Completed => _completed.Task;

        private void OnDelivered(DeliveryReport<string, byte[]> report)
        {
            if (!report.Error.IsError)
            {
                _publisher._metrics.KafkaFramePublished();
            }
            else if (report.Error.Code == ErrorCode.MsgSizeTooLarge)
            {
                // Nothing can make this frame fit: drop it, count it, say so; the rest of the batch goes on.
                _publisher._metrics.KafkaFrameTooLarge();
                LogTooLarge(_publisher._logger, report.Message.Key, report.Message.Value.Length);
            }
            else
            {
                _publisher._metrics.KafkaPublishError(report.Error.Code.ToString());
                Interlocked.CompareExchange(ref _failure, report.Error, null);
            }

            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _completed.TrySetResult(Volatile.Read(ref _failure));
            }
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A frame for {Key} ({Bytes} bytes) is larger than Kafka accepts; dropped and counted")]
    private static partial void LogTooLarge(ILogger logger, string key, int bytes);
}

public sealed class KafkaPublishException(string message, Exception inner) : Exception(message, inner);

/// <summary>Publishes to Kafka first, then to rpc's own watchers.</summary>
public sealed class KafkaThenLocalPublisher(KafkaPublisher kafka, LocalFanOut local) : ITelemetryPublisher
{
    public async ValueTask PublishAsync(IReadOnlyList<PublishedFrame> frames, CancellationToken cancellationToken)
    {
        await kafka.PublishAsync(frames, cancellationToken);
        await local.PublishAsync(frames, cancellationToken);
    }
}
