namespace FormulaTel.AppHost.Observability;

/// <summary>
/// The full stack's metrics path: every service → OpenTelemetry Collector → Aspire dashboard and Prometheus (OTLP
/// receiver) → Grafana with a provisioned data source and dashboards. Config files live beside the AppHost in
/// observability/ (checked by tests: promtool, the collector's pipelines, every dashboard query against Prometheus).
/// </summary>
public static class ObservabilityResources
{
    public const string ConfigDirectory = "observability";

    // Pinned images (none can be pulled on the machine this was written on; each tag is a published release).
    public const string CollectorImage = "otel/opentelemetry-collector-contrib";
    public const string CollectorTag = "0.120.0";
    public const string PrometheusImage = "prom/prometheus";
    public const string PrometheusTag = "v3.2.1";
    public const string GrafanaImage = "grafana/grafana";
    public const string GrafanaTag = "11.5.2";

    public sealed record Resources(
        IResourceBuilder<ContainerResource> Collector,
        IResourceBuilder<ContainerResource> Prometheus,
        IResourceBuilder<ContainerResource> Grafana,
        IResourceBuilder<ParameterResource> GrafanaAdminPassword);

    /// <summary>The deployed Aspire dashboard's OTLP API key and browser token (secret parameters; keys of the Secret).</summary>
    public const string DashboardOtlpKeyParameter = "dashboard-otlp-key";
    public const string DashboardBrowserTokenParameter = "dashboard-browser-token";

    public static Resources AddObservability(this IDistributedApplicationBuilder builder)
    {
        var prometheus = builder.AddContainer("prometheus", PrometheusImage, PrometheusTag)
            .WithImageRegistry("docker.io")
            .WithBindMount($"{ConfigDirectory}/prometheus", "/etc/prometheus", isReadOnly: true)
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml", "--web.enable-otlp-receiver", "--storage.tsdb.path=/prometheus")
            .WithVolume("formulatel-prometheus-data", "/prometheus")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .WithHttpHealthCheck("/-/healthy");

        // A generated, persisted secret (user secrets) unless Parameters:grafana-admin-password sets one.
        var password = builder.AddParameter("grafana-admin-password", new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);
        var grafana = builder.AddContainer("grafana", GrafanaImage, GrafanaTag)
            .WithImageRegistry("docker.io")
            .WithBindMount($"{ConfigDirectory}/grafana/provisioning", "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount($"{ConfigDirectory}/grafana/dashboards", "/var/lib/grafana/dashboards", isReadOnly: true)
            .WithEnvironment("PROMETHEUS_ENDPOINT", prometheus.GetEndpoint("http"))
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", password)
            // On this machine anyone may look, nobody but the admin may change: dashboards are provisioned from the
            // repository. Deployed (a cluster others share), only signed-in users see them.
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", builder.ExecutionContext.IsRunMode ? "true" : "false")
            .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
            .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "/var/lib/grafana/dashboards/car.json")
            .WithHttpEndpoint(targetPort: 3000, name: "http")
            .WithHttpHealthCheck("/api/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana dashboards")
            .WaitFor(prometheus);

        var collector = builder.AddContainer("otelcollector", CollectorImage, CollectorTag)
            .WithImageRegistry("docker.io")
            .WithBindMount($"{ConfigDirectory}/otel-collector.yaml", "/etc/otelcol-contrib/config.yaml", isReadOnly: true)
            .WithArgs("--config=/etc/otelcol-contrib/config.yaml")
            .WithEnvironment("PROMETHEUS_ENDPOINT", prometheus.GetEndpoint("http"))
            .WithEndpoint(targetPort: 4317, name: "grpc", scheme: "http")
            .WithEndpoint(targetPort: 4318, name: "http", scheme: "http")
            .WithHttpEndpoint(targetPort: 13133, name: "health")
            .WithHttpHealthCheck("/", endpointName: "health")
            .WaitFor(prometheus);
        if (builder.ExecutionContext.IsRunMode)
        {
            // The Aspire dashboard's OTLP endpoint, as a container reaches the host.
            var dashboard = builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] ?? builder.Configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] ?? "http://localhost:18889";
            collector
                .WithEnvironment("ASPIRE_ENDPOINT", ContainerHost(dashboard))
                .WithEnvironment("ASPIRE_API_KEY", builder.Configuration["AppHost:OtlpApiKey"] ?? "");
        }
        else
        {
            // Deployed: the standalone Aspire dashboard's OTLP port, which the Kubernetes tree deploys beside the
            // collector; it asks for an API key on OTLP and a browser token on its pages, both keys of the Secret.
            var otlpKey = builder.AddParameter(DashboardOtlpKeyParameter, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            builder.AddParameter(DashboardBrowserTokenParameter, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            collector
                .WithEnvironment("ASPIRE_ENDPOINT", "http://aspire-dashboard:18889")
                .WithEnvironment("ASPIRE_API_KEY", otlpKey);
        }

        // Rewire every service's OTLP to the collector, in one place, after Aspire set it to the dashboard.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            foreach (var resource in e.Model.Resources.OfType<ProjectResource>())
            {
                resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                    context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.GetEndpoint("grpc")));
            }

            return Task.CompletedTask;
        });

        return new Resources(collector, prometheus, grafana, password);
    }

    /// <summary>localhost as seen from a container: the host's gateway name.</summary>
    public static string ContainerHost(string url) =>
        url.Replace("://localhost", "://host.docker.internal", StringComparison.OrdinalIgnoreCase)
           .Replace("://127.0.0.1", "://host.docker.internal", StringComparison.Ordinal);
}
