using System.Net.Sockets;
using FormulaTel.AppHost;
using FormulaTel.AppHost.Kafka;
using FormulaTel.AppHost.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args is ["k8s", ..])
{
    // Not the app: the Kubernetes tree generated from the full stack's manifest (README: Kubernetes).
    Environment.ExitCode = await FormulaTel.AppHost.Kubernetes.KubernetesCommand.RunAsync(args[1..]);
    return;
}

var builder = DistributedApplication.CreateBuilder(args);
var stack = StackSelection.Choose(builder.Configuration, builder.ExecutionContext.IsPublishMode, new ContainerRuntimeProbe(builder.Configuration));
builder.AddFormulaTel(stack);

var app = builder.Build();
app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FormulaTel.AppHost")
    .LogInformation("FormulaTel stack: {Stack} ({Reason}). Set FORMULATEL_STACK=auto|embedded|full to choose.", stack.Kind, stack.Reason);
await app.RunAsync();

namespace FormulaTel.AppHost
{
    /// <summary>The FormulaTel model, shared by `dotnet run`, publish and the tests.</summary>
    public static class FormulaTelModel
    {
        public const string UdpPortKey = "FormulaTel:UdpPort";
        public const string ForzaPortKey = "FormulaTel:ForzaPort";
        public const string SimulatorKey = "FormulaTel:Simulator";
        public const string SimulatorTimeScaleKey = "FormulaTel:SimulatorTimeScale";
        public const string PrometheusEndpointKey = "FormulaTel:PrometheusEndpoint";
        public const string RecordingKey = "FormulaTel:Recording";
        public const string RecordingDirectoryKey = "FormulaTel:RecordingDirectory";
        public const string ForwardToParameter = "forward-to";

        /// <summary>The API keys rpc asks of its callers (docs/security.md): secret parameters, generated when not given.</summary>
        public const string RpcPublishKeyParameter = "rpc-publish-key";
        public const string RpcWatchKeyParameter = "rpc-watch-key";

        /// <summary>Where ingest keeps recordings in a container: the Kubernetes tree mounts a volume claim here.</summary>
        public const string ContainerRecordingDirectory = "/var/lib/formulatel/recordings";

        public const string HistoryDirectoryKey = "FormulaTel:HistoryDirectory";

        /// <summary>The full stack's history database (history's ConnectionStrings:historydb).</summary>
        public const string HistoryDatabase = "historydb";

        public static IDistributedApplicationBuilder AddFormulaTel(this IDistributedApplicationBuilder builder, StackChoice stack)
        {
            var udpPort = builder.Configuration.GetValue(UdpPortKey, 20777);
            var prometheusEndpoint = builder.Configuration.GetValue(PrometheusEndpointKey, false);

            // A 4 MB gen0 budget instead of one sized from the CPU cache: 60 Hz of small frames needs no more, and each
            // service stays well under 150 MB resident (docs/benchmarks.md). Only settable as an environment variable.
            // Metrics every 5 s rather than the dashboard's development default of 1 s: rpc's telemetry metrics
            // are a few thousand series, and collecting them every second cost the pipeline's p99 latency.
            void TuneService<T>(IResourceBuilder<T> resource) where T : IResourceWithEnvironment
            {
                resource.WithEnvironment("DOTNET_GCgen0size", "0x400000").WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "5000");
                if (prometheusEndpoint)
                {
                    // Every service's /metrics, for a Prometheus of your own that scrapes (README: Dashboards).
                    resource.WithEnvironment("Metrics__PrometheusEndpoint", "true");
                }
            }
            var simulator = builder.Configuration.GetValue(SimulatorKey, true);

            // rpc speaks gRPC on an HTTP/2-only endpoint (h2c) and HTTP/1.1 on "http" for health probes; ingest and web
            // find the gRPC one as "http://_grpc.rpc" (their default) through service discovery.
            var rpc = builder.AddProject<Projects.FormulaTel_Rpc>("rpc")
                .WithHttpEndpoint(name: "grpc", env: "GRPC_PORT")
                .WithEndpoint("grpc", e => e.Transport = "http2")
                .WithHttpHealthCheck("/health");
            TuneService(rpc);

