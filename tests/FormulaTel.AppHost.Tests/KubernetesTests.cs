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
            ["rpc"] = ("project.v0", ["grpc", "http", "https"], [.. otlp, "ConnectionStrings__kafka", "GRPC_PORT"]),
            ["ingest"] = ("project.v0", ["http", "https", "udp"], [.. otlp, .. findsRpc, "Ingest__UdpPort", "Ingest__Recording__Directory", "Ingest__ForwardTo"]),
            ["web"] = ("project.v0", ["http", "https"], [.. otlp, .. findsRpc, .. findsHistory, "ConnectionStrings__kafka"]),
            ["history"] = ("project.v0", ["http", "https"], [.. otlp, .. findsRpc, "ConnectionStrings__kafka", "ConnectionStrings__historydb", "HISTORYDB_HOST", "HISTORYDB_PORT",
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
        Assert.Equal(new Dictionary<string, int> { ["ConfigMap"] = 5, ["Deployment"] = 8, ["Namespace"] = 1, ["PersistentVolumeClaim"] = 2, ["Service"] = 11, ["StatefulSet"] = 2 }, kinds);

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
        var ingestContainer = ingestPod.Template.Spec.Containers.Single();
        var mount = Assert.Single(ingestContainer.VolumeMounts);
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
