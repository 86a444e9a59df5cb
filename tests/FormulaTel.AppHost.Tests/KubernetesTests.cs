using System.Diagnostics;
using System.Text.Json;
using FormulaTel.AppHost.Kubernetes;
using FormulaTel.Testing;
using k8s;
using k8s.Models;

namespace FormulaTel.AppHost.Tests;

/// <summary>
/// From the AppHost model to Kubernetes: the manifest publish mode writes, the kustomize tree generated from it (and
/// committed), rendered by kubectl, read strictly into the Kubernetes models, and checked for consistency.
/// </summary>
public sealed class KubernetesTests
{
    private static string Tree => Path.Combine(Fixtures.RepositoryRoot, "deploy", "k8s");

    [Fact]
    public async Task The_manifest_declares_every_resource_binding_and_environment_entry_of_the_full_stack()
    {
        string[] otlp = ["ASPNETCORE_FORWARDEDHEADERS_ENABLED", "DOTNET_GCgen0size", "HTTP_PORTS", "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_METRIC_EXPORT_INTERVAL"];
        string[] findsRpc = ["RPC_GRPC", "RPC_HTTP", "RPC_HTTPS", "services__rpc__grpc__0", "services__rpc__http__0", "services__rpc__https__0"];
        string[] findsHistory = ["HISTORY_HTTP", "HISTORY_HTTPS", "services__history__http__0", "services__history__https__0"];
        var expected = new Dictionary<string, (string Type, string[] Bindings, string[] Env)>
        {
            ["rpc"] = ("project.v0", ["grpc", "http", "https"], [.. otlp, "ConnectionStrings__kafka", "GRPC_PORT", "Rpc__Access__PublishKeys__0", "Rpc__Access__WatchKeys__0"]),
            ["ingest"] = ("project.v0", ["http", "https", "udp"], [.. otlp, .. findsRpc, "Ingest__UdpPort", "Ingest__Recording__Directory", "Ingest__ForwardTo", "RpcClient__Key"]),
            ["web"] = ("project.v0", ["http", "https"], [.. otlp, .. findsRpc, .. findsHistory, "ConnectionStrings__kafka", "RpcClient__Key"]),
            ["history"] = ("project.v0", ["http", "https"], [.. otlp, .. findsRpc, "ConnectionStrings__kafka", "RpcClient__Key", "ConnectionStrings__historydb", "HISTORYDB_HOST", "HISTORYDB_PORT",
                "HISTORYDB_USERNAME", "HISTORYDB_PASSWORD", "HISTORYDB_URI", "HISTORYDB_JDBCCONNECTIONSTRING", "HISTORYDB_DATABASENAME"]),
            ["postgres"] = ("container.v0", ["tcp"], ["POSTGRES_HOST_AUTH_METHOD", "POSTGRES_INITDB_ARGS", "POSTGRES_USER", "POSTGRES_PASSWORD"]),
            ["postgres-password"] = ("parameter.v0", [], []),
            ["postgres-password-uri-encoded"] = ("annotated.string", [], []),
            ["historydb"] = ("value.v0", [], []),
            ["kafka"] = ("container.v0", ["internal", "tcp"], ["KAFKA_ADVERTISED_LISTENERS", "KAFKA_LISTENERS", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "KAFKA_LOG_DIRS"]),
            ["otelcollector"] = ("container.v0", ["grpc", "health", "http"], ["ASPIRE_API_KEY", "ASPIRE_ENDPOINT", "PROMETHEUS_ENDPOINT"]),
            ["prometheus"] = ("container.v0", ["http"], []),
            ["grafana"] = ("container.v0", ["http"], ["GF_AUTH_ANONYMOUS_ENABLED", "GF_AUTH_ANONYMOUS_ORG_ROLE", "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "GF_SECURITY_ADMIN_PASSWORD", "PROMETHEUS_ENDPOINT"]),
            ["grafana-admin-password"] = ("parameter.v0", [], []),
            ["forward-to"] = ("parameter.v0", [], []),
            ["rpc-publish-key"] = ("parameter.v0", [], []),
            ["rpc-watch-key"] = ("parameter.v0", [], []),
            ["dashboard-otlp-key"] = ("parameter.v0", [], []),
            ["dashboard-browser-token"] = ("parameter.v0", [], []),
        };

        using var manifest = await AppHostProcess.ManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        Assert.Equal(expected.Keys.Order(), resources.Keys.Order());
        foreach (var (name, (type, bindings, env)) in expected)
        {
            var resource = resources[name];
            Assert.Equal(type, resource.GetProperty("type").GetString());
            Assert.Equal(bindings.Order(), resource.TryGetProperty("bindings", out var b) ? b.EnumerateObject().Select(p => p.Name).Order() : []);
            Assert.Equal(env.Order(), resource.TryGetProperty("env", out var e) ? e.EnumerateObject().Select(p => p.Name).Order() : []);
        }

        // The values that wire the stack together.
        string Env(string resource, string name) => resources[resource].GetProperty("env").GetProperty(name).GetString()!;
        Assert.Equal("{kafka.connectionString}", Env("rpc", "ConnectionStrings__kafka"));
        Assert.Equal("{rpc.bindings.grpc.url}", Env("web", "services__rpc__grpc__0"));
        Assert.Equal("{otelcollector.bindings.grpc.url}", Env("ingest", "OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("{prometheus.bindings.http.url}", Env("otelcollector", "PROMETHEUS_ENDPOINT"));
        Assert.Equal("{grafana-admin-password.value}", Env("grafana", "GF_SECURITY_ADMIN_PASSWORD"));
        Assert.Equal("{kafka.connectionString}", Env("history", "ConnectionStrings__kafka"));
        Assert.Equal("{historydb.connectionString}", Env("history", "ConnectionStrings__historydb"));
        Assert.True(resources["postgres-password"].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.Equal("20777", Env("ingest", "Ingest__UdpPort"));
        Assert.Equal(20777, resources["ingest"].GetProperty("bindings").GetProperty("udp").GetProperty("targetPort").GetInt32());
        Assert.True(resources["grafana-admin-password"].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        // rpc's keys and the dashboard's: secret parameters, generated when not given; each caller gets its role's key.
        foreach (var secret in new[] { "rpc-publish-key", "rpc-watch-key", "dashboard-otlp-key", "dashboard-browser-token" })
        {
            Assert.True(resources[secret].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), secret);
        }

        Assert.Equal(("{rpc-publish-key.value}", "{rpc-watch-key.value}"), (Env("rpc", "Rpc__Access__PublishKeys__0"), Env("rpc", "Rpc__Access__WatchKeys__0")));
        Assert.Equal("{rpc-publish-key.value}", Env("ingest", "RpcClient__Key"));
        Assert.Equal(("{rpc-watch-key.value}", "{rpc-watch-key.value}"), (Env("web", "RpcClient__Key"), Env("history", "RpcClient__Key")));
        Assert.Equal("{dashboard-otlp-key.value}", Env("otelcollector", "ASPIRE_API_KEY"));
        Assert.Equal("false", Env("grafana", "GF_AUTH_ANONYMOUS_ENABLED"));
        // Recordings in the container's data directory (a claim in Kubernetes); forwarding targets as a plain parameter, none by default.
        Assert.Equal(FormulaTelModel.ContainerRecordingDirectory, Env("ingest", "Ingest__Recording__Directory"));
        Assert.Equal("{forward-to.value}", Env("ingest", "Ingest__ForwardTo"));
        var forwardTo = resources["forward-to"].GetProperty("inputs").GetProperty("value");
        Assert.False(forwardTo.TryGetProperty("secret", out _));
        Assert.Equal("", forwardTo.GetProperty("default").GetProperty("value").GetString());
    }

    [Fact]
    public async Task The_committed_tree_is_exactly_what_the_generator_writes()
    {
        var fresh = Directory.CreateTempSubdirectory("formulatel-k8s-").FullName;
        try
        {
            await AppHostProcess.RunAsync("k8s", "--output", fresh);
            static Dictionary<string, string> Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText);
            var committed = Files(Tree);
            var generated = Files(fresh);
            Assert.Equal(generated.Keys.Order(), committed.Keys.Order());
            foreach (var (path, text) in generated)
            {
                Assert.True(text == committed[path], $"deploy/k8s/{path} differs from what the generator writes: run `dotnet run --project FormulaTel.AppHost -- k8s` and commit");
            }
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    [Fact]
    public async Task The_generator_explains_its_options()
    {
        Assert.Contains("--registry HOST", await AppHostProcess.RunAsync("k8s", "--help"));
    }

    /// <summary>Debian's kubernetes-client (tests/run.sh unpacks it and sets FORMULATEL_KUBECTL), else kubectl on the PATH.</summary>
    private static string Kubectl => Environment.GetEnvironmentVariable("FORMULATEL_KUBECTL") is { Length: > 0 } path ? path : "kubectl";

    private static async Task<List<IKubernetesObject>> RenderAsync()
    {
        using var kubectl = Process.Start(new ProcessStartInfo(Kubectl, ["kustomize", Tree]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var rendered = kubectl.StandardOutput.ReadToEndAsync();
        var errors = kubectl.StandardError.ReadToEndAsync();
        await kubectl.WaitForExitAsync();
        Assert.True(kubectl.ExitCode == 0, await errors);
        // Strict: a field the Kubernetes models do not know fails the test.
        return [.. KubernetesYaml.LoadAllFromString(await rendered, strict: true).Cast<IKubernetesObject>()];
    }

    [Fact]
    public async Task Kubectl_renders_the_tree_into_objects_the_kubernetes_models_read_strictly()
    {
        var objects = await RenderAsync();
        var kinds = objects.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["ConfigMap"] = 5, ["Deployment"] = 8, ["Namespace"] = 1, ["NetworkPolicy"] = 10, ["PersistentVolumeClaim"] = 2, ["Service"] = 11, ["StatefulSet"] = 2 }, kinds);

        var statefulSets = objects.OfType<V1StatefulSet>().ToDictionary(s => s.Metadata.Name);
        Assert.Equal("formulatel-kafka-data", Assert.Single(statefulSets["kafka"].Spec.VolumeClaimTemplates).Metadata.Name);

        // PostgreSQL for the history: its data on a claim, its password from the Secret, and history's connection
        // string taking the same key through a variable defined before it ($(VAR) needs that).
        var postgres = statefulSets["postgres"].Spec;
        Assert.Equal("formulatel-postgres-data", Assert.Single(postgres.VolumeClaimTemplates).Metadata.Name);
        var postgresPassword = postgres.Template.Spec.Containers[0].Env.Single(e => e.Name == "POSTGRES_PASSWORD").ValueFrom.SecretKeyRef;
        Assert.Equal((KustomizeGenerator.SecretName, "postgres-password"), (postgresPassword.Name, postgresPassword.Key));
        Assert.Equal("pg_isready", postgres.Template.Spec.Containers[0].ReadinessProbe.Exec.Command[0]);

        var ingest = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "ingest");
        Assert.Equal(("NodePort", "Local"), (ingest.Spec.Type, ingest.Spec.ExternalTrafficPolicy));
        Assert.Equal(("UDP", 20777, 30777), (ingest.Spec.Ports[0].Protocol, ingest.Spec.Ports[0].Port, ingest.Spec.Ports[0].NodePort));

        // Probes from /health and /alive; requests and limits; OTLP to the collector.
        var deployments = objects.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        foreach (var project in new[] { "rpc", "web", "ingest" })
        {
            var container = deployments[project].Spec.Template.Spec.Containers.Single();
            Assert.Equal(("/health", "/alive"), (container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path));
            Assert.True(container.Resources.Requests.ContainsKey("memory") && container.Resources.Limits.ContainsKey("memory"), project);
            Assert.Equal("http://otelcollector:4317", container.Env.Single(e => e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT").Value);
        }

        Assert.Equal("kafka:9092", deployments["rpc"].Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "ConnectionStrings__kafka").Value);
        Assert.Equal("0x400000", deployments["rpc"].Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "DOTNET_GCgen0size").Value); // a string, not 4194304
        var historyEnv = deployments["history"].Spec.Template.Spec.Containers[0].Env.ToList();
        var connection = historyEnv.FindIndex(e => e.Name == "ConnectionStrings__historydb");
        var secretVariable = historyEnv.FindIndex(e => e.ValueFrom?.SecretKeyRef?.Key == "postgres-password" && historyEnv[connection].Value.Contains($"$({e.Name})", StringComparison.Ordinal));
        Assert.True(secretVariable >= 0 && secretVariable < connection, string.Join(", ", historyEnv.Select(e => e.Name)));
        Assert.StartsWith("Host=postgres;Port=5432;Username=postgres;Password=$(", historyEnv[connection].Value, StringComparison.Ordinal);
        Assert.EndsWith(";Database=historydb", historyEnv[connection].Value, StringComparison.Ordinal);
        Assert.DoesNotContain(historyEnv, e => e.Name == "HISTORYDB_URI"); // a URI-encoded copy of the secret has no place here
        Assert.Equal("kafka:9092", historyEnv.Single(e => e.Name == "ConnectionStrings__kafka").Value);
        var password = deployments["grafana"].Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "GF_SECURITY_ADMIN_PASSWORD");
        Assert.Equal((KustomizeGenerator.SecretName, "grafana-admin-password"), (password.ValueFrom.SecretKeyRef.Name, password.ValueFrom.SecretKeyRef.Key));
        Assert.All(objects.Where(o => o.Kind != "Namespace"), o => Assert.Equal(KustomizeGenerator.Namespace, ((IMetadata<V1ObjectMeta>)o).Metadata.NamespaceProperty));

        // Ingest keeps its recordings on a claim, mounted where the environment says; one pod at a time holds it.
        var ingestPod = deployments["ingest"].Spec;
        Assert.Equal("Recreate", ingestPod.Strategy.Type);
        Assert.Equal(KustomizeGenerator.ContainerAppUid, ingestPod.Template.Spec.SecurityContext.FsGroup);
        Assert.Contains(ingestPod.Template.Spec.Containers.Single().VolumeMounts, m => m.MountPath == "/tmp");
        var ingestContainer = ingestPod.Template.Spec.Containers.Single();
        var mount = Assert.Single(ingestContainer.VolumeMounts, m => m.MountPath != "/tmp");
        Assert.Equal(ingestContainer.Env.Single(e => e.Name == "Ingest__Recording__Directory").Value, mount.MountPath);
        Assert.Equal("ingest-recordings", ingestPod.Template.Spec.Volumes.Single(v => v.Name == mount.Name).PersistentVolumeClaim.ClaimName);
        var claim = objects.OfType<V1PersistentVolumeClaim>().Single(c => c.Metadata.Name == "ingest-recordings");
        Assert.Equal("25Gi", claim.Spec.Resources.Requests["storage"].ToString());

        // Forwarding targets from the plain parameters' ConfigMap (empty: none), which kustomize names with a hash.
        var forwardTo = ingestContainer.Env.Single(e => e.Name == "Ingest__ForwardTo").ValueFrom.ConfigMapKeyRef;
        Assert.StartsWith(KustomizeGenerator.ParametersConfigMap + "-", forwardTo.Name, StringComparison.Ordinal);
        Assert.Equal("", objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == forwardTo.Name).Data[forwardTo.Key]);
    }

    [Fact]
    public async Task Names_selectors_ports_and_references_agree_across_objects()
    {
        var objects = await RenderAsync();
        var pods = objects.OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Selector.MatchLabels, d.Spec.Template, Claims: new List<V1PersistentVolumeClaim>()))
            .Concat(objects.OfType<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Selector.MatchLabels, s.Spec.Template, Claims: s.Spec.VolumeClaimTemplates.ToList())))
            .ToList();
        var services = objects.OfType<V1Service>().ToList();
        var configMaps = objects.OfType<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var claims = objects.OfType<V1PersistentVolumeClaim>().Select(c => c.Metadata.Name).ToHashSet();

