using System.Diagnostics.Metrics;
using FormulaTel.Games.Forza;
using FormulaTel.History.Laps;
using FormulaTel.Protos.V1;
using FormulaTel.Simulation;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.History.Tests.Laps;

/// <summary>Forza's spec frames make stored laps as F1's do: the simulator's FM 2023 car, mapped by ingest's Forza mapper.</summary>
public sealed class ForzaLapsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void A_forza_car_driving_laps_stores_them_with_times_and_a_trace()
    {
        var sink = new RecordingSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));
        var builder = new LapBuilder(sink, new HistoryMetrics(_services.GetRequiredService<IMeterFactory>()), Options.Create(new LapBuilderOptions()), time);
        var field = new SimulatedField(20, 0);
        var writer = new ForzaPacketWriter(field, ForzaFormat.Fm2023Dash);
        var mapper = new ForzaFrameMapper(new ForzaSessions(gap: TimeSpan.FromDays(1)));
        var buffer = new byte[400];
        var frames = new List<TelemetryFrame>();

        // Three simulated laps, a datagram every simulated 1/20 s.
        while (field.Cars[0].LapNumber < 4)
        {
            field.Step(0.05);
            time.Advance(TimeSpan.FromSeconds(0.05));
            frames.Clear();
            mapper.Map(buffer.AsSpan(0, writer.Write(buffer)), "10.0.0.7:5300", Timestamp.FromDateTimeOffset(time.GetUtcNow()), frames);
            foreach (var frame in frames)
            {
                builder.Apply(frame);
            }
        }

        Assert.Contains(sink.Sessions, s => s.Game == "Forza Motorsport (2023)" && s.TrackId == ForzaPacketWriter.TrackOrdinal);
        var complete = sink.Laps.Where(l => l.Status == LapStatus.Complete).ToArray();
        Assert.NotEmpty(complete);
        foreach (var lap in complete)
        {
            Assert.InRange(lap.LapTimeMs, 60_000u, 200_000u);
            Assert.True(lap.Trace!.Points.Length > 100, $"lap {lap.LapNumber}: {lap.Trace.Points.Length} trace points");
            Assert.Equal(0u, lap.Sector1Ms); // Forza sends no sectors
        }
    }
}
