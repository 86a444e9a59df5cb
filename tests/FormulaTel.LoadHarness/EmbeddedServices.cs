using System.Globalization;
using FormulaTel.Testing;

/// <summary>
/// The embedded stack's services as processes of this build (rpc, history on SQLite, web, ingest recording as by
/// default), wired to each other on free ports (and to Kafka when one is given); stopped with SIGTERM, killed if that takes longer than 30 s.
/// </summary>
internal sealed class EmbeddedServices : IAsyncDisposable
{
    private readonly TempDirectory _recordings;
    private readonly TempDirectory _historyData;

    private EmbeddedServices(TempDirectory recordings, TempDirectory historyData, ServiceProcess rpc, ServiceProcess history, ServiceProcess web, ServiceProcess ingest)
    {
        (_recordings, _historyData) = (recordings, historyData);
        (Rpc, History, Web, Ingest) = (rpc, history, web, ingest);
    }

    public ServiceProcess Rpc { get; }
    public ServiceProcess History { get; }
    public ServiceProcess Web { get; }
    public ServiceProcess Ingest { get; }

    /// <summary>rpc's gRPC endpoint (h2c).</summary>
    public Uri RpcGrpc { get; private init; } = null!;

    /// <summary>The keys rpc was started with.</summary>
    public TestRpcKeys Keys { get; private init; } = null!;

    public (string Name, ServiceProcess Process)[] All => [("ingest", Ingest), ("rpc", Rpc), ("web", Web), ("history", History)];

    /// <param name="kafka">When given, rpc publishes to it and web and history read it, as in the full stack.</param>
    public static async Task<EmbeddedServices> StartAsync(TestKafka? kafka = null)
    {
        var recordings = new TempDirectory();
        var historyData = new TempDirectory();
        var grpcPort = FreePort.Tcp();
        var quiet = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        if (kafka is not null)
        {
            quiet["ConnectionStrings__kafka"] = kafka.BootstrapServers;
            quiet["Kafka__Topic"] = kafka.Topic;
        }

        // rpc with its keys in place, as the AppHost runs it.
        var keys = new TestRpcKeys();
        var rpc = await ServiceProcess.StartAsync("FormulaTel.Rpc.dll", new Dictionary<string, string>(quiet.Concat(keys.RpcEnvironment())) { ["GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture) });
        var rpcAddress = $"http://127.0.0.1:{grpcPort}";
        var history = await ServiceProcess.StartAsync("FormulaTel.History.dll", new Dictionary<string, string>(quiet)
        {
            ["History__RpcAddress"] = rpcAddress,
            ["RpcClient__Key"] = keys.Watch,
            ["History__DataDirectory"] = historyData.Path,
            ["History__RecordingDirectory"] = recordings.Path,
        });
        var web = await ServiceProcess.StartAsync("FormulaTel.Web.dll", new Dictionary<string, string>(quiet)
        {
            ["Web__RpcAddress"] = rpcAddress,
            ["RpcClient__Key"] = keys.Watch,
            ["Web__HistoryAddress"] = history.Http.BaseAddress!.ToString(),
        });
        var ingest = await ServiceProcess.StartIngestAsync(new Dictionary<string, string>(quiet)
        {
            ["Ingest__RpcAddress"] = rpcAddress,
            ["RpcClient__Key"] = keys.Publish,
            ["Ingest__Recording__Directory"] = recordings.Path,
        });
        return new EmbeddedServices(recordings, historyData, rpc, history, web, ingest) { RpcGrpc = new Uri(rpcAddress), Keys = keys };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, service) in All)
        {
            try
            {
                await service.SignalAsync("TERM");
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"warning: {name} had not stopped 30 s after SIGTERM; killed");
                await service.SignalAsync("KILL");
            }

            await service.DisposeAsync();
        }

        _recordings.Dispose();
        _historyData.Dispose();
    }
}
