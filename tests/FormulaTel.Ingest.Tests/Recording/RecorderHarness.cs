using System.Diagnostics.Metrics;
using System.Net;
using FormulaTel.Games.F1;
using FormulaTel.Ingest.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>The recorder as ingest hosts it, started and stopped by the test, with datagrams offered as the receive loop does.</summary>
internal sealed class RecorderHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public RecorderHarness(string directory, Action<RecordingOptions>? configure = null, TimeProvider? time = null, int udpPort = 20777)
    {
        var options = new RecordingOptions { Directory = directory };
        configure?.Invoke(options);
        Time = time ?? TimeProvider.System;
        Metrics = new RecordingMetrics(_services.GetRequiredService<IMeterFactory>());
        UdpPort = udpPort;
        Recorder = new Recorder(Options.Create(options), new F1DatagramLabeler(), Metrics, Time, NullLogger<Recorder>.Instance);
    }

    public Recorder Recorder { get; }
    public RecordingMetrics Metrics { get; }
    public TimeProvider Time { get; }
    public int UdpPort { get; }

    public static readonly IPEndPoint DefaultSource = new(IPAddress.Parse("192.168.1.20"), 54321);

    /// <summary>Records <paramref name="datagrams"/> from one source, start to stop; returns them.</summary>
    public static List<byte[]> Record(string directory, List<byte[]> datagrams, Action<RecordingOptions>? configure = null)
    {
        var harness = new RecorderHarness(directory, configure);
        harness.Recorder.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var datagram in datagrams)
        {
            harness.Offer(datagram);
        }

        harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return datagrams;
    }

    public void Offer(byte[] datagram, IPEndPoint? source = null) => Recorder.Offer(datagram, source ?? DefaultSource, UdpPort, Time.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        await Recorder.StopAsync(CancellationToken.None);
        Recorder.Dispose();
        await _services.DisposeAsync();
    }
}
