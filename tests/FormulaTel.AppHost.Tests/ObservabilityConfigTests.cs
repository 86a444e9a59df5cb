using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using FormulaTel.AppHost.Observability;
using FormulaTel.Testing;
using YamlDotNet.RepresentationModel;

namespace FormulaTel.AppHost.Tests;

/// <summary>
/// The full stack's observability files, checked here where no collector, Grafana or container runtime exists:
/// promtool on the Prometheus files, the collector's pipelines, Grafana's provisioning and dashboards, and the
/// AppHost model that mounts them.
/// </summary>
public sealed partial class ObservabilityConfigTests
{
    public static string ConfigDirectory => Path.Combine(Fixtures.RepositoryRoot, "FormulaTel.AppHost", ObservabilityResources.ConfigDirectory);

    public static IEnumerable<string> DashboardFiles => Directory.GetFiles(Path.Combine(ConfigDirectory, "grafana", "dashboards"), "*.json").Order();

    private static async Task<string> Promtool(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("promtool", arguments)
        {
            WorkingDirectory = Path.Combine(ConfigDirectory, "prometheus"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var all = await output + await error;
        Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)}:\n{all}");
        return all;
    }

    private static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static IEnumerable<string> Names(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var list)
            ? ((YamlSequenceNode)list).Children.Select(c => ((YamlScalarNode)c).Value!)
            : [];

    [Fact]
    public async Task Promtool_accepts_the_prometheus_config_and_its_rules()
    {
        Assert.Contains("SUCCESS", await Promtool("check", "config", "prometheus.yml"));
        Assert.Contains("SUCCESS: 9 rules found", await Promtool("check", "rules", "alerts.yml"));
    }

    [Fact]
    public async Task The_alert_rules_pass_their_promtool_unit_tests()
    {
        Assert.Contains("SUCCESS", await Promtool("test", "rules", "alerts.test.yml"));
        // Every alert has at least one test that expects it to fire.
        var tests = await File.ReadAllTextAsync(Path.Combine(ConfigDirectory, "prometheus", "alerts.test.yml"));
        foreach (var alert in AlertNames())
        {
            Assert.Matches($"alertname: {alert}\\s+exp_alerts:\\s+- exp_labels", tests);
        }
    }

    public static IEnumerable<string> AlertNames() =>
        AlertNamesRegex().Matches(File.ReadAllText(Path.Combine(ConfigDirectory, "prometheus", "alerts.yml"))).Select(m => m.Groups[1].Value);

