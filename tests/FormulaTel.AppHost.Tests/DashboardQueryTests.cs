using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace FormulaTel.AppHost.Tests;

/// <summary>
/// The embedded stack with Kafka (librdkafka's mock cluster, passed as ConnectionStrings:kafka — a Kafka of your
/// own) and the simulator running, scraped by a real Prometheus (Debian's) that also evaluates our alert rules.
/// </summary>
public sealed class ObservedStackFixture : EmbeddedStackFixture
{
    // Enough partitions that 20 cars' frames stay far below the mock's few MiB per partition during the test.
    private readonly MockKafkaCluster _kafka = CreateKafka();

    public PrometheusServer Prometheus { get; private set; } = null!;

    protected override IEnumerable<string> ExtraArguments => [$"ConnectionStrings:kafka={_kafka.BootstrapServers}", "FormulaTel:PrometheusEndpoint=true"];

    private static MockKafkaCluster CreateKafka()
    {
        var kafka = new MockKafkaCluster(brokers: 1);
        kafka.CreateTopic("formulatel.telemetry.v1", partitions: 32);
        return kafka;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        string Target(string resource) => App.GetEndpoint(resource, "http").Authority;
        var config = $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [alerts.yml]
            scrape_configs:
              - job_name: ingest
                static_configs: [{"{"}targets: ["{Target("ingest")}"]{"}"}]
              - job_name: rpc
                static_configs: [{"{"}targets: ["{Target("rpc")}"]{"}"}]
              - job_name: web
                static_configs: [{"{"}targets: ["{Target("web")}"]{"}"}]
            """;
        var rules = await File.ReadAllTextAsync(Path.Combine(ObservabilityConfigTests.ConfigDirectory, "prometheus", "alerts.yml"));
        Prometheus = await PrometheusServer.StartAsync(config, new Dictionary<string, string> { ["alerts.yml"] = rules });
    }

    public override async Task DisposeAsync()
    {
        Prometheus?.Dispose();
        await base.DisposeAsync();
        _kafka.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedStackCollection : ICollectionFixture<ObservedStackFixture>
{
    public const string Name = "observed stack";
}

[Collection(ObservedStackCollection.Name)]
public sealed partial class DashboardQueryTests(ObservedStackFixture stack, ITestOutputHelper output)
{
    // The slowest panel waits for the simulator's first completed lap (~80 s).
    private static readonly TimeSpan DataTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Grafana's variables as a query sees them with "All" chosen; intervals suited to a 1 s scrape.</summary>
    private static string Substitute(string expr) => expr
        .Replace("$__rate_interval", "10s", StringComparison.Ordinal)
        .Replace("$__range", "1m", StringComparison.Ordinal)
        .Replace("$source", ".+", StringComparison.Ordinal)
        .Replace("$session", ".+", StringComparison.Ordinal)
        .Replace("$car", ".+", StringComparison.Ordinal);

    /// <summary>What a live view and a misbehaving source would add: a SignalR client and some junk datagrams.</summary>
    private async Task<HubConnection> ExerciseAsync()
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(stack.WebAddress, LiveHub.Path)).Build();
        await hub.StartAsync();
        using var udp = new UdpClient();
        for (var i = 0; i < 5; i++)
        {
            await udp.SendAsync(new byte[] { 1, 2, 3 }, 3, "127.0.0.1", stack.UdpPort);
        }

        return hub;
    }

    [Fact]
    public async Task Every_dashboard_panel_query_and_variable_returns_data_from_a_real_prometheus()
    {
        await using var hub = await ExerciseAsync();
        var pending = new List<(string Where, string Expr)>();
        foreach (var file in ObservabilityConfigTests.DashboardFiles)
        {
            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    pending.Add(($"{Path.GetFileName(file)} / {panel.GetProperty("title").GetString()} / {target.GetProperty("refId").GetString()}", Substitute(target.GetProperty("expr").GetString()!)));
                }
            }

            foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                // label_values(selector, label) has data when the selector does and carries the label.
                var match = LabelValuesRegex().Match(variable.GetProperty("query").GetProperty("query").GetString()!);
                Assert.True(match.Success, variable.ToString());
                pending.Add(($"{Path.GetFileName(file)} / variable {variable.GetProperty("name").GetString()}", Substitute($"count by ({match.Groups[2].Value}) ({match.Groups[1].Value})")));
            }
        }

        await WaitForDataAsync(pending);
        output.WriteLine($"{pending.Count} dashboard queries returned data");
    }

    [Fact]
    public async Task Every_rule_evaluates_and_every_series_an_alert_watches_has_data()
    {
        await using var hub = await ExerciseAsync();
        var rules = await File.ReadAllTextAsync(Path.Combine(ObservabilityConfigTests.ConfigDirectory, "prometheus", "alerts.yml"));
        var recorded = RecordRegex().Matches(rules).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, recorded.Count);
        await WaitForDataAsync([.. recorded.Select(r => ($"recording rule {r}", r))]);

        // Prometheus evaluated every rule, alerts included, without an error.
        await Eventually.Until(async () =>
        {
            var groups = await stack.Prometheus.GetAsync("/api/v1/rules");
            var all = groups.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
            return all.Count == 9 && all.All(r => r.GetProperty("health").GetString() == "ok");
        }, "every rule evaluated healthy", DataTimeout);

        // Each alert's expression runs, and reads only recording rules that have data.
        foreach (Match alert in AlertExprRegex().Matches(rules))
        {
            var expr = alert.Groups[1].Value;
            await stack.Prometheus.QueryAsync(expr);
            Assert.All(MetricNameRegex().Matches(expr).Select(m => m.Value), name => Assert.Contains(name, recorded));
        }
    }

    private async Task WaitForDataAsync(List<(string Where, string Expr)> queries)
    {
        var missing = queries;
        try
        {
            await Eventually.Until(async () =>
            {
                var still = new List<(string, string)>();
                foreach (var query in missing)
                {
                    if (await stack.Prometheus.CountAsync(query.Expr) == 0)
                    {
                        still.Add(query);
                    }
                }

                missing = still;
                return missing.Count == 0;
            }, "every query returning data", DataTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail("No data for:\n" + string.Join('\n', missing.Select(m => $"{m.Where}: {m.Expr}")));
        }
    }

    [GeneratedRegex(@"^label_values\((.+),\s*(\w+)\)$")]
    private static partial Regex LabelValuesRegex();

    [GeneratedRegex(@"- record: (\S+)")]
    private static partial Regex RecordRegex();

    [GeneratedRegex(@"- alert: \w+\s+(?:#.*\s+)?expr: (.+)")]
    private static partial Regex AlertExprRegex();

    [GeneratedRegex(@"formulatel[:\w]*:[\w:]+")]
    private static partial Regex MetricNameRegex();
}
