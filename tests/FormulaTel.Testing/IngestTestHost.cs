using FormulaTel.Protos.V1;
using FormulaTel.Ingest;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Ingest.Udp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Testing;

/// <summary>
/// Ingest with its real wiring (<see cref="Extensions.AddIngest"/>) on a free UDP port, recording into a folder of
/// its own that goes when it does.
/// </summary>
public sealed class IngestTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private IngestTestHost(IHost host, string recordings)
    {
        _host = host;
        RecordingDirectory = recordings;
    }

    public string RecordingDirectory { get; }

    public IServiceProvider Services => _host.Services;
    public IngestMetrics Metrics => Services.GetRequiredService<IngestMetrics>();
    public RpcPublisher Publisher => Services.GetRequiredService<RpcPublisher>();
    public FrameBuffer Buffer => Services.GetRequiredService<FrameBuffer>();

    /// <summary>Takes every frame waiting in the buffer, decoded.</summary>
    public List<TelemetryFrame> DrainFrames()
    {
        var frames = new List<TelemetryFrame>();
        while (Buffer.TryRead(out var encoded))
        {
            frames.AddRange(encoded.Decode());
            encoded.Release();
        }

        return frames;
    }
    public int UdpPort { get; private set; }

    /// <summary>An rpc address nothing listens on: frames stay in ingest's buffer, where a test reads them.</summary>
    public static Uri NoRpc() => new($"http://127.0.0.1:{FreePort.Tcp()}");

    public static async Task<IngestTestHost> StartAsync(Uri rpcAddress, Dictionary<string, string?>? settings = null, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        var recordings = Directory.CreateTempSubdirectory("formulatel-recordings-").FullName;
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingest:UdpPort"] = "0",
            ["Ingest:RpcAddress"] = rpcAddress.ToString(),
            ["Ingest:MaxReconnectDelay"] = "00:00:00.500",
            ["Ingest:Recording:Directory"] = recordings,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddIngest();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var host = builder.Build();
        await host.StartAsync();
        var ingest = new IngestTestHost(host, recordings);
        ingest.UdpPort = (await Eventually.Within(host.Services.GetRequiredService<UdpReceiver>().Bound, "UDP bind")).Port;
        return ingest;
    }

    /// <summary>Stops ingest as the host does on SIGTERM (recordings closed); the folder stays until disposal.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(RecordingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A test that made the folder unwritable cleans up after itself; anything left is in the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
