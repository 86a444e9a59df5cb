using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace FormulaTel.AppHost.Kubernetes;

/// <summary>Where the images live and how many rpc and web pods run.</summary>
public sealed record KustomizeOptions(string OutputDirectory, string Registry = KustomizeOptions.DefaultRegistry, string Tag = KustomizeOptions.DefaultTag, int RpcReplicas = 1, int WebReplicas = 1)
{
    /// <summary>kind's local registry by convention; the projects' ContainerRegistry default (Directory.Build.props).</summary>
    public const string DefaultRegistry = "localhost:5001";
    public const string DefaultTag = "dev";
}

/// <summary>
/// Turns the AppHost's Aspire manifest (full stack) into a kustomize tree: a Deployment and Service per project
/// (ingest's UDP port on a NodePort), a StatefulSet with a volume claim for Kafka, Deployments for the containers
/// with their bind-mounted config files as generated ConfigMaps, secret parameters from the Secret
/// "formulatel-secrets", probes from /health and /alive, requests and limits, and the standalone Aspire dashboard the
/// collector forwards to. Resource names, ports and environment come from the manifest; the rules here are how
/// each kind of resource runs on a cluster.
/// </summary>
public sealed partial class KustomizeGenerator(JsonElement manifest, string manifestDirectory, KustomizeOptions options)
{
    public const string Namespace = "formulatel";
    public const string SecretName = "formulatel-secrets";
    public const string ParametersConfigMap = "formulatel-parameters";

    /// <summary>The user (and group) the .NET SDK's container images run as (APP_UID).</summary>
    public const long ContainerAppUid = 1654;

    /// <summary>Projects that keep data, and where: the environment variable that names the directory, and its claim's size.</summary>
    private static readonly Dictionary<string, (string Variable, string Claim, string Size)> ProjectData = new(StringComparer.Ordinal)
    {
        // Recordings, kept to 20 GB by retention (Ingest:Recording:MaxTotalSizeGB): the claim leaves room above it.
        ["ingest"] = ("Ingest__Recording__Directory", "ingest-recordings", "25Gi"),
    };
    private static readonly HashSet<string> StatefulContainers = new(StringComparer.Ordinal) { "kafka", "postgres" };

    /// <summary>
    /// The non-root user each container image runs as (checked by the kubelet against runAsNonRoot, which needs a
    /// number), and the directories it writes besides its data claim: empty volumes, since the root filesystem is
    /// read-only. Projects and the Aspire dashboard are .NET images (APP_UID).
    /// </summary>
    private static readonly Dictionary<string, (long User, string[] Writable)> Images = new(StringComparer.Ordinal)
    {
        ["kafka"] = (1000, ["/tmp", "/etc/kafka"]),        // confluent-local's appuser; its entrypoint writes /etc/kafka/*.properties
        ["postgres"] = (999, ["/tmp", "/var/run/postgresql"]),
        ["prometheus"] = (65534, ["/tmp"]),               // nobody
        ["grafana"] = (472, ["/tmp", "/var/lib/grafana"]),
        ["otelcollector"] = (10001, ["/tmp"]),
    };

    private static readonly string[] DotnetWritable = ["/tmp"];

    public const string ImagePrefix = "formulatel/";
    public const int ProjectHttpPort = 8080;
    public const int IngestNodePort = 30777;
    public const int WebNodePort = 30080;
    public const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:9.5";
    public const string DashboardName = "aspire-dashboard";