        foreach (var (name, selector, template, templateClaims) in pods)
        {
            Assert.All(selector, l => Assert.Equal(l.Value, template.Metadata.Labels[l.Key]));
            var volumes = template.Spec.Volumes?.ToDictionary(v => v.Name) ?? [];
            foreach (var volume in volumes.Values)
            {
                if (volume.ConfigMap is { } cm)
                {
                    Assert.True(configMaps.ContainsKey(cm.Name), $"{name}: ConfigMap {cm.Name}");
                    Assert.All(cm.Items ?? [], item => Assert.True(configMaps[cm.Name].Data.ContainsKey(item.Key), $"{name}: {cm.Name} has no key {item.Key}"));
                }

                if (volume.PersistentVolumeClaim is { } pvc)
                {
                    Assert.Contains(pvc.ClaimName, claims);
                }
            }

            foreach (var container in template.Spec.Containers)
            {
                var portNames = container.Ports?.Select(p => p.Name).ToHashSet() ?? [];
                Assert.All(container.VolumeMounts ?? [], m => Assert.True(volumes.ContainsKey(m.Name) || templateClaims.Any(c => c.Metadata.Name == m.Name), $"{name}: mount {m.Name}"));
                foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe }.Where(p => p is not null))
                {
                    if (probe!.Exec is { } exec)
                    {
                        Assert.NotEmpty(exec.Command);
                        continue;
                    }

                    var port = probe.HttpGet?.Port.Value ?? probe.TcpSocket?.Port.Value;
                    Assert.True(port is not null && portNames.Contains(port), $"{name}: probe port {port}");
                }

