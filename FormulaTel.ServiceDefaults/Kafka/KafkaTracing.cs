using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace FormulaTel.ServiceDefaults.Kafka;

/// <summary>
/// W3C trace context across Kafka: the producer writes "traceparent" (and "tracestate") headers, the consumer
/// continues the trace from them, so one trace runs ingest → rpc → Kafka → web.
/// </summary>
public static class KafkaTracing
{
    public const string ActivitySourceName = "FormulaTel.Kafka";
    public static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>A producer span for one batch of messages; null when nobody listens.</summary>
    public static Activity? StartPublish(string topic, int messages)
    {
        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.batch.message_count", messages);
        return activity;
    }

    /// <summary>The trace-context headers of <paramref name="activity"/>, encoded once for every message of a batch.</summary>
    public static IReadOnlyList<Header> Headers(Activity? activity)
    {
        if (activity is null)
        {
            return [];
        }

        var headers = new List<Header>(2);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is List<Header> list && value is not null)
            {
                list.Add(new Header(name, Encoding.UTF8.GetBytes(value)));
            }
        });
        return headers;
    }

    /// <summary>A consumer span continuing the trace in <paramref name="headers"/>; null when nobody listens.</summary>
    public static Activity? StartProcess(string topic, Headers? headers)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (headers is not null)
        {
            DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                value = carrier is Headers h && h.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
            }, out var traceParent, out var traceState);
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }

        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }
}
