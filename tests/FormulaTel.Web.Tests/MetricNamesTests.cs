using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Kind = FormulaTel.Testing.PrometheusOtlpNames.Kind;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Hosting;

namespace FormulaTel.Web.Tests;

/// <summary>
/// The dashboards are tested against a Prometheus that scrapes /metrics (here: Prometheus 2.42, no OTLP receiver);
/// the full stack's Prometheus 3 gets the same instruments over OTLP and names them itself. These tests prove both
/// paths give the same names, so the dashboards work in both.
/// </summary>
[Collection(MetricNamesCollection.Name)]
public sealed partial class MetricNamesTests
{
    private static readonly string[] Meters = [.. ServiceDefaultsExtensions.FormulaTelMeters, .. ServiceDefaultsExtensions.FrameworkMeters, "System.Runtime"];

    private static Kind KindOf(Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? Kind.MonotonicCounter
            : type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>) ? Kind.NonMonotonicCounter
            : type == typeof(Histogram<>) ? Kind.Histogram
            : Kind.Gauge;
    }

    [Fact]
    public async Task The_scrape_endpoint_names_every_metric_as_prometheus_3_names_it_from_otlp()
    {
        // Every instrument in this process that a service exports, and the name Prometheus 3 would give it.
        var instruments = new ConcurrentDictionary<string, (string Name, string? Unit, Kind Kind)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (Meters.Contains(instrument.Meter.Name))
                {
                    instruments[PrometheusOtlpNames.Name(instrument.Name, instrument.Unit, KindOf(instrument))] = (instrument.Name, instrument.Unit, KindOf(instrument));
                }
            },
        };

        using var kafka = TestKafka.Start(TestKafka.Mock, 4);
        var settings = kafka.Settings;
        // Every payload measured, so every name the spec can produce is checked.
        var payloads = FormulaTel.Protos.V1.TelemetryFrame.Descriptor.Oneofs.Single().Fields;
        for (var i = 0; i < payloads.Count; i++)
        {
            settings[$"Metrics:Telemetry:Payloads:{i}"] = payloads[i].Name;
        }

        await using var rpc = await RpcTestHost.StartAsync(settings: settings);
        var webSettings = kafka.Settings;
        webSettings[ServiceDefaultsExtensions.PrometheusEndpointKey] = "true";
        await using var web = await WebTestHost.StartAsync(rpc.Address, webSettings);
        await using var ingest = await IngestTestHost.StartAsync(rpc.Address);
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(web.Address, LiveHub.Path)).Build();
        await hub.StartAsync();
        // A real F1 23 datagram through ingest's socket (received, decoded), and the spec's every payload through its publisher.
        using (var udp = new System.Net.Sockets.UdpClient())
        {
            var datagram = Fixtures.PacketBytes("2023-06.bin");
            await udp.SendAsync(datagram, datagram.Length, "127.0.0.1", ingest.UdpPort);
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDecoded > 0, "a datagram decoded");
        foreach (var frame in SpecFrames.EveryPayload("rig", 9, 0))
        {
            ingest.Buffer.Write(EncodedFrames.Encode([frame]));
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesAcknowledged >= 16, "frames through rpc");
        listener.Start();

        // web's /metrics exports every FormulaTel meter in this process (rpc's and ingest's too: meters are chosen by name).
        using var http = new HttpClient { BaseAddress = web.Address };
        var scraped = new HashSet<string>();
        await Eventually.Until(async () =>
        {
            var text = await http.GetStringAsync(ServiceDefaultsExtensions.MetricsEndpointPath);
            scraped = [.. TypeLineRegex().Matches(text).Select(m => m.Groups[1].Value)];
            return scraped.Contains("formulatel_car_telemetry_speed_km_per_hour") && scraped.Contains("formulatel_kafka_client_brokers_up") && scraped.Contains("signalr_server_active_connections");
        }, "the scrape endpoint showing telemetry, Kafka and SignalR metrics");

        // Every FormulaTel family on the scrape endpoint has the name Prometheus 3 would give it over OTLP.
        var ours = scraped.Where(n => n.StartsWith("formulatel_", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count > 40, $"{ours.Count} FormulaTel families scraped");
        var different = ours.Where(n => !instruments.ContainsKey(n)).ToList();
        Assert.True(different.Count == 0, "scraped under a name Prometheus 3 would not give: " + string.Join(", ", different));

        // Every metric the dashboards and alert rules read exists under that name on both paths.
        var (names, onlyWhenSomethingHappened) = MetricsReadByDashboardsAndRules();
        foreach (var name in names)
        {
            // A counter a panel shows as "… or vector(0)" (Kafka errors) has no series until the first error.
            Assert.True(scraped.Contains(name) || onlyWhenSomethingHappened.Contains(name), $"{name} is not on the scrape endpoint");
            Assert.True(instruments.ContainsKey(name), $"{name} is not what Prometheus 3 would name any instrument");
        }
    }

    [Theory]
    [InlineData("http.server.request.duration", "s", Kind.Histogram, "http_server_request_duration_seconds")]
    [InlineData("formulatel.car_telemetry.speed", "km/h", Kind.Gauge, "formulatel_car_telemetry_speed_km_per_hour")]
    [InlineData("formulatel.ingest.datagrams.received", "{datagram}", Kind.MonotonicCounter, "formulatel_ingest_datagrams_received_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", Kind.MonotonicCounter, "dotnet_gc_heap_allocated_bytes_total")]
    [InlineData("requests.count", "1", Kind.MonotonicCounter, "requests_count_total")]
    [InlineData("memory.usage", "By", Kind.Gauge, "memory_usage_bytes")]
    [InlineData("cpu.utilization", "1", Kind.Gauge, "cpu_utilization_ratio")]
    [InlineData("engine.rpm", "1/min", Kind.Gauge, "engine_rpm_per_min")]
    public void The_translation_follows_prometheus_3s_rules(string name, string unit, Kind kind, string expected) =>
        Assert.Equal(expected, PrometheusOtlpNames.Name(name, unit, kind));

    private static (List<string> Names, HashSet<string> OrVectorZero) MetricsReadByDashboardsAndRules()
    {
        var observability = Path.Combine(Fixtures.RepositoryRoot, "FormulaTel.AppHost", "observability");
        var text = string.Concat(Directory.GetFiles(Path.Combine(observability, "grafana", "dashboards"), "*.json").Select(File.ReadAllText))
            + File.ReadAllText(Path.Combine(observability, "prometheus", "alerts.yml"));
        var orVectorZero = text.Split('\n').Where(l => l.Contains("or vector(0)", StringComparison.Ordinal))
            .SelectMany(l => MetricNameRegex().Matches(l).Select(m => m.Value)).ToHashSet();
        return ([.. MetricNameRegex().Matches(text).Select(m => m.Value).Distinct().Order()], orVectorZero);
    }

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLineRegex();

    // Metric names (not recording rules, which have colons) that the dashboards and rules read.
    [GeneratedRegex(@"\b(?:formulatel|dotnet|signalr)_[a-z0-9_]+\b")]
    private static partial Regex MetricNameRegex();
}

/// <summary>Alone: web's exporter picks meters by name, so other tests' hosts in this process would mix in.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricNamesCollection
{
    public const string Name = "metric names";
}
