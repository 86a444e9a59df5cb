using System.Threading.Channels;
using FormulaTel.History.Laps;
using FormulaTel.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Storage;

/// <summary>
/// Takes what the builder hands on, off the reader's path, and writes it in batches (one transaction every
/// <see cref="HistoryOptions.WriteInterval"/>). A failed write is retried with the same batch, so nothing is lost
/// while the database comes back; past the queue's capacity new items are dropped and counted.
/// </summary>
public sealed partial class HistoryWriter(
    IHistoryStore store,
    StoreReadiness readiness,
    HistoryMetrics metrics,
    IOptions<HistoryOptions> options,
    ILogger<HistoryWriter> logger) : BackgroundService, IHistorySink
{
    private readonly Channel<object> _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.Value.WriteQueueCapacity)
    {
        SingleReader = true,
        // Wait, not DropWrite: with DropWrite, TryWrite reports success for the item it drops, and the drop would go uncounted.
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _pending;
    private long _accepted;
    private long _written;
    private long _dropped;

    /// <summary>Items handed on and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Items taken into the queue so far: the n-th is durable once <see cref="Written"/> reaches n (the queue is first in, first out).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Items written to the store so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Items refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Session(SessionInfo session) => Offer(session);

    public void Car(CarInfo car) => Offer(car);

    public void Lap(LapWrite lap) => Offer(lap);

    public void Classification(ClassificationWrite result) => Offer(result);

    private void Offer(object item)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            metrics.Drop("write_queue_full");
            return;
        }

        Interlocked.Increment(ref _accepted);
    }

    /// <summary>No more items will come: write what is queued, then stop.</summary>
    public void Complete() => _queue.Writer.TryComplete();

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

        var batch = new HistoryBatch();
        var failures = 0;
        var reader = _queue.Reader;
        while (true)
        {
            // Gather for the interval, then write; a stop still writes what is queued (StopAsync waits for it).
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(CancellationToken.None);
                if (more && batch.Count == 0)
                {
                    await Task.Delay(options.Value.WriteInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            catch (ChannelClosedException)
            {
                more = false;
            }

            while (batch.Count < 5_000 && reader.TryRead(out var item))
            {
                Add(batch, item);
            }

            if (batch.Count > 0)
            {
                try
                {
                    await store.WriteAsync(batch, CancellationToken.None);
                    foreach (var lap in batch.Laps)
                    {
                        metrics.LapWritten(lap.Status.ToName());
                    }

                    Interlocked.Add(ref _pending, -batch.Count);
                    Interlocked.Add(ref _written, batch.Count);
                    batch.Clear();
                    failures = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    metrics.WriteFailed();
                    failures++;
                    var delay = Backoff.Exponential(failures, TimeSpan.FromSeconds(10));
                    if (failures == 1 || failures % 10 == 0)
                    {
                        LogWriteFailed(logger, batch.Count, store.Location, delay.TotalMilliseconds, e.Message);
                    }

                    if (stoppingToken.IsCancellationRequested && failures >= 3)
                    {
                        metrics.Drop("stopped_unwritten", batch.Count);
                        return;
                    }

                    await Task.Delay(delay, CancellationToken.None);
                    continue;
                }
            }

            if (!more && batch.Count == 0)
            {
                return;
            }
        }
    }

    private static void Add(HistoryBatch batch, object item)
    {
        switch (item)
        {
            case SessionInfo session:
                batch.Sessions.Add(session);
                break;
            case CarInfo car:
                batch.Cars.Add(car);
                break;
            case LapWrite lap:
                batch.Laps.Add(lap);
                break;
            case ClassificationWrite result:
                batch.Results.Add(result);
                break;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Complete();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} history items to {Location}; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string location, double delayMs, string reason);
}