    [Fact]
    public void The_collectors_pipelines_use_only_defined_components_and_every_variable_is_set_by_the_apphost()
    {
        var path = Path.Combine(ConfigDirectory, "otel-collector.yaml");
        var config = Yaml(path);
        var service = Map(config, "service");
        var pipelines = Map(service, "pipelines");
        Assert.Equal(["logs", "metrics", "traces"], pipelines.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        foreach (var (name, pipeline) in pipelines.Children)
        {
            foreach (var kind in new[] { "receivers", "processors", "exporters" })
            {
                var defined = ((YamlMappingNode)config.Children[new YamlScalarNode(kind)]).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToHashSet();
                var used = Names(pipeline, kind).ToList();
                Assert.True(kind == "processors" || used.Count > 0, $"pipeline {name} has no {kind}");
                Assert.All(used, u => Assert.Contains(u, defined));
            }
        }

        // Metrics reach both the dashboard and Prometheus.
        Assert.Equal(["otlp/aspire", "otlphttp/prometheus"], Names(Map(pipelines, "metrics"), "exporters").Order());
        Assert.All(Names(service, "extensions"), e => Assert.Contains(e, Map(config, "extensions").Children.Keys.Select(k => ((YamlScalarNode)k).Value)));

        // ${env:X} in the file ↔ X in the collector's environment in the AppHost model.
        var variables = EnvironmentVariableRegex().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(["ASPIRE_API_KEY", "ASPIRE_ENDPOINT", "PROMETHEUS_ENDPOINT"], variables.Order());
    }

    [Fact]
    public void Grafana_provisions_the_datasource_every_dashboard_panel_uses()
    {
        var datasources = (YamlSequenceNode)Yaml(Path.Combine(ConfigDirectory, "grafana", "provisioning", "datasources", "prometheus.yaml")).Children[new YamlScalarNode("datasources")];
        var prometheus = (YamlMappingNode)Assert.Single(datasources.Children);
        var uid = ((YamlScalarNode)prometheus.Children[new YamlScalarNode("uid")]).Value;
        Assert.Equal("prometheus", ((YamlScalarNode)prometheus.Children[new YamlScalarNode("type")]).Value);
        Assert.Equal("${PROMETHEUS_ENDPOINT}", ((YamlScalarNode)prometheus.Children[new YamlScalarNode("url")]).Value);

        var provider = (YamlMappingNode)((YamlSequenceNode)Yaml(Path.Combine(ConfigDirectory, "grafana", "provisioning", "dashboards", "formulatel.yaml")).Children[new YamlScalarNode("providers")]).Children.Single();
        Assert.Equal("/var/lib/grafana/dashboards", ((YamlScalarNode)Map(provider, "options").Children[new YamlScalarNode("path")]).Value);

        var titles = new List<string>();
        foreach (var file in DashboardFiles)
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            var root = dashboard.RootElement;
            titles.Add(root.GetProperty("title").GetString()!);
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("uid").GetString()));
            foreach (var panel in root.GetProperty("panels").EnumerateArray())
            {
                var where = $"{Path.GetFileName(file)}: {panel.GetProperty("title").GetString()}";
                Assert.True(uid == panel.GetProperty("datasource").GetProperty("uid").GetString(), where);
                Assert.True(panel.GetProperty("targets").GetArrayLength() > 0, where);
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    Assert.True(uid == target.GetProperty("datasource").GetProperty("uid").GetString(), where);
                    Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), where);
                }
            }

            foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                Assert.Equal(uid, variable.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }

        Assert.Equal(["FormulaTel · Car", "FormulaTel · Pipeline", "FormulaTel · Session & timing"], titles.Order());
    }

    [Fact]
    public async Task The_full_stack_runs_collector_prometheus_and_grafana_pinned_and_wired_in_one_place()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FormulaTel_AppHost>(["FORMULATEL_STACK=full"]);
        ContainerResource Container(string name) => Assert.IsType<ContainerResource>(builder.Resources.Single(r => r.Name == name), exactMatch: false);
        string Image(string name) => Container(name).Annotations.OfType<ContainerImageAnnotation>().Single() is var i ? $"{i.Registry}/{i.Image}:{i.Tag}" : "";

        Assert.Equal("docker.io/otel/opentelemetry-collector-contrib:0.120.0", Image("otelcollector"));
        Assert.Equal("docker.io/prom/prometheus:v3.2.1", Image("prometheus"));
        Assert.Equal("docker.io/grafana/grafana:11.5.2", Image("grafana"));

        // Every bind mount's source exists in the repository.
        foreach (var name in new[] { "otelcollector", "prometheus", "grafana" })
        {
            foreach (var mount in Container(name).Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.BindMount))
            {
                Assert.True(File.Exists(mount.Source) || Directory.Exists(mount.Source), $"{name}: {mount.Source}");
            }
        }

        Assert.Contains("--web.enable-otlp-receiver", await Arguments(Container("prometheus")));
        var password = Assert.IsType<ParameterResource>(builder.Resources.Single(r => r.Name == "grafana-admin-password"));
        Assert.True(password.Secret);
        var grafana = await Environment(Container("grafana"));
        Assert.Equal(("true", "Viewer"), (grafana["GF_AUTH_ANONYMOUS_ENABLED"], grafana["GF_AUTH_ANONYMOUS_ORG_ROLE"]));

        // The collector reads exactly the variables its config references.
        var collector = await Environment(Container("otelcollector"));
        Assert.True(new[] { "ASPIRE_API_KEY", "ASPIRE_ENDPOINT", "PROMETHEUS_ENDPOINT" }.All(collector.ContainsKey));
    }

    private static async Task<List<string>> Arguments(IResource resource)
    {
        var context = new CommandLineArgsCallbackContext([], resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.Args.Select(a => a.ToString() ?? "").ToList();
    }

    private static async Task<Dictionary<string, string?>> Environment(IResource resource)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), resource, variables);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return variables.ToDictionary(v => v.Key, v => v.Value is string s ? s : v.Value?.GetType().Name);
    }

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex AlertNamesRegex();

    [GeneratedRegex(@"\$\{env:(\w+)\}")]
    private static partial Regex EnvironmentVariableRegex();
}