    private readonly Dictionary<string, JsonElement> _resources = manifest.GetProperty("resources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<string> _configMapGenerators = [];
    private readonly SortedDictionary<string, string> _parameters = new(StringComparer.Ordinal);

    /// <summary>Writes the tree (replacing what was there) and returns the files written, relative to the output.</summary>
    public IReadOnlyList<string> Write()
    {
        foreach (var (name, resource) in _resources.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            switch (resource.GetProperty("type").GetString())
            {
                case "project.v0" or "project.v1":
                    Emit($"{name}.yaml", Project(name, resource));
                    break;
                case "container.v0" or "container.v1":
                    Emit($"{name}.yaml", Container(name, resource));
                    break;
                case "parameter.v0":
                    // Secret parameters: keys of formulatel-secrets (README); the others: formulatel-parameters.
                    if (!IsSecret(resource))
                    {
                        _parameters[name] = resource.GetProperty("inputs").GetProperty("value").TryGetProperty("default", out var d)
                            && d.TryGetProperty("value", out var v) ? v.GetString() ?? "" : "";
                    }

                    break;
                case "value.v0" or "annotated.string":
                    // Values other resources refer to (a database's connection string): resolved where they are used.
                    break;
                default:
                    throw new InvalidOperationException($"The manifest's resource {name} has a type ({resource.GetProperty("type")}) the generator does not know.");
            }
        }

        if (_parameters.Count > 0)
        {
            // Plain parameters as a ConfigMap of literals, their defaults from the manifest: change one with an
            // overlay or `kubectl edit` (README: Kubernetes).
            _configMapGenerators.Add($"  - name: {ParametersConfigMap}\n    literals:\n" + string.Concat(_parameters.Select(p => $"      - {p.Key}={p.Value}\n")));
        }

        Emit("aspire-dashboard.yaml", Dashboard());
        Emit("network-policies.yaml", NetworkPolicies());
        Emit("namespace.yaml", [new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Namespace } }]);
        _files["kustomization.yaml"] = Kustomization();

        if (Directory.Exists(options.OutputDirectory))
        {
            Directory.Delete(options.OutputDirectory, recursive: true);
        }

        foreach (var (path, text) in _files)
        {
            var full = Path.Combine(options.OutputDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text.ReplaceLineEndings("\n"));
        }

