using System.Diagnostics.Metrics;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Tests.Storage;

public sealed class HistoryWriterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _services.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Past_the_queues_capacity_what_is_handed_on_is_refused_and_counted_not_lost_silently()
    {
        var metrics = new HistoryMetrics(_services.GetRequiredService<IMeterFactory>());
        // The store never becomes ready, so nothing drains the queue.
        var writer = new HistoryWriter(new SqliteHistoryStore(_directory.File("history.db")), new StoreReadiness(), metrics,
            Options.Create(new HistoryOptions { WriteQueueCapacity = 3 }), NullLogger<HistoryWriter>.Instance);
        var key = new SessionKey("192.168.1.20:50000", 42);
        for (uint lap = 1; lap <= 5; lap++)
        {
            writer.Lap(new LapWrite { Session = key, CarIndex = 0, LapNumber = lap, Status = LapStatus.Complete, EndedAt = DateTimeOffset.UnixEpoch });
        }

        Assert.Equal(3, writer.Pending);
        Assert.Equal(3, writer.Accepted);
        Assert.Equal(2, writer.Dropped);
        Assert.Equal(2, metrics.Dropped);
    }
}
