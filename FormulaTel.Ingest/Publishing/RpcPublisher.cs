using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// Streams buffered frames to rpc in batches over one long-lived Publish call, and opens it again by itself
/// when rpc goes away. Batches stay here until rpc acknowledges them and are sent again after a reconnect,
/// so an rpc restart loses nothing that fits in the buffer (rpc may see a batch twice).
/// </summary>
public sealed partial class RpcPublisher(
    GatewayPublishClient client,
    FrameBuffer buffer,
    IOptions<IngestOptions> options,
    IngestMetrics metrics,
    ILogger<RpcPublisher> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly LinkedList<OutgoingBatch> _unacknowledged = new();
    private readonly SemaphoreSlim _window = new(options.Value.MaxUnacknowledgedBatches, options.Value.MaxUnacknowledgedBatches);
    private ulong _nextSequence = 1;

    /// <summary>True while a Publish call to rpc is open.</summary>
    public bool Connected { get; private set; }

    public int UnacknowledgedBatches
    {
        get
        {
            lock (_lock)
            {
                return _unacknowledged.Count;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(stoppingToken, () => failures = 0);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Connected = false;
                failures++;
                var delay = Backoff.Exponential(failures, options.Value.MaxReconnectDelay);
                LogStreamFailed(logger, delay.TotalMilliseconds, UnacknowledgedBatches, e.Message);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                metrics.Reconnected();
            }
        }

        Connected = false;
    }

    private async Task StreamAsync(CancellationToken stoppingToken, Action onAcknowledged)
    {
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var call = client.Publish(cancellationToken: streamCts.Token);
        var acks = ReadAcknowledgementsAsync(call.ResponseStream, onAcknowledged, streamCts);

        try
        {
            // Until rpc answers, frames stay in the buffer (where a long outage is counted as drops).
            await call.ResponseHeadersAsync.WaitAsync(streamCts.Token);

            // What rpc did not acknowledge before the last failure goes first, in order.
            OutgoingBatch[] resend;
            lock (_lock)
            {
                resend = [.. _unacknowledged];
            }

            foreach (var batch in resend)
            {
                await call.RequestStream.WriteAsync(batch, streamCts.Token);
            }

            Connected = true;
            if (resend.Length > 0)
            {
                LogResent(logger, resend.Length);
            }

            var maxFrames = options.Value.MaxBatchFrames;
            while (true)
            {
                var more = buffer.WaitToReadAsync(streamCts.Token).AsTask();
                // The acknowledgement reader ending (rpc gone) must end this loop even when no frames come.
                if (await Task.WhenAny(more, acks) == acks)
                {
                    await acks;
                    throw new IOException("rpc closed the publish stream");
                }

                if (!await more)
                {
                    break;
                }

                await _window.WaitAsync(streamCts.Token);
                // Whole datagrams: a batch goes past the limit by at most one datagram's frames.
                var batch = new OutgoingBatch();
                while (batch.FrameCount < maxFrames && buffer.TryRead(out var frames))
                {
                    batch.Add(frames);
                }

                if (batch.FrameCount == 0)
                {
                    _window.Release();
                    continue;
                }

                lock (_lock)
                {
                    batch.Sequence = _nextSequence++;
                    _unacknowledged.AddLast(batch);
                }

                await call.RequestStream.WriteAsync(batch, streamCts.Token);
            }

            await call.RequestStream.CompleteAsync();
            await acks;
        }
        finally
        {
            await streamCts.CancelAsync();
            try
            {
                await acks;
            }
            catch
            {
                // Already reported by the failure that ended the stream.
            }
        }
    }

    private async Task ReadAcknowledgementsAsync(IAsyncStreamReader<PublishAck> acks, Action onAcknowledged, CancellationTokenSource stream)
    {
        try
        {
            await ReadAcknowledgementsCoreAsync(acks, onAcknowledged, stream.Token);
        }
        finally
        {
            // However the acknowledgements end, the writer must stop waiting and reconnect.
            await stream.CancelAsync();
        }
    }

    private async Task ReadAcknowledgementsCoreAsync(IAsyncStreamReader<PublishAck> acks, Action onAcknowledged, CancellationToken cancellationToken)
    {
        while (await acks.MoveNext(cancellationToken))
        {
            var ack = acks.Current;
            var released = 0;
            var frames = 0;
            lock (_lock)
            {
                // Acknowledgements come in order; everything up to this sequence is safe at rpc.
                while (_unacknowledged.First is { } first && first.Value.Sequence <= ack.Sequence)
                {
                    frames += first.Value.FrameCount;
                    first.Value.Release();
                    _unacknowledged.RemoveFirst();
                    released++;
                }
            }

            if (released > 0)
            {
                _window.Release(released);
                metrics.FramesAcknowledged(frames);
                onAcknowledged();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream to rpc failed; reconnecting in {DelayMs} ms with {Unacknowledged} batches kept to resend: {Reason}")]
    private static partial void LogStreamFailed(ILogger logger, double delayMs, int unacknowledged, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnected to rpc; sent {Count} unacknowledged batches again")]
    private static partial void LogResent(ILogger logger, int count);
}
