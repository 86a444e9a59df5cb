using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Gateway;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;

namespace FormulaTel.Rpc;

/// <summary>Configuration section "Metrics:Telemetry": how much of the telemetry becomes metrics.</summary>
public sealed class SpecMetricsOptions
{
    public const string SectionName = "Metrics:Telemetry";

    /// <summary>Payloads (TelemetryFrame oneof names) that become metrics; the rest only label them (participant, session).</summary>
    public List<string> Payloads { get; set; } = ["car_telemetry", "car_status", "car_damage", "lap", "session"];

    /// <summary>All: every car; Player: only the cars players drive (a twentieth of the series).</summary>
    public SpecMetricsCars Cars { get; set; } = SpecMetricsCars.All;

    /// <summary>A car not heard from for this long stops being reported, so series do not pile up.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Most telemetry series at once (cars × the series one car makes, 157 with the default payloads): 20,000 is 127 cars, six 20-car sessions, with every
    /// default payload, which Prometheus and the Aspire dashboard's OTLP endpoint take comfortably. A car past it is
    /// not measured (counted as formulatel.rpc.telemetry.cars.refused) until others go stale.
    /// </summary>
    public int SeriesBudget { get; set; } = 20_000;
}

public enum SpecMetricsCars
{
    All,
    Player,
}

/// <summary>
/// Telemetry as metrics, derived from the formulatel.v1 descriptors rather than mapped by hand: every numeric or bool
/// field of an enabled payload (nested messages by path; repeated fields, strings and enums left out) is an
/// observable instrument named formulatel.{payload}.{field path}, with the spec's unit, a counter where the spec
/// marks the field cumulative and a gauge otherwise. A Wheels field is one instrument with a "wheel" attribute.
/// Recording a frame copies its bytes into the car's buffer for that payload; it is parsed, and its fields read,
/// only when metrics are collected.
/// Attributes: game, source, session, car, driver, team (from participant frames), track (from session frames).
/// </summary>
public sealed class SpecMetrics
{
    public const string MeterName = ServiceDefaultsExtensions.TelemetryMeterName;
    private static readonly string[] WheelNames = ["rear_left", "rear_right", "front_left", "front_right"];

    private readonly ConcurrentDictionary<(string Source, ulong Session, uint Car), CarEntry> _cars = new();
    private readonly ConcurrentDictionary<(string Source, ulong Session), string> _tracks = new();
    private readonly bool[] _enabled = new bool[64];
    private readonly SpecMetricsOptions _options;
    private readonly TimeProvider _time;
    private long _carsRefused;