            // rpc's callers show a key of their role: ingest publishes, web and history watch. Generated for each run
            // when not set (Parameters:rpc-publish-key, Parameters:rpc-watch-key); keys of the Secret in Kubernetes.
            var publishKey = builder.AddParameter(RpcPublishKeyParameter, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            var watchKey = builder.AddParameter(RpcWatchKeyParameter, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            rpc.WithEnvironment("Rpc__Access__PublishKeys__0", publishKey).WithEnvironment("Rpc__Access__WatchKeys__0", watchKey);

            var ingest = builder.AddProject<Projects.FormulaTel_Ingest>("ingest")
                .WithEndpoint("udp", e =>
                {
                    e.Protocol = ProtocolType.Udp;
                    e.UriScheme = "udp";
                    e.Transport = "udp";
                    e.Port = udpPort;
                    e.TargetPort = udpPort;
                    e.IsProxied = false;
                    e.IsExternal = true;
                })
                // No variable carries a UDP endpoint's port into a project; pass it explicitly.
                .WithEnvironment("Ingest__UdpPort", udpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment("RpcClient__Key", publishKey)
                .WithReference(rpc)
                .WaitFor(rpc)
                .WithHttpHealthCheck("/health");
            TuneService(ingest);

            // Forza on a port of its own, for racers who prefer that (by default it shares the F1 port).
            if (builder.Configuration.GetValue(ForzaPortKey, 0) is > 0 and var forzaPort && forzaPort != udpPort)
            {
                ingest.WithEndpoint("forza", e =>
                {
                    e.Protocol = ProtocolType.Udp;
                    e.UriScheme = "udp";
                    e.Transport = "udp";
                    e.Port = forzaPort;
                    e.TargetPort = forzaPort;
                    e.IsProxied = false;
                    e.IsExternal = true;
                }).WithEnvironment("Ingest__ForzaPort", forzaPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            // Every datagram is recorded (README: Recording): under the user's local data folder when run, on a volume
            // claim in Kubernetes. FormulaTel:Recording=false switches it off, FormulaTel:RecordingDirectory moves it.
            if (!builder.Configuration.GetValue(RecordingKey, true))
            {
                ingest.WithEnvironment("Ingest__Recording__Enabled", "false");
            }
            else if (builder.ExecutionContext.IsPublishMode)
            {
                ingest.WithEnvironment("Ingest__Recording__Directory", ContainerRecordingDirectory);
            }
            else if (builder.Configuration[RecordingDirectoryKey] is { Length: > 0 } directory)
            {
                ingest.WithEnvironment("Ingest__Recording__Directory", Path.GetFullPath(directory));
            }

            // Other apps that get every datagram as the game sent it: "host:port,host:port" (README: Forwarding).
            // The value is read here (Parameters:forward-to, empty when not set) rather than left to the parameter:
            // one given a value does not look at configuration.
            var forwardTo = builder.AddParameter(ForwardToParameter, builder.Configuration[$"Parameters:{ForwardToParameter}"] ?? "", publishValueAsDefault: true);
            ingest.WithEnvironment("Ingest__ForwardTo", forwardTo);

            // The session history (README: History): every lap of every car. Embedded: read from rpc's watch stream
            // into a SQLite file under the user's local data folder (FormulaTel:HistoryDirectory moves it). Full stack
            // and Kubernetes: its own Kafka consumer group, into PostgreSQL (below).
            var history = builder.AddProject<Projects.FormulaTel_History>("history")
                .WithEnvironment("RpcClient__Key", watchKey)
                .WithReference(rpc)
                .WaitFor(rpc)
                .WithHttpHealthCheck("/health")
                .WithUrlForEndpoint("http", url => url.Url = "/openapi/v1.json");
            TuneService(history);
            if (stack.Kind != StackKind.Full && builder.Configuration[HistoryDirectoryKey] is { Length: > 0 } historyDirectory)
            {
                history.WithEnvironment("History__DataDirectory", Path.GetFullPath(historyDirectory));
            }

            // The session page offers the raw recording: history looks where ingest records (on this machine).
            if (!builder.ExecutionContext.IsPublishMode && builder.Configuration[RecordingDirectoryKey] is { Length: > 0 } recordings)
            {
                history.WithEnvironment("History__RecordingDirectory", Path.GetFullPath(recordings));
            }

            var web = builder.AddProject<Projects.FormulaTel_Web>("web")
                .WithEnvironment("RpcClient__Key", watchKey)
                .WithReference(rpc)
                .WaitFor(rpc)
                .WithReference(history)
                .WithExternalHttpEndpoints()
                .WithHttpHealthCheck("/health")
                .WithUrlForEndpoint("http", url => url.Url = "/live");
            TuneService(web);

            if (simulator && !builder.ExecutionContext.IsPublishMode)
            {
                // The demo source: a 20-car F1 23 session sent to ingest's UDP port.
                // FormulaTel:SimulatorTimeScale=K runs its laps K times faster (a demo of the session pages in minutes).
                var simulatorArgs = new List<string> { "simulate", "--to", $"127.0.0.1:{udpPort}" };
                if (builder.Configuration[SimulatorTimeScaleKey] is { Length: > 0 } timeScale)
                {
                    simulatorArgs.AddRange(["--time-scale", timeScale]);
                }

                var simulatorResource = builder.AddProject<Projects.FormulaTel_Ingest>("simulator", o => o.ExcludeLaunchProfile = true)
                    .WithArgs([.. simulatorArgs])
                    .WaitFor(ingest);
                TuneService(simulatorResource);
            }

            if (stack.Kind == StackKind.Full)
            {
                // The stream every consumer reads (docs/kafka.md); rpc publishes to it once it is healthy.
                var kafka = builder.AddKafka("kafka").WithDataVolume().WithKafkaUI();
                rpc.WithReference(kafka).WaitFor(kafka);
                web.WithReference(kafka).WaitFor(kafka);
                history.WithReference(kafka).WaitFor(kafka);

                // The history's database: PostgreSQL with its data on a volume (a StatefulSet with a claim in
                // Kubernetes), its password a generated secret parameter (the Secret's postgres-password there).
                var historyDatabase = builder.AddPostgres("postgres").WithDataVolume("formulatel-postgres-data").AddDatabase(HistoryDatabase);
                history.WithReference(historyDatabase).WaitFor(historyDatabase);
                builder.AddObservability();
            }
            else if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("kafka")))
            {
                // Embedded stack with a Kafka of your own (ConnectionStrings:kafka=host:port): rpc publishes to it, web reads it.
                var kafka = builder.AddConnectionString("kafka");
                rpc.WithReference(kafka);
                web.WithReference(kafka);
                history.WithReference(kafka);
            }

            return builder;
        }
    }
}
