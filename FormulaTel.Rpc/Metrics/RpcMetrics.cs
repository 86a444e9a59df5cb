using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FormulaTel.Protos.V1;

namespace FormulaTel.Rpc;

/// <summary>
/// rpc's instruments (meter "FormulaTel.Rpc"): frames by game and payload, rejects, watch drops, and per-car
/// gauges of the latest speed, RPM, gear, throttle and brake, labelled with session and car.
/// </summary>
public sealed class RpcMetrics
{
    public const string MeterName = "FormulaTel.Rpc";

    /// <summary>A car not heard from for this long stops being reported, so gauges do not pile up.</summary>
    public static readonly TimeSpan CarExpiry = TimeSpan.FromSeconds(60);

    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesRejected;
    private readonly Counter<long> _batchesAcknowledged;
    private readonly Counter<long> _watchFramesDropped;
    private readonly UpDownCounter<long> _publishStreams;
    private readonly Counter<long> _kafkaFrames;
    private readonly Counter<long> _kafkaDropped;
    private readonly Counter<long> _kafkaErrors;
    private long _kafkaFramesTotal;
    private long _kafkaDroppedTotal;
    private readonly ConcurrentDictionary<CarKey, CarGauges> _cars = new();
    private readonly TimeProvider _time;
    private long _framesReceivedTotal;
    private long _framesRejectedTotal;
    private long _watchFramesDroppedTotal;

    public RpcMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _framesReceived = meter.CreateCounter<long>("formulatel.rpc.frames.received", "{frame}", "Frames accepted from publishers, by game and payload kind.");
        _framesRejected = meter.CreateCounter<long>("formulatel.rpc.frames.rejected", "{frame}", "Frames refused, by reason.");
        _batchesAcknowledged = meter.CreateCounter<long>("formulatel.rpc.batches.acknowledged", "{batch}", "Batches acknowledged to publishers.");
        _watchFramesDropped = meter.CreateCounter<long>("formulatel.rpc.watch.frames.dropped", "{frame}", "Frames a slow watcher lost.");
        _publishStreams = meter.CreateUpDownCounter<long>("formulatel.rpc.publish.streams", "{stream}", "Open publish streams.");
        _kafkaFrames = meter.CreateCounter<long>("formulatel.rpc.kafka.frames.published", "{frame}", "Frames Kafka accepted.");
        _kafkaDropped = meter.CreateCounter<long>("formulatel.rpc.kafka.frames.dropped", "{frame}", "Frames that can never be published (e.g. too large), by reason.");
        _kafkaErrors = meter.CreateCounter<long>("formulatel.rpc.kafka.errors", "{error}", "Failed deliveries (the batch is sent again), by error code.");

        meter.CreateObservableGauge("formulatel.car.speed", () => Observe(g => g.SpeedKph), "km/h", "Latest speed per car.");
        meter.CreateObservableGauge("formulatel.car.engine_rpm", () => Observe(g => g.EngineRpm), "{rpm}", "Latest engine RPM per car.");
        meter.CreateObservableGauge("formulatel.car.gear", () => Observe(g => g.Gear), "{gear}", "Latest gear per car (-1 reverse, 0 neutral).");
        meter.CreateObservableGauge("formulatel.car.throttle", () => Observe(g => g.Throttle), "1", "Latest throttle per car, 0..1.");
        meter.CreateObservableGauge("formulatel.car.brake", () => Observe(g => g.Brake), "1", "Latest brake per car, 0..1.");
    }

    public long FramesReceivedTotal => Interlocked.Read(ref _framesReceivedTotal);
    public long FramesRejectedTotal => Interlocked.Read(ref _framesRejectedTotal);
    public long WatchFramesDroppedTotal => Interlocked.Read(ref _watchFramesDroppedTotal);

    public void FrameReceived(TelemetryFrame frame)
    {
        Interlocked.Increment(ref _framesReceivedTotal);
        _framesReceived.Add(1,
            new KeyValuePair<string, object?>("game", frame.Envelope.Game.ToString()),
            new KeyValuePair<string, object?>("payload", frame.PayloadCase.ToString()));

        if (frame.PayloadCase == TelemetryFrame.PayloadOneofCase.CarTelemetry)
        {
            var key = new CarKey(frame.Envelope.SourceId, frame.Envelope.SessionUid, frame.Envelope.CarIndex);
            var telemetry = frame.CarTelemetry;
            _cars[key] = new CarGauges(telemetry.SpeedKph, telemetry.EngineRpm, telemetry.Gear, telemetry.Throttle, telemetry.Brake, _time.GetTimestamp());
        }
    }

    public void FrameRejected(string reason)
    {
        Interlocked.Increment(ref _framesRejectedTotal);
        _framesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void BatchAcknowledged() => _batchesAcknowledged.Add(1);

    public void WatchFrameDropped()
    {
        Interlocked.Increment(ref _watchFramesDroppedTotal);
        _watchFramesDropped.Add(1);
    }

    public long KafkaFramesPublishedTotal => Interlocked.Read(ref _kafkaFramesTotal);
    public long KafkaFramesDroppedTotal => Interlocked.Read(ref _kafkaDroppedTotal);

    public void KafkaFramePublished()
    {
        Interlocked.Increment(ref _kafkaFramesTotal);
        _kafkaFrames.Add(1);
    }

    public void KafkaFrameDropped(string reason)
    {
        Interlocked.Increment(ref _kafkaDroppedTotal);
        _kafkaDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void KafkaPublishError(string code)
    {
        _kafkaErrors.Add(1, new KeyValuePair<string, object?>("code", code));
    }

    public void PublishStreamOpened() => _publishStreams.Add(1);

    public void PublishStreamClosed() => _publishStreams.Add(-1);

    private IEnumerable<Measurement<double>> Observe(Func<CarGauges, double> value)
    {
        var measurements = new List<Measurement<double>>(_cars.Count);
        foreach (var (key, gauges) in _cars)
        {
            if (_time.GetElapsedTime(gauges.UpdatedAt) > CarExpiry)
            {
                _cars.TryRemove(key, out _);
                continue;
            }

            measurements.Add(new Measurement<double>(value(gauges),
                new KeyValuePair<string, object?>("source", key.Source),
                new KeyValuePair<string, object?>("session", key.Session.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, object?>("car", (int)key.Car)));
        }

        return measurements;
    }

    private readonly record struct CarKey(string Source, ulong Session, uint Car);

    private sealed record CarGauges(double SpeedKph, double EngineRpm, double Gear, double Throttle, double Brake, long UpdatedAt);
}
