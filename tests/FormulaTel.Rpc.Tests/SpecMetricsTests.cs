using System.Diagnostics.Metrics;
using FormulaTel.Protos.V1;
using Google.Protobuf;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Rpc.Tests;

/// <summary>Telemetry → metrics derived from the spec's descriptors (<see cref="SpecMetrics"/>).</summary>
public sealed class SpecMetricsTests : IDisposable
{
    private static readonly string[] AllPayloads = [.. TelemetryFrame.Descriptor.Oneofs.Single().Fields.Select(f => f.Name)];
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _services.Dispose();

    private SpecMetrics Create(SpecMetricsOptions options) =>
        new(_services.GetRequiredService<IMeterFactory>(), Options.Create(options), _time);

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Collect()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string, double, Dictionary<string, object?>)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SpecMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        listener.RecordObservableInstruments();
        return measurements;
    }

    [Fact]
    public void Every_numeric_field_of_every_payload_is_measured_with_its_value_and_the_specs_unit()
    {
        var metrics = Create(new SpecMetricsOptions { Payloads = [.. AllPayloads] });
        var expected = new List<(string Payload, string Path, double Value)>();
        var next = 0;
        foreach (var payload in TelemetryFrame.Descriptor.Oneofs.Single().Fields)
        {
            var frame = new TelemetryFrame { Envelope = new Envelope { Game = Game.F124, SourceId = "rig", SessionUid = 77, CarIndex = 3 } };
            var message = payload.MessageType.Parser.ParseFrom(ByteString.Empty);
            expected.AddRange(SpecFrames.Fill(message, "", ref next).Select(f => (payload.Name, f.Path, f.Value)));
            payload.Accessor.SetValue(frame, message);
            metrics.Record(frame);
        }

        var measurements = Collect();
        var byPath = metrics.Instruments.ToDictionary(i => (i.Payload, string.Join('.', i.Path.Select(f => f.Name))));
        foreach (var (payload, path, value) in expected)
        {
            // A Wheels field's four values are one instrument with a "wheel" attribute.
            var wheel = path.Split('.')[^1];
            var isWheel = byPath.ContainsKey((payload, path[..Math.Max(0, path.LastIndexOf('.'))])) && byPath[(payload, path[..path.LastIndexOf('.')])].PerWheel;
            var instrument = isWheel ? byPath[(payload, path[..path.LastIndexOf('.')])] : byPath[(payload, path)];
            var measurement = Assert.Single(measurements, m => m.Instrument == instrument.Name && (!isWheel || (string?)m.Tags["wheel"] == wheel));
            Assert.Equal(value, measurement.Value, 3);
            Assert.Equal(("rig", "77", "3", "F124"), ((string?)measurement.Tags["source"], (string?)measurement.Tags["session"], (string?)measurement.Tags["car"], (string?)measurement.Tags["game"]));
        }

        // Nothing measured that the spec does not have, and every instrument measured.
        Assert.Equal(metrics.Instruments.Select(i => i.Name).Order(), measurements.Select(m => m.Instrument).Distinct().Order());
        Assert.True(metrics.Instruments.Count > 200, $"{metrics.Instruments.Count} instruments");
    }

    [Fact]
    public void Names_units_and_kinds_come_from_the_spec()
    {
        var metrics = Create(new SpecMetricsOptions { Payloads = [.. AllPayloads] });
        SpecInstrument Named(string name) => Assert.Single(metrics.Instruments, i => i.Name == name);

        Assert.Equal(("km/h", false), (Named("formulatel.car_telemetry.speed").Unit, Named("formulatel.car_telemetry.speed").Cumulative));
        Assert.Equal("{1/min}", Named("formulatel.car_telemetry.engine_rpm").Unit);
        Assert.Equal(("psi", true), (Named("formulatel.car_telemetry.tyre_pressure").Unit, Named("formulatel.car_telemetry.tyre_pressure").PerWheel));
        Assert.Equal("Cel", Named("formulatel.car_telemetry.tyre_surface_temperature").Unit);
        Assert.Equal("ms", Named("formulatel.lap.last_lap_time").Unit);
        Assert.True(Named("formulatel.lap.pit_stops").Cumulative); // marked cumulative in the spec: a counter
        Assert.Equal("{g}", Named("formulatel.motion.g_force_lateral").Unit);
        Assert.Equal("", Named("formulatel.car_telemetry.throttle").Unit);
        // Every name is unique and every unit is one exporters spell alike (no brackets, no bare "1/…").
        Assert.Equal(metrics.Instruments.Count, metrics.Instruments.Select(i => i.Name).Distinct().Count());
        Assert.DoesNotContain(metrics.Instruments, i => i.Unit.StartsWith('[') || i.Unit.StartsWith("1", StringComparison.Ordinal));
    }

    [Fact]
    public void Driver_team_and_track_label_the_series_and_player_only_keeps_the_players_cars()
    {
        var metrics = Create(new SpecMetricsOptions { Payloads = ["car_telemetry"], Cars = SpecMetricsCars.Player });
        var envelope = new Envelope { Game = Game.F123, SourceId = "rig", SessionUid = 5, CarIndex = 0, IsPlayerCar = true };
        metrics.Record(new TelemetryFrame { Envelope = envelope, Session = new Session { Track = "Monza" } });
        metrics.Record(new TelemetryFrame { Envelope = envelope, Participant = new Participant { Name = "NORRIS", Team = "McLaren" } });
        metrics.Record(new TelemetryFrame { Envelope = envelope, CarTelemetry = new CarTelemetry { SpeedKph = 301 } });
        metrics.Record(new TelemetryFrame { Envelope = new Envelope(envelope) { CarIndex = 1, IsPlayerCar = false }, CarTelemetry = new CarTelemetry { SpeedKph = 280 } });

        var speed = Assert.Single(Collect(), m => m.Instrument == "formulatel.car_telemetry.speed");
        Assert.Equal(301, speed.Value);
        Assert.Equal(("NORRIS", "McLaren", "Monza", "0"), ((string?)speed.Tags["driver"], (string?)speed.Tags["team"], (string?)speed.Tags["track"], (string?)speed.Tags["car"]));
        Assert.DoesNotContain(metrics.Instruments, i => i.Payload != "car_telemetry"); // payloads not enabled: no instruments
    }

    [Fact]
    public void A_car_not_heard_from_stops_being_measured()
    {
        var metrics = Create(new SpecMetricsOptions { Payloads = ["car_telemetry"], StaleAfter = TimeSpan.FromSeconds(60) });
        metrics.Record(new TelemetryFrame { Envelope = new Envelope { SourceId = "rig", SessionUid = 1 }, CarTelemetry = new CarTelemetry { SpeedKph = 100 } });
        Assert.Contains(Collect(), m => m.Instrument == "formulatel.car_telemetry.speed");
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.DoesNotContain(Collect(), m => m.Instrument == "formulatel.car_telemetry.speed");
    }

    [Fact]
    public void Cars_past_the_series_budget_are_refused_and_counted_until_others_go_stale()
    {
        var perCar = Create(new SpecMetricsOptions { Payloads = ["car_telemetry"] }).SeriesPerCar;
        var metrics = Create(new SpecMetricsOptions { Payloads = ["car_telemetry"], SeriesBudget = perCar * 3, StaleAfter = TimeSpan.FromSeconds(60) });
        Assert.Equal(3, metrics.MaxCars);
        TelemetryFrame Frame(ulong session, uint car) =>
            new() { Envelope = new Envelope { SourceId = "rig", SessionUid = session, CarIndex = car }, CarTelemetry = new CarTelemetry { SpeedKph = 100 + car } };

        for (uint car = 0; car < 5; car++)
        {
            metrics.Record(Frame(1, car));
        }

        // The first three are measured, within the budget of series; the other two are counted, not measured.
        var speeds = Collect().Where(m => m.Instrument == "formulatel.car_telemetry.speed").ToList();
        Assert.Equal(["0", "1", "2"], speeds.Select(s => (string)s.Tags["car"]!).Order());
        Assert.True(Collect().Count <= perCar * 3);
        Assert.Equal(2, metrics.CarsRefused);

        // Once they go stale, a new session's car is measured.
        _time.Advance(TimeSpan.FromSeconds(61));
        Collect();
        metrics.Record(Frame(2, 7));
        Assert.Equal("7", (string)Assert.Single(Collect(), m => m.Instrument == "formulatel.car_telemetry.speed").Tags["car"]!);
    }

    [Fact]
    public void An_unknown_payload_in_the_configuration_is_a_clear_error()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(new SpecMetricsOptions { Payloads = ["car_telemetry", "tyres"] }));
        Assert.Contains("tyres", error.Message);
        Assert.Contains("car_status", error.Message); // lists what is known
    }
}