    public SpecMetrics(IMeterFactory meters, IOptions<SpecMetricsOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var meter = meters.Create(MeterName);
        var oneof = TelemetryFrame.Descriptor.Oneofs.Single(o => o.Name == "payload");
        var unknown = _options.Payloads.Except(oneof.Fields.Select(f => f.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(SpecMetricsOptions.SectionName, typeof(SpecMetricsOptions),
                [$"Unknown payloads in {SpecMetricsOptions.SectionName}:Payloads: {string.Join(", ", unknown)}. Known: {string.Join(", ", oneof.Fields.Select(f => f.Name))}"]);
        }

        foreach (var payload in oneof.Fields.Where(f => _options.Payloads.Contains(f.Name)))
        {
            _enabled[payload.FieldNumber] = true;
            foreach (var leaf in Leaves(payload.MessageType, []))
            {
                Instruments.Add(Create(meter, payload, leaf));
            }
        }

        SeriesPerCar = Math.Max(1, Instruments.Sum(i => i.PerWheel ? WheelNames.Length : 1));
        MaxCars = Math.Max(1, _options.SeriesBudget / SeriesPerCar);
        var rpc = meters.Create(RpcMetrics.MeterName);
        rpc.CreateObservableCounter("formulatel.rpc.telemetry.cars.refused", () => Interlocked.Read(ref _carsRefused), "{car}",
            "Cars not measured because the telemetry series budget (Metrics:Telemetry:SeriesBudget) was spent.");
        rpc.CreateObservableGauge("formulatel.rpc.telemetry.series", () => (long)_cars.Count * SeriesPerCar, "{series}",
            "Telemetry series reported now (at most Metrics:Telemetry:SeriesBudget).");
    }

    /// <summary>The series one car makes with the payloads enabled (a Wheels field counts four).</summary>
    public int SeriesPerCar { get; }

    /// <summary>Cars measured at once within the budget.</summary>
    public int MaxCars { get; }

    /// <summary>Cars refused since start because the budget was spent.</summary>
    public long CarsRefused => Interlocked.Read(ref _carsRefused);

    /// <summary>Every instrument created, for documentation and tests.</summary>
    public List<SpecInstrument> Instruments { get; } = [];

    public void Record(TelemetryFrame frame) => Record(PublishedFrame.From(frame));

    public void Record(PublishedFrame published)
    {
        var header = published.Header;
        if (!header.HasEnvelope)
        {
            return;
        }

        switch (header.Payload)
        {
            // Only for sessions with a car measured (the frame's own): the tracks are bounded by the cars. These two
            // are rare (twice a second, every five seconds), so parsing them costs nothing to speak of.
            case TelemetryFrame.PayloadOneofCase.Session when published.Frame.Session.Track is { Length: > 0 } track
                && Car(header, create: true) is not null:
                _tracks[(header.SourceId, header.SessionUid)] = track;
                break;
            case TelemetryFrame.PayloadOneofCase.Participant when Car(header, create: true) is { } car:
                car.Driver = published.Frame.Participant.Name;
                car.Team = published.Frame.Participant.Team;
                break;
        }

        var number = (int)header.Payload;
        if (number < _enabled.Length && _enabled[number] && (_options.Cars == SpecMetricsCars.All || header.IsPlayerCar)
            && Car(header, create: true) is { } entry)
        {
            entry.Latest[number].Keep(published.Bytes.Span);
            entry.UpdatedAt = _time.GetTimestamp();
        }
    }

    /// <summary>The car's entry; a new one only while the series budget allows (else null, counted).</summary>
    private CarEntry? Car(FrameHeader header, bool create)
    {
        var key = (header.SourceId, header.SessionUid, header.CarIndex);
        if (_cars.TryGetValue(key, out var entry) || !create)
        {
            return entry;
        }

        if (_cars.Count >= MaxCars)
        {
            Interlocked.Increment(ref _carsRefused);
            return null;
        }

        var created = _cars.GetOrAdd(key, _ => new CarEntry(header.Game));
        created.UpdatedAt = _time.GetTimestamp();
        return created;
    }

    private SpecInstrument Create(Meter meter, FieldDescriptor payload, Leaf leaf)
    {
        var (name, unit) = NameAndUnit(payload.Name, leaf);
        var description = $"formulatel.v1 {payload.MessageType.Name}.{string.Join('.', leaf.Path.Select(f => f.Name))}";
        Func<IEnumerable<Measurement<double>>> observe = () => Observe(payload, leaf);
        if (leaf.Cumulative)
        {
            meter.CreateObservableCounter(name, observe, unit, description);
        }
        else
        {
            meter.CreateObservableGauge(name, observe, unit, description);
        }

        return new SpecInstrument(name, unit, leaf.Cumulative, payload.Name, leaf.Path, leaf.IsWheels);
    }

    /// <summary>
    /// The instrument's name and unit from the field's path and the spec's unit. A trailing unit token in the field
    /// name ("speed_kph") is dropped because exporters append the unit; a unit such as "1/min" becomes an
    /// annotation ("{1/min}") and a ratio ("1") none, because exporters disagree on how to spell those in names.
    /// </summary>
    public static (string Name, string Unit) NameAndUnit(string payload, Leaf leaf)
    {
        var unit = leaf.Unit;
        var names = leaf.Path.Select(f => f.Name).ToList();
        var last = names[^1];
        var abbreviation = unit switch
        {
            "km/h" => "_kph",
            "m/s" => "_mps",
            "Cel" => "_c",
            "[psi]" => "_psi",
            "" or "1" or "1/min" or "[g]" => null,
            _ => "_" + unit.ToLowerInvariant(),
        };
        if (abbreviation is not null && last.EndsWith(abbreviation, StringComparison.Ordinal) && last.Length > abbreviation.Length
            // …unless a sibling already has that name (penalties_s beside penalties).
            && leaf.Path[^1].ContainingType.FindFieldByName(last[..^abbreviation.Length]) is null)
        {
            names[^1] = last[..^abbreviation.Length];
        }

        // UCUM's special units in square brackets are not valid in metric names: [psi] → psi, [g] → an annotation.
        // A ratio ("1") goes without a unit: Prometheus 3 would add "_ratio" from OTLP, .NET's scrape exporter not.
        var metricUnit = unit switch
        {
            "1" => "",
            "[psi]" => "psi",
            "[g]" => "{g}",
            _ when unit.StartsWith("1/", StringComparison.Ordinal) => "{" + unit + "}",
            _ => unit,
        };
        return ($"formulatel.{payload}.{string.Join('.', names)}", metricUnit);
    }

    private IEnumerable<Measurement<double>> Observe(FieldDescriptor payload, Leaf leaf)
    {
        var now = _time.GetTimestamp();
        foreach (var (key, car) in _cars)
        {
            if (_time.GetElapsedTime(car.UpdatedAt, now) > _options.StaleAfter)
            {
                _cars.TryRemove(key, out _);
                if (!_cars.Keys.Any(k => k.Source == key.Source && k.Session == key.Session))
                {
                    _tracks.TryRemove((key.Source, key.Session), out _);
                }

                continue;
            }

            if (car.Latest[payload.FieldNumber].Frame() is not { } frame)
            {
                continue;
            }

            IMessage? message = (IMessage)payload.Accessor.GetValue(frame);
            for (var i = 0; i < leaf.Path.Count - 1 && message is not null; i++)
            {
                message = (IMessage?)leaf.Path[i].Accessor.GetValue(message);
            }

            if (message is null)
            {
                continue;
            }

            var value = leaf.Path[^1].Accessor.GetValue(message);
            var (attributes, wheelAttributes) = Tags(key, car);
            if (leaf.IsWheels)
            {
                if (value is not IMessage wheels)
                {
                    continue;
                }

                var fields = wheels.Descriptor.Fields.InFieldNumberOrder();
                for (var w = 0; w < fields.Count; w++)
                {
                    yield return new Measurement<double>(Convert.ToDouble(fields[w].Accessor.GetValue(wheels), CultureInfo.InvariantCulture), wheelAttributes[w]);
                }
            }
            else
            {
                yield return new Measurement<double>(value is bool b ? (b ? 1 : 0) : Convert.ToDouble(value, CultureInfo.InvariantCulture), attributes);
            }
        }
    }

    /// <summary>
    /// A car's attributes (and with each wheel), built once and kept until its driver, team or track changes:
    /// collection reads every car for every instrument, and fresh arrays each time showed up as GC pauses.
    /// </summary>
    private (KeyValuePair<string, object?>[] Car, KeyValuePair<string, object?>[][] Wheels) Tags((string Source, ulong Session, uint Car) key, CarEntry car)
    {
        var track = _tracks.GetValueOrDefault((key.Source, key.Session), "");
        var cached = car.Tags;
        if (cached.Car is not null && ReferenceEquals(cached.Driver, car.Driver) && ReferenceEquals(cached.Team, car.Team) && ReferenceEquals(cached.Track, track))
        {
            return (cached.Car, cached.Wheels);
        }

        KeyValuePair<string, object?>[] attributes =
        [
            new("game", car.Game),
            new("source", key.Source),
            new("session", key.Session.ToString(CultureInfo.InvariantCulture)),
            new("car", ((int)key.Car).ToString(CultureInfo.InvariantCulture)),
            new("driver", car.Driver ?? ""),
            new("team", car.Team ?? ""),
            new("track", track),
        ];
        var wheels = WheelNames.Select(w => (KeyValuePair<string, object?>[])[.. attributes, new("wheel", w)]).ToArray();
        car.Tags = (attributes, wheels, car.Driver, car.Team, track);
        return (attributes, wheels);
    }

    /// <summary>The numeric leaves of a message: (path from the payload, unit, cumulative, is a Wheels).</summary>
    private static IEnumerable<Leaf> Leaves(MessageDescriptor message, List<FieldDescriptor> prefix)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || field.IsMap)
            {
                continue; // unbounded series: lists belong in Kafka, not in Prometheus
            }

