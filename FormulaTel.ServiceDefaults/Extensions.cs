using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every FormulaTel service shares: OpenTelemetry (exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set), health endpoints, service discovery and resilient HTTP clients.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";
    public const string PrometheusEndpointKey = "Metrics:PrometheusEndpoint";

    /// <summary>rpc's telemetry-as-metrics meter (FormulaTel.Rpc's SpecMetrics).</summary>
    public const string TelemetryMeterName = "FormulaTel.Telemetry";

    /// <summary>Framework meters the dashboards use beyond what the instrumentation packages add.</summary>
    public static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.SignalR"];

    /// <summary>Meters whose instruments every service exports, in addition to the framework's own.</summary>
    public static readonly string[] FormulaTelMeters = ["FormulaTel.Ingest", "FormulaTel.Rpc", TelemetryMeterName, "FormulaTel.Web", "FormulaTel.History", FormulaTel.ServiceDefaults.Kafka.KafkaStatistics.MeterName];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(FormulaTelMeters)
                .AddMeter(FrameworkMeters))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, FormulaTel.ServiceDefaults.Kafka.KafkaTracing.ActivitySourceName)
                // Health probes would drown the traces that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                    && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                    && !context.Request.Path.StartsWithSegments(MetricsEndpointPath))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        // A Prometheus scrape endpoint beside OTLP, on request (Metrics:PrometheusEndpoint=true): for a Prometheus
        // without an OTLP receiver, and for the dashboard tests. Off by default: a second exporter costs memory.
        if (builder.Configuration.GetValue<bool>(PrometheusEndpointKey))
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>/health: every check must pass (readiness); /alive: only the "live" ones (liveness); /metrics when enabled.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        if (app.Configuration.GetValue<bool>(PrometheusEndpointKey))
        {
            app.MapPrometheusScrapingEndpoint(MetricsEndpointPath);
        }
        return app;
    }
}
