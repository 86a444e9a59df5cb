using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Publishing;
using System.Threading.Channels;
using Grpc.Core;

namespace FormulaTel.Rpc.Gateway;

/// <summary>
/// The gRPC gateway: accepts publish streams from any number of ingest instances and serves watchers. Bound
/// through <see cref="GatewayWire"/> rather than the generated base, so frames reach watchers as they came.
/// </summary>
public sealed partial class TelemetryGatewayService(
    ITelemetryPublisher publisher,
    LocalFanOut fanOut,
    RpcMetrics metrics,
    SpecMetrics telemetryMetrics,
    IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<Security.RpcAccessOptions> access,
    ILogger<TelemetryGatewayService> logger) : GatewayServiceBase
{
    /// <summary>Most frames sent to a watcher in one message.</summary>
    public const int MaxWatchBatchFrames = 512;

    /// <summary>Acknowledgements waiting to be written; a publisher that fills it waits (its own window is smaller).</summary>
    public const int MaxQueuedAcks = 1024;

    public override async Task Publish(IAsyncStreamReader<ReceivedBatch> requestStream, IServerStreamWriter<PublishAck> responseStream, ServerCallContext context)
    {
        metrics.PublishStreamOpened();
        LogPublisherConnected(logger, context.Peer);
        // Streams last for hours: end them when rpc stops rather than holding shutdown until its timeout.
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = call.Token;
        try
        {
            // Headers at once: the publisher takes frames from its buffer only once it knows rpc is there.
            await context.WriteResponseHeadersAsync([]);
            // Acknowledgements go out from their own loop, so reading the next batch never waits for the last ack's
            // flush. The publisher's window of unacknowledged batches bounds what can queue here.
            var acks = Channel.CreateBounded<PublishAck>(new BoundedChannelOptions(MaxQueuedAcks) { SingleReader = true, SingleWriter = true });
            var acknowledging = AcknowledgeAsync(acks, responseStream, cancellationToken);
            try
            {
                await ReadBatchesAsync(requestStream, acks.Writer, cancellationToken);
            }
            finally
            {
                acks.Writer.TryComplete();
                await acknowledging;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The publisher went away or rpc is stopping; it reconnects and resends what was not acknowledged.
        }
        catch (KafkaPublishException e)
        {
            // Backpressure, not loss: the batch stays unacknowledged at ingest, which reconnects and sends it again.
            LogKafkaUnavailable(logger, context.Peer, e.InnerException?.Message ?? e.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, "Kafka did not accept the batch; send it again"));
        }
        finally
        {
            metrics.PublishStreamClosed();
            LogPublisherDisconnected(logger, context.Peer);
        }
    }

    private async Task ReadBatchesAsync(IAsyncStreamReader<ReceivedBatch> requestStream, ChannelWriter<PublishAck> acks, CancellationToken cancellationToken)
    {
        var accepted = new List<PublishedFrame>(MaxWatchBatchFrames);
        var (maxFrames, maxFrameBytes) = (access.Value.MaxBatchFrames, access.Value.MaxFrameBytes);
        await foreach (var batch in requestStream.ReadAllAsync(cancellationToken))
        {
            if (batch.Frames.Count > maxFrames)
            {
                metrics.CallRefused("batch_too_large");
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"a batch of {batch.Frames.Count} frames; rpc takes {maxFrames} at most (Rpc:Access:MaxBatchFrames)"));
            }

            accepted.Clear();
            uint rejected = 0;
            foreach (var published in batch.Frames)
            {
                var reason = !published.WellFormed ? "malformed"
                    : published.Bytes.Length > maxFrameBytes ? "frame_too_large"
                    : Validate(published.Header);
                if (reason is null)
                {
                    accepted.Add(published);
                    metrics.FrameReceived(published.Header);
                    telemetryMetrics.Record(published);
                }
                else
                {
                    rejected++;
                    metrics.FrameRejected(reason);
                }
            }

            await publisher.PublishAsync(accepted, cancellationToken);
            await acks.WriteAsync(new PublishAck
            {
                Sequence = batch.Sequence,
                AcceptedFrames = (uint)accepted.Count,
                RejectedFrames = rejected,
            }, cancellationToken);
        }
    }

    private async Task AcknowledgeAsync(Channel<PublishAck> acks, IServerStreamWriter<PublishAck> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var ack in acks.Reader.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(ack, cancellationToken);
                metrics.BatchAcknowledged();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The reading loop must not wait on a queue nobody empties any more.
            acks.Writer.TryComplete(e);
            throw;
        }
    }

    /// <summary>Null when the frame can be published, else the rejection reason (a metric attribute).</summary>
    public static string? Validate(TelemetryFrame frame) => Validate(FrameHeader.From(frame));

    public static string? Validate(FrameHeader header)
    {
        if (!header.HasEnvelope)
        {
            return "missing_envelope";
        }

        if (header.Payload == TelemetryFrame.PayloadOneofCase.None)
        {
            return "missing_payload";
        }

        return header.SourceId.Length == 0 ? "missing_source" : null;
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchBatch> responseStream, ServerCallContext context)
    {
        using var subscription = fanOut.Subscribe(request);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = call.Token;
        var reader = subscription.Reader;
        ulong sequence = 0;
        try
        {
            // Headers now, so a watcher knows it is subscribed before the first frame arrives.
            await context.WriteResponseHeadersAsync([]);
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                var batch = new WatchBatch { Sequence = ++sequence };
                while (batch.Frames.Count < MaxWatchBatchFrames && reader.TryRead(out var frame))
                {
                    batch.Frames.Add(frame);
                }

                await responseStream.WriteAsync(batch, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The watcher left, or rpc is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher {Peer} connected")]
    private static partial void LogPublisherConnected(ILogger logger, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka did not accept a batch from {Peer}; ending the stream so it is sent again: {Reason}")]
    private static partial void LogKafkaUnavailable(ILogger logger, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher {Peer} disconnected")]
    private static partial void LogPublisherDisconnected(ILogger logger, string peer);
}