                foreach (var env in container.Env ?? [])
                {
                    if (env.ValueFrom?.SecretKeyRef is { } secret)
                    {
                        Assert.Equal(KustomizeGenerator.SecretName, secret.Name); // the one Secret users create (README)
                    }

                    if (env.ValueFrom?.ConfigMapKeyRef is { } key)
                    {
                        Assert.True(configMaps.TryGetValue(key.Name, out var map) && map.Data.ContainsKey(key.Key), $"{name}: {env.Name} from ConfigMap {key.Name} key {key.Key}");
                    }

                    // Every in-cluster URL names a Service that has that port.
                    if (Uri.TryCreate(env.Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && !url.IsLoopback)
                    {
                        Assert.True(services.Any(s => s.Metadata.Name == url.Host && s.Spec.Ports.Any(p => p.Port == url.Port)), $"{name}: {env.Name}={env.Value} has no Service");
                    }
                }
            }
        }

        // Every Service selects a workload and targets one of its container ports, by name and protocol.
        foreach (var service in services)
        {
            var workload = pods.SingleOrDefault(p => service.Spec.Selector.All(l => p.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
            Assert.True(workload.Name is not null, $"Service {service.Metadata.Name} selects no workload");
            foreach (var port in service.Spec.Ports)
            {
                Assert.Contains(workload.Template.Spec.Containers.SelectMany(c => c.Ports), p => p.Name == port.TargetPort.Value && p.Protocol == port.Protocol);
            }
        }
    }

    /// <summary>
    /// The connections the manifest has, read here on its own terms: every binding a resource's environment or
    /// arguments name (through connection strings too), every in-cluster URL spelled out (the collector's dashboard
    /// endpoint), and each external binding, reachable from anywhere ("*").
    /// </summary>
    private static HashSet<(string From, string To, int Port, string Protocol)> ModelEdges(JsonElement manifest)
    {
        var resources = manifest.GetProperty("resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        var placeholder = new System.Text.RegularExpressions.Regex(@"\{([a-zA-Z0-9-]+)\.(?:bindings\.([a-z0-9-]+)\.[a-zA-Z]+|connectionString)\}");
        int PortOf(string resource, string binding) => resources[resource].GetProperty("bindings").GetProperty(binding).TryGetProperty("targetPort", out var port) ? port.GetInt32() : KustomizeGenerator.ProjectHttpPort;
        string ProtocolOf(string resource, string binding) => resources[resource].GetProperty("bindings").GetProperty(binding).GetProperty("protocol").GetString() == "udp" ? "UDP" : "TCP";
        IEnumerable<(string, string)> Named(string value) => placeholder.Matches(value).SelectMany(m => m.Groups[2].Success
            ? [(m.Groups[1].Value, m.Groups[2].Value)]
            : Named(resources[m.Groups[1].Value].GetProperty("connectionString").GetString()!));

        var edges = new HashSet<(string, string, int, string)>();
        foreach (var (name, resource) in resources.Where(r => r.Value.GetProperty("type").GetString()!.StartsWith("project", StringComparison.Ordinal) || r.Value.GetProperty("type").GetString()!.StartsWith("container", StringComparison.Ordinal)))
        {
            var values = (resource.TryGetProperty("env", out var env) ? env.EnumerateObject().Select(e => e.Value.GetString()!) : [])
                .Concat(resource.TryGetProperty("args", out var args) ? args.EnumerateArray().Select(a => a.GetString()!) : []);
            foreach (var value in values)
            {
                foreach (var (to, binding) in Named(value).Where(n => n.Item1 != name && n.Item2 != "https"))
                {
                    edges.Add((name, to, PortOf(to, binding), ProtocolOf(to, binding)));
                }

                if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Host == KustomizeGenerator.DashboardName)
                {
                    edges.Add((name, url.Host, url.Port, "TCP"));
                }
            }

            foreach (var binding in resource.TryGetProperty("bindings", out var bindings) ? bindings.EnumerateObject() : default)
            {
                if (binding.Name != "https" && binding.Value.TryGetProperty("external", out var external) && external.GetBoolean())
                {
                    edges.Add(("*", name, PortOf(name, binding.Name), ProtocolOf(name, binding.Name)));
                }
            }
        }

        return edges;
    }

    [Fact]
    public async Task Network_policies_deny_all_ingress_and_allow_exactly_the_connections_of_the_model()
    {
        using var manifest = await AppHostProcess.ManifestAsync();
        var expected = ModelEdges(manifest.RootElement);
        // The paths the issue of securing the tree names are among them.
        Assert.Superset(new HashSet<(string, string, int, string)>
        {
            ("ingest", "rpc", 8000, "TCP"), ("web", "rpc", 8000, "TCP"), ("history", "rpc", 8000, "TCP"), ("web", "kafka", 9092, "TCP"), ("history", "kafka", 9092, "TCP"),
            ("history", "postgres", 5432, "TCP"), ("ingest", "otelcollector", 4317, "TCP"), ("otelcollector", "prometheus", 9090, "TCP"),
            ("otelcollector", "aspire-dashboard", 18889, "TCP"), ("grafana", "prometheus", 9090, "TCP"), ("*", "web", 8080, "TCP"), ("*", "ingest", 20777, "UDP"),
        }, expected);

        var objects = await RenderAsync();
        var policies = objects.OfType<V1NetworkPolicy>().ToList();
        var deny = Assert.Single(policies, p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 });
        Assert.Equal(["Ingress"], deny.Spec.PolicyTypes);
        Assert.Null(deny.Spec.Ingress);

        // Walk every allow rule into the connections it opens: its pods, its ports, from the pods it names or anyone.
        var pods = objects.OfType<V1Deployment>().Select(d => d.Spec.Template.Metadata.Labels).Concat(objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template.Metadata.Labels)).ToList();
        string PodNamed(V1LabelSelector selector) => Assert.Single(pods, labels => selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))["app.kubernetes.io/name"];
        var allowed = new HashSet<(string, string, int, string)>();
        foreach (var policy in policies.Where(p => p != deny))
        {
            Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
            var to = PodNamed(policy.Spec.PodSelector);
            foreach (var rule in policy.Spec.Ingress)
            {
                foreach (var port in rule.Ports)
                {
                    var sources = rule.FromProperty is null ? ["*"] : rule.FromProperty.Select(peer => PodNamed(peer.PodSelector)).ToList();
                    Assert.All(rule.FromProperty ?? [], peer => Assert.Null(peer.IpBlock));
                    foreach (var from in sources)
                    {
                        Assert.True(allowed.Add((from, to, int.Parse(port.Port.Value, System.Globalization.CultureInfo.InvariantCulture), port.Protocol)), $"{from} → {to}:{port.Port.Value} twice");
                    }
                }
            }
        }

        Assert.Equal(expected.Order(), allowed.Order());
        // Web's page and ingest's UDP port are all that is open to the outside.
        Assert.Equal([("*", "ingest", 20777, "UDP"), ("*", "web", 8080, "TCP")], allowed.Where(e => e.Item1 == "*").Order());
    }

    [Fact]
    public async Task Every_pod_runs_non_root_read_only_without_privileges_and_nothing_is_unsecured()
    {
        var objects = await RenderAsync();
        var templates = objects.OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template)).Concat(objects.OfType<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template))).ToList();
        Assert.Equal(10, templates.Count);
        foreach (var (name, template) in templates)
        {
            var pod = template.Spec.SecurityContext;
            Assert.True(pod is { RunAsNonRoot: true, RunAsUser: > 0 } && pod.SeccompProfile?.Type == "RuntimeDefault", $"{name}: pod security context");
            foreach (var container in template.Spec.Containers.Concat(template.Spec.InitContainers ?? []))
            {
                var c = container.SecurityContext;
                Assert.True(c is { AllowPrivilegeEscalation: false, ReadOnlyRootFilesystem: true, RunAsNonRoot: true, Privileged: not true }, $"{name}: container security context");
                Assert.Equal(["ALL"], c.Capabilities.Drop);
                Assert.Null(c.Capabilities.Add);
                // A read-only root needs somewhere to write: /tmp at least, on an empty volume.
                var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
                Assert.NotNull(template.Spec.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
            }
        }

        foreach (var file in Directory.GetFiles(Tree, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("Unsecured", await File.ReadAllTextAsync(file), StringComparison.OrdinalIgnoreCase);
        }

        var dashboard = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == KustomizeGenerator.DashboardName).Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        Assert.Equal(("ApiKey", "BrowserToken"), (dashboard["DASHBOARD__OTLP__AUTHMODE"].Value, dashboard["DASHBOARD__FRONTEND__AUTHMODE"].Value));
        Assert.Equal((KustomizeGenerator.SecretName, "dashboard-otlp-key"), (dashboard["DASHBOARD__OTLP__PRIMARYAPIKEY"].ValueFrom.SecretKeyRef.Name, dashboard["DASHBOARD__OTLP__PRIMARYAPIKEY"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal("dashboard-browser-token", dashboard["DASHBOARD__FRONTEND__BROWSERTOKEN"].ValueFrom.SecretKeyRef.Key);
        var collector = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "otelcollector").Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "ASPIRE_API_KEY");
        Assert.Equal("dashboard-otlp-key", collector.ValueFrom.SecretKeyRef.Key);
        var grafana = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "grafana").Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "GF_AUTH_ANONYMOUS_ENABLED");
        Assert.Equal("false", grafana.Value);
    }

    [Fact]
    public async Task The_tree_references_the_images_the_projects_build()
    {
        var deployments = (await RenderAsync()).OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        foreach (var project in new[] { "Ingest", "Rpc", "Web" })
        {
            using var msbuild = Process.Start(new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(Fixtures.RepositoryRoot, $"FormulaTel.{project}", $"FormulaTel.{project}.csproj"),
                "-getProperty:ContainerRegistry", "-getProperty:ContainerRepository", "-getProperty:ContainerImageTag"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await msbuild.StandardOutput.ReadToEndAsync();
            await msbuild.WaitForExitAsync();
            Assert.True(msbuild.ExitCode == 0, output);
            var properties = JsonDocument.Parse(output).RootElement.GetProperty("Properties");
            string Property(string name) => properties.GetProperty(name).GetString()!;
            var image = $"{Property("ContainerRegistry")}/{Property("ContainerRepository")}:{Property("ContainerImageTag")}";
            Assert.Equal(image, deployments[project.ToLowerInvariant()].Spec.Template.Spec.Containers.Single().Image);
        }
    }
}