        return [.. _files.Keys];
    }

    private void Emit(string file, IEnumerable<object> objects) =>
        _files[file] = "# Generated by `dotnet run --project FormulaTel.AppHost -- k8s`; do not edit by hand.\n"
            + string.Join("---\n", objects.Select(o => QuoteEnvironmentValues(KubernetesYaml.Serialize(o)).TrimEnd() + "\n"));

    /// <summary>
    /// Environment values are strings, but kustomize and kubectl read YAML 1.1, where 0x400000 is a number (and
    /// would come out as 4194304): every plain env value is written quoted.
    /// </summary>
    private static string QuoteEnvironmentValues(string yaml) =>
        PlainEnvValueRegex().Replace(yaml, m => $"{m.Groups[1].Value}\"{m.Groups[2].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");

    private IEnumerable<object> Project(string name, JsonElement resource)
    {
        var ports = Bindings(resource).ToList();
        var environment = Environment(resource).ToList();
        var container = new V1Container
        {
            Name = name,
            Image = ImagePrefix + name,
            Env = [Env("OTEL_SERVICE_NAME", name), .. environment],
            Ports = [.. ports.Select(ToContainerPort)],
            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" }, PeriodSeconds = 10, FailureThreshold = 3 },
            LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = "http" }, InitialDelaySeconds = 10, PeriodSeconds = 20 },
            Resources = Resources("100m", "192Mi", "1", "384Mi"),
        };
        var claims = new List<V1PersistentVolumeClaim>();
        if (ProjectData.TryGetValue(name, out var data) && environment.FirstOrDefault(e => e.Name == data.Variable)?.Value is { } directory)
        {
            container.VolumeMounts = [new V1VolumeMount { Name = data.Claim, MountPath = directory }];
            claims.Add(Claim(data.Claim, data.Size));
        }

        var deployment = Deployment(name, container, [], name switch { "rpc" => options.RpcReplicas, "web" => options.WebReplicas, _ => 1 }, claims);
        if (claims.Count > 0)
        {
            // A ReadWriteOnce claim follows one pod: the old one goes before the new one starts.
            deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };
        }

        yield return deployment;
        foreach (var claim in claims)
        {
            yield return new V1PersistentVolumeClaim { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = claim.Metadata, Spec = claim.Spec };
        }

        // ingest's UDP port on every node (externalTrafficPolicy Local keeps each console's own address as its source);
        // other external bindings (web) on a NodePort too, the rest inside the cluster.
        var udp = ports.Where(p => p.Protocol == "UDP").ToList();
        var tcp = ports.Where(p => p.Protocol == "TCP").ToList();
        if (udp.Count > 0)
        {
            yield return Service(name, udp, "NodePort", IngestNodePort, externalTrafficPolicyLocal: true);
        }

        if (tcp.Count > 0)
        {
            var external = resource.GetProperty("bindings").EnumerateObject().Any(b => b.Name == "http" && b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
            yield return Service(udp.Count > 0 ? $"{name}-http" : name, tcp, external ? "NodePort" : "ClusterIP", external ? WebNodePort : null, externalTrafficPolicyLocal: false);
        }
    }

    private IEnumerable<object> Container(string name, JsonElement resource)
    {
        var ports = Bindings(resource).ToList();
        var mounts = new List<V1VolumeMount>();
        var volumes = new List<V1Volume>();
        var claims = new List<V1PersistentVolumeClaim>();
        if (resource.TryGetProperty("bindMounts", out var bindMounts))
        {
            foreach (var mount in bindMounts.EnumerateArray())
            {
                var (volume, volumeMount) = ConfigMapFor(name, mount);
                volumes.Add(volume);
                mounts.Add(volumeMount);
            }
        }

        if (resource.TryGetProperty("volumes", out var dataVolumes))
        {
            foreach (var volume in dataVolumes.EnumerateArray())
            {
                var claim = volume.GetProperty("name").GetString()!;
                mounts.Add(new V1VolumeMount { Name = claim, MountPath = volume.GetProperty("target").GetString() });
                claims.Add(Claim(claim, name switch { "kafka" => "10Gi", "postgres" => "10Gi", _ => "5Gi" }));
            }
        }

        var image = resource.GetProperty("image").GetString()!;
        var container = new V1Container
        {
            Name = name,
            Image = image,
            Args = resource.TryGetProperty("args", out var args) ? [.. args.EnumerateArray().Select(a => Resolve(a.GetString()!) ?? "")] : null,
            Env = [.. Environment(resource)],
            Ports = [.. ports.Select(ToContainerPort)],
            VolumeMounts = mounts.Count > 0 ? mounts : null,
            Resources = name switch
            {
                "kafka" => Resources("500m", "1Gi", "2", "2Gi"),
                "prometheus" => Resources("200m", "512Mi", "1", "1Gi"),
                "postgres" => Resources("250m", "256Mi", "1", "1Gi"),
                _ => Resources("100m", "128Mi", "1", "512Mi"),
            },
        };
        (container.ReadinessProbe, container.LivenessProbe) = ContainerProbes(name, ports);

        // One replica each: Kafka (a single KRaft node) and PostgreSQL keep their data on a claim (a StatefulSet keeps
        // pod and claim together); Prometheus and Grafana keep state too, so they do not scale by replicas.
        var stateful = claims.Count > 0 && StatefulContainers.Contains(name);
        yield return stateful
            ? StatefulSet(name, container, volumes, claims)
            : Deployment(name, container, volumes, 1, claims);
        foreach (var claim in stateful ? [] : claims)
        {
            yield return new V1PersistentVolumeClaim { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = claim.Metadata, Spec = claim.Spec };
        }

        if (ports.Count > 0)
        {
            yield return Service(name, ports, "ClusterIP", null, externalTrafficPolicyLocal: false);
        }
    }

    private static V1PersistentVolumeClaim Claim(string name, string size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } } },
    };

    private static (V1Probe? Ready, V1Probe? Alive) ContainerProbes(string name, List<PortSpec> ports)
    {
        V1Probe Http(string path, string port) => new() { HttpGet = new V1HTTPGetAction { Path = path, Port = port }, PeriodSeconds = 10 };
        // Ready when the server takes connections, not merely when its port is open (it opens it during recovery).
        V1Probe PgIsReady(int period, int delay) => new() { Exec = new V1ExecAction { Command = ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] }, PeriodSeconds = period, InitialDelaySeconds = delay > 0 ? delay : null };
        return name switch
        {
            "prometheus" => (Http("/-/ready", "http"), Http("/-/healthy", "http")),
            "grafana" => (Http("/api/health", "http"), Http("/api/health", "http")),
            "postgres" => (PgIsReady(10, 0), PgIsReady(20, 30)),
            "otelcollector" => (Http("/", "health"), Http("/", "health")),
            _ when ports.Count > 0 => (new V1Probe { TcpSocket = new V1TCPSocketAction { Port = ports[0].Name }, PeriodSeconds = 10 }, new V1Probe { TcpSocket = new V1TCPSocketAction { Port = ports[0].Name }, InitialDelaySeconds = 30, PeriodSeconds = 20 }),
            _ => (null, null),
        };
    }

    /// <summary>The standalone Aspire dashboard, where the collector sends traces, logs and metrics.</summary>
    private IEnumerable<object> Dashboard()
    {
        const string name = DashboardName;
        PortSpec[] ports = [new("http", 18888, "TCP"), new("otlp", 18889, "TCP")];
        var container = new V1Container
        {
            Name = name,
            Image = DashboardImage,
            // Inside the cluster only; reach the UI with `kubectl port-forward` and sign in with the browser token
            // (README). The collector sends the OTLP key; both are keys of the Secret.
            Env =
            [
                Env("DASHBOARD__OTLP__AUTHMODE", "ApiKey"),
                new V1EnvVar { Name = "DASHBOARD__OTLP__PRIMARYAPIKEY", ValueFrom = SecretKey(Observability.ObservabilityResources.DashboardOtlpKeyParameter) },
                Env("DASHBOARD__FRONTEND__AUTHMODE", "BrowserToken"),
                new V1EnvVar { Name = "DASHBOARD__FRONTEND__BROWSERTOKEN", ValueFrom = SecretKey(Observability.ObservabilityResources.DashboardBrowserTokenParameter) },
            ],
            Ports = [.. ports.Select(ToContainerPort)],
            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 10 },
            Resources = Resources("100m", "128Mi", "1", "512Mi"),
        };
        yield return Deployment(name, container, [], 1);
        yield return Service(name, [.. ports], "ClusterIP", null, externalTrafficPolicyLocal: false);
    }

    /// <summary>A connection the model has: a workload reaching another's port.</summary>
    public sealed record Edge(string From, string To, int Port, string Protocol);

    /// <summary>
    /// The connections of the model: every binding a resource's environment or arguments name (directly, or through a
    /// connection string), every in-cluster URL they spell out (the collector's dashboard endpoint), and the external
    /// bindings, which anyone may reach (From is "*": web's page, ingest's UDP port).
    /// </summary>
    public IReadOnlyList<Edge> Edges()
    {
        var edges = new SortedSet<Edge>(Comparer<Edge>.Create((a, b) => string.CompareOrdinal($"{a.From} {a.To} {a.Port} {a.Protocol}", $"{b.From} {b.To} {b.Port} {b.Protocol}")));
        foreach (var (name, resource) in _resources.Where(r => IsWorkload(r.Value)))
        {
            var values = (resource.TryGetProperty("env", out var env) ? env.EnumerateObject().Select(v => v.Value.GetString() ?? "") : [])
                .Concat(resource.TryGetProperty("args", out var args) ? args.EnumerateArray().Select(a => a.GetString() ?? "") : []);
            foreach (var value in values)
            {
                foreach (var (to, binding) in BindingsNamedIn(value))
                {
                    if (to != name && binding != "https" && _resources[to].GetProperty("bindings").GetProperty(binding) is var spec)
                    {
                        edges.Add(new Edge(name, to, PortOf(binding, spec), spec.GetProperty("protocol").GetString() == "udp" ? "UDP" : "TCP"));
                    }
                }

                if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme == "http" && url.Host == DashboardName)
                {
                    edges.Add(new Edge(name, DashboardName, url.Port, "TCP"));
                }
            }

            foreach (var port in Bindings(resource))
            {
                if (resource.GetProperty("bindings").GetProperty(port.Name).TryGetProperty("external", out var external) && external.GetBoolean())
                {
                    edges.Add(new Edge("*", name, port.Port, port.Protocol));
                }
            }
        }

        return [.. edges];
    }

    private IEnumerable<(string Resource, string Binding)> BindingsNamedIn(string value)
    {
        foreach (Match m in PlaceholderRegex().Matches(value))
        {
            var resource = m.Groups["resource"].Value;
            if (m.Groups["binding"].Success && m.Groups["binding"].Value.Length > 0)
            {
                yield return (resource, m.Groups["binding"].Value);
            }
            else if (m.Groups["what"].Value == "connectionString" && _resources[resource].TryGetProperty("connectionString", out var connectionString))
            {
                foreach (var named in BindingsNamedIn(connectionString.GetString() ?? ""))
                {
                    yield return named;
                }
            }
        }
    }

    private static bool IsWorkload(JsonElement resource) => resource.GetProperty("type").GetString() is "project.v0" or "project.v1" or "container.v0" or "container.v1";

    /// <summary>
    /// Ingress denied to every pod of the namespace, then allowed per pod for exactly the connections of
    /// <see cref="Edges"/>, port by port. Egress is left open: ingest forwards to apps on the LAN.
    /// </summary>
    private IEnumerable<object> NetworkPolicies()
    {
        yield return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta { Name = "default-deny-ingress", Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "formulatel" } },
            Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress"] },
        };

        foreach (var target in Edges().GroupBy(e => e.To).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return new V1NetworkPolicy
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "NetworkPolicy",
                Metadata = new V1ObjectMeta { Name = $"allow-to-{target.Key}", Labels = PartOf(target.Key) },
                Spec = new V1NetworkPolicySpec
                {
                    PodSelector = new V1LabelSelector { MatchLabels = Labels(target.Key) },
                    PolicyTypes = ["Ingress"],
                    Ingress = [.. target.GroupBy(e => (e.Port, e.Protocol)).OrderBy(g => g.Key.Port).Select(port => new V1NetworkPolicyIngressRule
                    {
                        Ports = [new V1NetworkPolicyPort { Port = port.Key.Port, Protocol = port.Key.Protocol }],
                        // From anywhere (an external binding), or from the pods that use it.
                        FromProperty = port.Any(e => e.From == "*")
                            ? null
                            : [.. port.Select(e => e.From).Distinct().Order(StringComparer.Ordinal).Select(from => new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels(from) } })],
                    })],
                },
            };
        }
    }

    private (V1Volume Volume, V1VolumeMount Mount) ConfigMapFor(string resource, JsonElement mount)
    {
        var source = Path.GetFullPath(Path.Combine(manifestDirectory, mount.GetProperty("source").GetString()!));
        var target = mount.GetProperty("target").GetString()!;
        var configMap = $"{resource}-{Slug(Path.GetFileName(source.TrimEnd('/')))}";
        var volume = new V1Volume { Name = configMap, ConfigMap = new V1ConfigMapVolumeSource { Name = configMap } };
        var entries = new List<string>();
        if (File.Exists(source))
        {
            // A single file: the ConfigMap's one key, mounted at the file's path.
            var key = Path.GetFileName(source);
            _files[$"files/{configMap}/{key}"] = File.ReadAllText(source);
            entries.Add($"{key}=files/{configMap}/{key}");
            _configMapGenerators.Add(ConfigMapGenerator(configMap, entries));
            return (volume, new V1VolumeMount { Name = configMap, MountPath = target, SubPath = key, ReadOnlyProperty = true });
        }

        // A directory: one key per file (nested paths flattened), put back in place by the volume's items.
        var items = new List<V1KeyToPath>();
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            var key = relative.Replace('/', '_');
            _files[$"files/{configMap}/{relative}"] = File.ReadAllText(file);
            entries.Add($"{key}=files/{configMap}/{relative}");
            items.Add(new V1KeyToPath { Key = key, Path = relative });
        }

        volume.ConfigMap.Items = items;
        _configMapGenerators.Add(ConfigMapGenerator(configMap, entries));
        return (volume, new V1VolumeMount { Name = configMap, MountPath = target, ReadOnlyProperty = true });
    }

    private static string ConfigMapGenerator(string name, List<string> files) =>
        $"  - name: {name}\n    files:\n" + string.Concat(files.Select(f => $"      - {f}\n"));

    private string Kustomization()
    {
        var text = new StringBuilder();
        text.Append("# Generated by `dotnet run --project FormulaTel.AppHost -- k8s`; do not edit by hand (README: Kubernetes).\n");
        text.Append("# Kept to what kustomize 2.0 (Debian's kubectl 1.20) reads; replicas are in the Deployments (--rpc-replicas, --web-replicas).\n");
        text.Append("# Needs a Secret the tree does not hold:\n");
        var secrets = _resources.Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0" && IsSecret(r.Value)).Select(r => $" --from-literal={r.Key}=…").Order(StringComparer.Ordinal);
        text.Append($"#   kubectl -n {Namespace} create secret generic {SecretName}{string.Concat(secrets)}\n");
        text.Append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        text.Append($"namespace: {Namespace}\n");
        text.Append("resources:\n");
        foreach (var file in _files.Keys.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) && !f.StartsWith("files/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            text.Append($"  - {file}\n");
        }

        text.Append("configMapGenerator:\n");
        foreach (var generator in _configMapGenerators.Order(StringComparer.Ordinal))
        {
            text.Append(generator);
        }

        text.Append("images:\n");
        foreach (var project in _resources.Where(r => r.Value.GetProperty("type").GetString()!.StartsWith("project", StringComparison.Ordinal)).Select(r => r.Key).Order(StringComparer.Ordinal))
        {
            text.Append($"  - name: {ImagePrefix}{project}\n    newName: {options.Registry}/{ImagePrefix}{project}\n    newTag: {options.Tag}\n");
        }

        return text.ToString();
    }

    private sealed record PortSpec(string Name, int Port, string Protocol);

    /// <summary>The resource's ports: its target ports, projects' HTTP on 8080; https is left to an ingress.</summary>
    private static IEnumerable<PortSpec> Bindings(JsonElement resource)
    {
        if (!resource.TryGetProperty("bindings", out var bindings))
        {
            yield break;
        }

        foreach (var binding in bindings.EnumerateObject().OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            if (binding.Name == "https")
            {
                continue;
            }

            yield return new PortSpec(binding.Name, PortOf(binding.Name, binding.Value), binding.Value.GetProperty("protocol").GetString() == "udp" ? "UDP" : "TCP");
        }
    }

    private static int PortOf(string name, JsonElement binding) =>
        binding.TryGetProperty("targetPort", out var port) ? port.GetInt32()
        : name == "http" ? ProjectHttpPort
        : throw new InvalidOperationException($"Binding {name} has no target port.");

    private IEnumerable<V1EnvVar> Environment(JsonElement resource)
    {
        if (!resource.TryGetProperty("env", out var env))
        {
            return [];
        }

        var variables = new List<V1EnvVar>();
        var secrets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var variable in env.EnumerateObject().OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            var value = variable.Value.GetString() ?? "";
            var parameter = ParameterRegex().Match(value);
            if (parameter.Success && IsSecret(_resources[parameter.Groups[1].Value]))
            {
                variables.Add(new V1EnvVar { Name = variable.Name, ValueFrom = SecretKey(parameter.Groups[1].Value) });
            }
            else if (parameter.Success)
            {
                variables.Add(new V1EnvVar { Name = variable.Name, ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = ParametersConfigMap, Key = parameter.Groups[1].Value } } });
            }
            else if (Resolve(value, secrets) is { } resolved)
            {
                variables.Add(Env(variable.Name, resolved));
            }
        }

        // A secret inside a longer value (a connection string's password) is Kubernetes' $(VAR), which needs VAR
        // defined before it: those come first.
        return [.. secrets.Select(secret => new V1EnvVar { Name = SecretVariable(secret), ValueFrom = SecretKey(secret) }), .. variables];
    }

    private static V1EnvVarSource SecretKey(string parameter) => new() { SecretKeyRef = new V1SecretKeySelector { Name = SecretName, Key = parameter } };

    private static string SecretVariable(string parameter) => "FORMULATEL_SECRET_" + parameter.ToUpperInvariant().Replace('-', '_');

    /// <summary>Manifest expressions to in-cluster values; null for what has no place there (https endpoints).</summary>
    private string? Resolve(string value, ISet<string>? secrets = null)
    {
        var dropped = false;
        var resolved = PlaceholderRegex().Replace(value, m =>
        {
            var resource = m.Groups["resource"].Value;
            if (!_resources.TryGetValue(resource, out var target))
            {
                throw new InvalidOperationException($"The manifest refers to an unknown resource {resource}.");
            }

            if (m.Groups["what"].Value == "connectionString")
            {
                var connectionString = Resolve(target.GetProperty("connectionString").GetString()!, secrets);
                dropped |= connectionString is null;
                return connectionString ?? "";
            }

            if (m.Groups["what"].Value == "value")
            {
                // A secret parameter inside a value; a plain one by its default; anything else (an encoded copy of a
                // secret) has no place in a manifest, so the variable is left out.
                if (target.GetProperty("type").GetString() == "parameter.v0" && IsSecret(target) && secrets is not null)
                {
                    secrets.Add(resource);
                    return $"$({SecretVariable(resource)})";
                }

                if (target.GetProperty("type").GetString() == "parameter.v0" && !IsSecret(target))
                {
                    return _parameters.GetValueOrDefault(resource, "");
                }

                dropped = true;
                return "";
            }

            var binding = m.Groups["binding"].Value;
            if (binding == "https")
            {
                dropped = true;
                return "";
            }

            var spec = target.GetProperty("bindings").GetProperty(binding);
            var port = PortOf(binding, spec).ToString(CultureInfo.InvariantCulture);
            var host = ServiceFor(resource, spec);
            return m.Groups["property"].Value switch
            {
                "url" => $"{spec.GetProperty("scheme").GetString()}://{host}:{port}",
                "host" => host,
                "port" or "targetPort" => port,
                var other => throw new InvalidOperationException($"Binding property {other} is not supported."),
            };
        });
        return dropped ? null : resolved;
    }

    private static string ServiceFor(string resource, JsonElement binding) =>
        binding.GetProperty("protocol").GetString() == "udp" ? resource
        : resource == "ingest" ? "ingest-http" : resource;

    private static V1ResourceRequirements Resources(string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest), ["memory"] = new(memoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
    };

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static V1ContainerPort ToContainerPort(PortSpec port) => new() { Name = port.Name, ContainerPort = port.Port, Protocol = port.Protocol };

    private static Dictionary<string, string> Labels(string name) => new() { ["app.kubernetes.io/name"] = name };

    private static Dictionary<string, string> PartOf(string name) => new(Labels(name)) { ["app.kubernetes.io/part-of"] = "formulatel" };

    private static V1Deployment Deployment(string name, V1Container container, List<V1Volume> volumes, int replicas, List<V1PersistentVolumeClaim>? claims = null)
    {
        foreach (var claim in claims ?? [])
        {
            volumes.Add(new V1Volume { Name = claim.Metadata.Name, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim.Metadata.Name } });
        }

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, Labels = PartOf(name) },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = Labels(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(name) },
                    Spec = Secured(name, container, volumes, claims?.Count > 0),
                },
            },
        };
    }

    /// <summary>
    /// The pod as it runs: as its image's non-root user, seccomp's default profile, no privilege escalation, every
    /// capability dropped, a read-only root filesystem with empty volumes where the image writes.
    /// </summary>
    private static V1PodSpec Secured(string name, V1Container container, List<V1Volume> volumes, bool hasClaims)
    {
        var (user, writable) = Images.TryGetValue(name, out var image) ? image : (ContainerAppUid, DotnetWritable);
        var mounts = container.VolumeMounts?.ToList() ?? [];
        foreach (var path in writable)
        {
            var volume = "writable" + Slug(path).Insert(0, "-");
            volumes.Add(new V1Volume { Name = volume, EmptyDir = new V1EmptyDirVolumeSource() });
            mounts.Add(new V1VolumeMount { Name = volume, MountPath = path });
        }

        container.VolumeMounts = mounts;
        container.SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            RunAsNonRoot = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        return new V1PodSpec
        {
            Containers = [container],
            Volumes = volumes,
            // Claims are written by the image's user: their files belong to its group.
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = user,
                RunAsGroup = user,
                FsGroup = hasClaims ? user : null,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
        };
    }

    private static V1StatefulSet StatefulSet(string name, V1Container container, List<V1Volume> volumes, List<V1PersistentVolumeClaim> claims) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = new V1ObjectMeta { Name = name, Labels = PartOf(name) },
        Spec = new V1StatefulSetSpec
        {
            ServiceName = name,
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = Labels(name) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels(name) },
                Spec = Secured(name, container, volumes, hasClaims: true),
            },
            VolumeClaimTemplates = claims,
        },
    };

    private static V1Service Service(string name, List<PortSpec> ports, string type, int? nodePort, bool externalTrafficPolicyLocal) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, Labels = PartOf(name.Replace("-http", "", StringComparison.Ordinal)) },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = Labels(name.Replace("-http", "", StringComparison.Ordinal)),
            ExternalTrafficPolicy = externalTrafficPolicyLocal ? "Local" : null,
            Ports = [.. ports.Select(p => new V1ServicePort
            {
                Name = p.Name,
                Port = p.Port,
                TargetPort = p.Name,
                Protocol = p.Protocol,
                NodePort = type == "NodePort" && (p.Protocol == "UDP" || p.Name == "http") ? nodePort : null,
            })],
        },
    };

    private static string Slug(string text) => NonSlugRegex().Replace(text.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex(@"\{(?<resource>[a-zA-Z0-9-]+)\.(?:(?<what>connectionString|value)|bindings\.(?<binding>[a-zA-Z0-9-]+)\.(?<property>[a-zA-Z]+))\}")]
    private static partial Regex PlaceholderRegex();

    private static bool IsSecret(JsonElement parameter) =>
        parameter.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var secret) && secret.GetBoolean();

    [GeneratedRegex(@"^\{([a-zA-Z0-9-]+)\.value\}$")]
    private static partial Regex ParameterRegex();

    [GeneratedRegex("""^(\s+- name: \S+\r?\n\s+value: )([^"'\r\n][^\r\n]*)$""", RegexOptions.Multiline)]
    private static partial Regex PlainEnvValueRegex();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugRegex();
}