            List<FieldDescriptor> path = [.. prefix, field];
            var options = field.GetOptions();
            var unit = options?.GetExtension(OptionsExtensions.Unit) ?? "";
            var cumulative = options?.GetExtension(OptionsExtensions.Cumulative) ?? false;
            switch (field.FieldType)
            {
                case FieldType.Message when field.MessageType == Wheels.Descriptor:
                    yield return new Leaf(path, unit, cumulative, IsWheels: true);
                    break;
                case FieldType.Message when field.MessageType.FullName.StartsWith("formulatel.", StringComparison.Ordinal):
                    foreach (var leaf in Leaves(field.MessageType, path))
                    {
                        yield return leaf;
                    }

                    break;
                case FieldType.Double or FieldType.Float or FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64
                    or FieldType.SInt32 or FieldType.SInt64 or FieldType.Fixed32 or FieldType.Fixed64 or FieldType.SFixed32 or FieldType.SFixed64
                    or FieldType.Bool:
                    yield return new Leaf(path, unit, cumulative, IsWheels: false);
                    break;
            }
        }
    }

    public sealed record Leaf(IReadOnlyList<FieldDescriptor> Path, string Unit, bool Cumulative, bool IsWheels);

    private sealed class CarEntry(Game game)
    {
        public readonly LatestFrame[] Latest = [.. Enumerable.Range(0, 64).Select(_ => new LatestFrame())];
        public readonly string Game = game.ToString();
        public string? Driver;
        public string? Team;
        public long UpdatedAt;
        public (KeyValuePair<string, object?>[]? Car, KeyValuePair<string, object?>[][] Wheels, string? Driver, string? Team, string Track) Tags = (null, [], null, null, "");
    }
}

/// <summary>
/// A car's latest frame of one payload as bytes, in a buffer used again for each frame (no allocation per frame),
/// parsed once when metrics are collected.
/// </summary>
internal sealed class LatestFrame
{
    private readonly Lock _lock = new();
    private byte[] _bytes = [];
    private int _length;
    private TelemetryFrame? _parsed;

    public void Keep(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            if (_bytes.Length < frame.Length)
            {
                _bytes = new byte[Math.Max(frame.Length, _bytes.Length * 2)];
            }

            frame.CopyTo(_bytes);
            _length = frame.Length;
            _parsed = null;
        }
    }

    public TelemetryFrame? Frame()
    {
        lock (_lock)
        {
            return _length == 0 ? null : _parsed ??= TelemetryFrame.Parser.ParseFrom(_bytes.AsSpan(0, _length));
        }
    }
}

/// <summary>One instrument derived from the spec.</summary>
public sealed record SpecInstrument(string Name, string Unit, bool Cumulative, string Payload, IReadOnlyList<FieldDescriptor> Path, bool PerWheel);
