using System.Diagnostics.Metrics;
using Google.Protobuf;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Publishing;
using FormulaTel.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.Rpc.Tests;

/// <summary>The gateway over real gRPC: a real rpc on a loopback port, real HTTP/2 clients.</summary>
public class GatewayTests
{
    [Fact]
    public async Task Each_batch_is_acknowledged_by_sequence_and_bad_frames_are_counted()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        using var call = rpc.CreateClient().Publish();
        await call.RequestStream.WriteAsync(Frames.Batch(1, Frames.Telemetry("a", 1, 0, 100), Frames.Telemetry("a", 1, 1, 120)));
        await call.RequestStream.WriteAsync(Frames.Batch(2,
            new TelemetryFrame { CarTelemetry = new CarTelemetry() },                                   // no envelope
            new TelemetryFrame { Envelope = new Envelope { SourceId = "a" } },                          // no payload
            new TelemetryFrame { Envelope = new Envelope(), CarTelemetry = new CarTelemetry() },        // no source
            Frames.Telemetry("a", 1, 2, 140)));

        Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "first ack"));
        Assert.Equal((1ul, 2u, 0u), (call.ResponseStream.Current.Sequence, call.ResponseStream.Current.AcceptedFrames, call.ResponseStream.Current.RejectedFrames));
        Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "second ack"));
        Assert.Equal((2ul, 1u, 3u), (call.ResponseStream.Current.Sequence, call.ResponseStream.Current.AcceptedFrames, call.ResponseStream.Current.RejectedFrames));

        await call.RequestStream.CompleteAsync();
        Assert.False(await Eventually.Within(call.ResponseStream.MoveNext(), "end of acks"));
        Assert.Equal(3, rpc.Metrics.FramesReceivedTotal);
        Assert.Equal(3, rpc.Metrics.FramesRejectedTotal);
    }

    [Fact]
    public async Task Watchers_get_only_what_their_filter_asks_for()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        var client = rpc.CreateClient();
        using var all = client.Watch(new WatchRequest());
        using var session2 = client.Watch(new WatchRequest { SessionUid = 2 });
        using var car1OfB = client.Watch(new WatchRequest { SourceId = "b", CarIndex = 1 });
        await Task.WhenAll(all.ResponseHeadersAsync, session2.ResponseHeadersAsync, car1OfB.ResponseHeadersAsync);
        Assert.Equal(3, rpc.FanOut.WatcherCount);

        using var publish = client.Publish();
        var frames = new[]
        {
            Frames.Telemetry("a", 1, 0, 100), Frames.Telemetry("a", 2, 1, 110),
            Frames.Telemetry("b", 2, 1, 120), Frames.Telemetry("b", 3, 0, 130),
        };
        await publish.RequestStream.WriteAsync(Frames.Batch(1, frames));
        Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(), "ack"));

        var fromAll = await Speeds(all, 4);
        var fromSession2 = await Speeds(session2, 2);
        var fromCar1OfB = await Speeds(car1OfB, 1);
        Assert.Equal(new[] { 100f, 110f, 120f, 130f }, fromAll);
        Assert.Equal(new[] { 110f, 120f }, fromSession2);
        Assert.Equal(new[] { 120f }, fromCar1OfB);
    }

    [Fact]
    public async Task Watchers_get_each_frame_byte_for_byte_as_its_publisher_encoded_it()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        var client = rpc.CreateClient();
        using var watch = client.Watch(new WatchRequest());
        await watch.ResponseHeadersAsync;
        // A frame from a newer spec: a field this build does not know travels on untouched.
        var newer = Frames.Telemetry("a", 1, 0, 100);
        newer.MergeFrom(new byte[] { 0xF8, 0x06, 0x2A }); // field 111, varint 42
        var frames = new[] { newer, Frames.Telemetry("a", 1, 1, 110) };
        using var publish = client.Publish();
        await publish.RequestStream.WriteAsync(Frames.Batch(1, frames));
        Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(), "ack"));

        Assert.True(await Eventually.Within(watch.ResponseStream.MoveNext(), "watched frames"));
        var watched = watch.ResponseStream.Current;
        Assert.Equal(1ul, watched.Sequence);
        Assert.Equal(frames.Select(f => Convert.ToHexString(f.ToByteArray())), watched.Frames.Select(f => Convert.ToHexString(f.ToByteArray())));
        Assert.EndsWith("F8062A", Convert.ToHexString(watched.Frames[0].ToByteArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thinned_watcher_gets_at_most_its_rate_per_car_and_payload_and_every_rare_frame()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        var client = rpc.CreateClient();
        using var thinned = client.Watch(new WatchRequest { MaxFramesPerSecond = 10 });
        using var full = client.Watch(new WatchRequest());
        await Task.WhenAll(thinned.ResponseHeadersAsync, full.ResponseHeadersAsync);

        // One second of two cars at 60 Hz, an event in the middle, then the session clock going back (a flashback).
        var frames = new List<TelemetryFrame>();
        for (var tick = 0; tick < 60; tick++)
        {
            for (uint car = 0; car < 2; car++)
            {
                var frame = Frames.Telemetry("a", 1, car, tick);
                frame.Envelope.SessionTimeS = tick / 60.0;
                frames.Add(frame);
            }

            if (tick == 30)
            {
                frames.Add(new TelemetryFrame { Envelope = new Envelope { SourceId = "a", SessionUid = 1, SessionTimeS = 0.5 }, Event = new RaceEvent { Code = "FTLP" } });
            }
        }

        var rewound = Frames.Telemetry("a", 1, 0, 999);
        rewound.Envelope.SessionTimeS = 0.2;
        frames.Add(rewound);
        using var publish = client.Publish();
        await publish.RequestStream.WriteAsync(Frames.Batch(1, [.. frames]));
        Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(), "ack"));

        var all = await Read(full, frames.Count);
        Assert.Equal(frames.Count, all.Count);
        // Per car: ticks 0, 6, 12, … (every 0.1 s of session time), plus the frame after the clock went back.
        var thinnedFrames = await Read(thinned, 2 * 10 + 1 + 1);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(i * 6)).Append(999f), thinnedFrames.Where(f => f.Envelope.CarIndex == 0 && f.CarTelemetry is not null).Select(f => f.CarTelemetry.SpeedKph));
        Assert.Equal(10, thinnedFrames.Count(f => f.Envelope.CarIndex == 1 && f.CarTelemetry is not null));
        Assert.Single(thinnedFrames, f => f.Event is not null);
    }

    private static async Task<List<TelemetryFrame>> Read(AsyncServerStreamingCall<FrameBatch> watch, int count)
    {
        var frames = new List<TelemetryFrame>();
        while (frames.Count < count)
        {
            Assert.True(await Eventually.Within(watch.ResponseStream.MoveNext(), $"{count} watched frames ({frames.Count} so far)"));
            frames.AddRange(watch.ResponseStream.Current.Frames);
        }

        return frames;
    }

    [Fact]
    public void A_publish_batch_is_read_with_each_frame_s_own_bytes_past_fields_it_does_not_know()
    {
        var frames = new[] { Frames.Telemetry("a", 1, 0, 100), Frames.Telemetry("b", 2, 3, 250) };
        var encoded = Frames.Batch(7, frames).ToByteArray().Concat(new byte[] { 0x9A, 0x06, 0x02, 0x01, 0x02 }).ToArray(); // + field 99, 2 bytes

        var batch = Gateway.GatewayWire.ReadBatch(encoded);

        Assert.Equal(7ul, batch.Sequence);
        Assert.Equal(frames, batch.Frames.Select(f => f.Frame));
        Assert.Equal(frames.Select(f => Convert.ToHexString(f.ToByteArray())), batch.Frames.Select(f => Convert.ToHexString(f.Bytes.Span)));
        Assert.Throws<InvalidProtocolBufferException>(() => { Gateway.GatewayWire.ReadBatch(encoded[..^3]); });
    }

    private static async Task<float[]> Speeds(AsyncServerStreamingCall<FrameBatch> watch, int count) =>
        [.. (await Read(watch, count)).Select(f => f.CarTelemetry.SpeedKph)];

    [Fact]
    public async Task A_watcher_that_never_reads_does_not_slow_publishers()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        var client = rpc.CreateClient();
        using var stalled = client.Watch(new WatchRequest());
        await stalled.ResponseHeadersAsync;

        using var publish = client.Publish();
        const int batches = 100;
        const int perBatch = 500;
        for (ulong b = 1; b <= batches; b++)
        {
            var batch = Frames.Batch(b, Enumerable.Range(0, perBatch).Select(i => Frames.Telemetry("a", 1, (uint)(i % 20), i)).ToArray());
            await publish.RequestStream.WriteAsync(batch);
        }

        for (var b = 1; b <= batches; b++)
        {
            Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(), $"ack {b}"));
        }

        // 50,000 frames against a queue of 20,000 and a reader that takes nothing: the surplus is counted.
        Assert.Equal(batches * perBatch, rpc.Metrics.FramesReceivedTotal);
        await Eventually.Until(() => rpc.Metrics.WatchFramesDroppedTotal > 0, "slow watcher drops counted");
    }

    [Fact]
    public async Task Telemetry_published_to_rpc_is_measured_per_car_labelled_with_session_and_car()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        using var publish = rpc.CreateClient().Publish();
        await publish.RequestStream.WriteAsync(Frames.Batch(1, Frames.Telemetry("rig", 77, 3, 287.5f, gear: 7)));
        Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(), "ack"));

        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        // Only this rpc's meter: tests running beside this one have rpc instances of their own.
        var factory = rpc.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SpecMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        listener.RecordObservableInstruments();

        var speed = Assert.Single(measurements, m => m.Instrument == "formulatel.car_telemetry.speed");
        Assert.Equal(287.5, speed.Value);
        Assert.Equal("77", speed.Tags["session"]);
        Assert.Equal("3", speed.Tags["car"]);
        Assert.Equal("rig", speed.Tags["source"]);
        Assert.Equal(7, Assert.Single(measurements, m => m.Instrument == "formulatel.car_telemetry.gear").Value);
        Assert.Equal(11500, Assert.Single(measurements, m => m.Instrument == "formulatel.car_telemetry.engine_rpm").Value);
        Assert.Equal(0.75, Assert.Single(measurements, m => m.Instrument == "formulatel.car_telemetry.throttle").Value);
        Assert.Equal(0.25, Assert.Single(measurements, m => m.Instrument == "formulatel.car_telemetry.brake").Value);
    }

    [Fact]
    public void Frames_received_are_counted_by_game_and_payload()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RpcMetrics(services.GetRequiredService<IMeterFactory>());
        var counted = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "formulatel.rpc.frames.received" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => counted.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        metrics.FrameReceived(Frames.Telemetry("a", 1, 0, 10));
        metrics.FrameReceived(new TelemetryFrame { Envelope = new Envelope { Game = Game.F123, SourceId = "a" }, Lap = new LapData() });

        Assert.Equal(2, counted.Count);
        Assert.Equal(("F123", "CarTelemetry"), ((string)counted[0].Tags["game"]!, (string)counted[0].Tags["payload"]!));
        Assert.Equal("Lap", counted[1].Tags["payload"]);
    }
}
