using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Confluent.Kafka;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Protos.V1;
using FormulaTel.ServiceDefaults.Kafka;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Google.Protobuf;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProtoTimestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace FormulaTel.Web.Tests;

/// <summary>
/// rpc → Kafka (librdkafka's mock cluster, the real protocol; a real Kafka too when FORMULATEL_TEST_KAFKA is set)
/// → web instances → SignalR, all real.
/// </summary>
public sealed class KafkaFeedTests
{
    private const int Partitions = 4;

    private static async Task<ChannelReader<CarState>> ConnectAsync(HubConnection hub)
    {
        var states = Channel.CreateUnbounded<CarState>();
        hub.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));
        await hub.StartAsync();
        return states.Reader;
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task Frames_published_to_rpc_reach_every_web_instance_through_kafka(string target)
    {
        using var kafka = TestKafka.Start(target, Partitions);
        await using var rpc = await RpcTestHost.StartAsync(settings: kafka.Settings);
        await using var webA = await WebTestHost.StartAsync(rpc.Address, kafka.Settings);
        await using var webB = await WebTestHost.StartAsync(rpc.Address, kafka.Settings);
        foreach (var web in new[] { webA, webB })
        {
            var feed = web.Services.GetRequiredService<IFrameFeed>();
            Assert.IsType<KafkaFeed>(feed);
            await Eventually.Until(() => feed.Connected, "web reading Kafka");
        }

        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(webB.Address, LiveHub.Path)).Build();
        var key = SessionKeys.For("league-rig", 77);
        var states = await ConnectAsync(hub);

        using (var call = rpc.CreateClient().Publish())
        {
            var batch = new FrameBatch { Sequence = 1 };
            batch.Frames.Add(Frames.Telemetry("league-rig", 77, 5, 311, player: true));
            batch.Frames.Add(Frames.Lap("league-rig", 77, 5, lap: 12, position: 3));
            await call.RequestStream.WriteAsync(batch);
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(CancellationToken.None), "ack after Kafka accepted"));
            await call.RequestStream.CompleteAsync();
        }

        var current = await hub.SubscribeWhenLiveAsync(key, 5);
        if (current is { LapNumber: 12, SpeedKph: > 0 })
        {
            Assert.Equal((311f, 11000u, 6, 3u), (current.SpeedKph, current.EngineRpm, current.Gear, current.Position));
            return;
        }

        CarState state;
        do
        {
            state = await Eventually.Within(states.ReadAsync().AsTask(), "car state through Kafka");
        }
        while (state.LapNumber != 12 || state.SpeedKph == 0);

        Assert.Equal((311f, 11000u, 6, 3u), (state.SpeedKph, state.EngineRpm, state.Gear, state.Position));
        // Broadcast: the other instance has the same car too.
        await Eventually.Until(() => webA.Services.GetRequiredService<CarStateStore>().Get(new CarKey(key, 5))?.LapNumber == 12, "the other web instance");
    }

    [Fact]
    public async Task All_brokers_down_for_five_seconds_while_frames_flow_loses_no_acknowledged_frame_and_the_live_view_shows_none_twice()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, Partitions);
        // Deliveries time out during the outage, so rpc fails batches and ingest really sends them again:
        // Kafka ends up holding duplicates, which the live view must not show twice.
        var rpcSettings = kafka.Settings;
        rpcSettings["Kafka:Producer:message.timeout.ms"] = "2000";
        await using var rpc = await RpcTestHost.StartAsync(settings: rpcSettings);
        await using var web = await WebTestHost.StartAsync(rpc.Address, kafka.Settings);
        var feed = (KafkaFeed)web.Services.GetRequiredService<IFrameFeed>();
        await Eventually.Until(() => feed.Connected, "web reading Kafka");
        await using var ingest = await IngestTestHost.StartAsync(rpc.Address);

        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(web.Address, LiveHub.Path)).Build();
        var states = await ConnectAsync(hub);
        var shownSpeeds = new List<float>();

        // Frames flow at ~200/s through the real ingest publisher; frame i carries speed i.
        var written = 0;
        var sent = new List<TelemetryFrame>();
        var start = Stopwatch.StartNew();
        void WriteUntil(TimeSpan elapsed)
        {
            while (start.Elapsed < elapsed)
            {
                var target = (int)(start.Elapsed.TotalMilliseconds / 5);
                for (; written < target; written++)
                {
                    var frame = Frames.Telemetry("rig", 42, 0, written + 1);
                    frame.Envelope.ReceivedAt = ProtoTimestamp.FromDateTime(DateTime.UtcNow);
                    sent.Add(frame);
                    ingest.Buffer.Write(EncodedFrames.Encode([frame]));
                }

                while (states.TryRead(out var state))
                {
                    shownSpeeds.Add(state.SpeedKph);
                }

                Thread.Sleep(5);
            }
        }

        // The hub follows a car once web holds it: frames first, then the subscription. What the view shows is
        // judged on the pushes; Subscribe's snapshot may race one of them.
        await Task.Run(() => WriteUntil(TimeSpan.FromSeconds(0.2)));
        await hub.SubscribeWhenLiveAsync(SessionKeys.For("rig", 42), 0);

        await Task.Run(() => WriteUntil(TimeSpan.FromSeconds(1.5)));
        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerDown(broker);
        }

        await Task.Run(() => WriteUntil(TimeSpan.FromSeconds(6.5)));
        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerUp(broker);
        }

        await Task.Run(() => WriteUntil(TimeSpan.FromSeconds(8)));
        await Eventually.Until(() => ingest.Buffer.Count == 0 && ingest.Publisher.UnacknowledgedBatches == 0, "every frame acknowledged", TimeSpan.FromSeconds(90));
        Assert.Equal(0, ingest.Metrics.Snapshot().FramesDroppedBufferFull);

        // What ingest does when an ack is lost: send an old batch again (here the first 300 frames).
        using (var call = rpc.CreateClient().Publish())
        {
            await call.RequestStream.WriteAsync(Frames.Batch(1, [.. sent.Take(300)]));
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(CancellationToken.None), "ack of the resent batch"));
            await call.RequestStream.CompleteAsync();
        }
        Assert.True(ingest.Metrics.Snapshot().FramesAcknowledged >= written);

        // Kafka holds every acknowledged frame (some twice: at-least-once).
        var onTopic = kafka.ReadAll(written + 300, Partitions).Select(m => (int)TelemetryFrame.Parser.ParseFrom(m.Message.Value).CarTelemetry.SpeedKph).ToList();
        var messagesExpected = onTopic.Count;
        Assert.True(messagesExpected >= written + 300, $"{messagesExpected} messages for {written} frames");
        Assert.Equal(Enumerable.Range(1, written), onTopic.Distinct().Order());

        // The live view: never a frame it already showed, never an older one after a newer one, ending on the last.
        await Eventually.Until(() =>
        {
            while (states.TryRead(out var state))
            {
                shownSpeeds.Add(state.SpeedKph);
            }

            return shownSpeeds.Count > 0 && shownSpeeds[^1] == written;
        }, "the live view showing the last frame");
        // The same state pushed twice in a row (Subscribe's snapshot racing the coalescer's push of the same change)
        // shows nothing new; a redelivered frame would show as an older speed after a newer one.
        var shown = shownSpeeds.Where((speed, i) => i == 0 || speed != shownSpeeds[i - 1]).ToList();
        Assert.True(shown.Zip(shown.Skip(1)).All(p => p.First < p.Second), "the live view went back: " + string.Join(",", shownSpeeds));
        // Before the subscription the car was nobody's: web parsed it at the overview rate and skipped the rest.
        await Eventually.Until(() => feed.FramesReceived + feed.DuplicatesSkipped + feed.FramesSkipped >= messagesExpected, "web read everything on the topic");
        Assert.Equal(messagesExpected, feed.FramesReceived + feed.DuplicatesSkipped + feed.FramesSkipped);
        Assert.True(feed.FramesReceived <= written);
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task The_trace_continues_from_rpcs_publish_to_webs_consumer_through_message_headers(string target)
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KafkaTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var kafka = TestKafka.Start(target, Partitions);
        await using var rpc = await RpcTestHost.StartAsync(settings: kafka.Settings);
        await using var web = await WebTestHost.StartAsync(rpc.Address, kafka.Settings);
        var feed = web.Services.GetRequiredService<IFrameFeed>();
        await Eventually.Until(() => feed.Connected, "web reading Kafka");

        // Tests run in parallel and share the activity source: this test's frames carry a source of their own.
        var source = $"trace-{Guid.NewGuid():N}";
        using (var call = rpc.CreateClient().Publish())
        {
            await call.RequestStream.WriteAsync(Frames.Batch(1, Frames.Telemetry(source, 1, 0, 123)));
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(CancellationToken.None), "ack"));
            await call.RequestStream.CompleteAsync();
        }

        var message = Assert.Single(kafka.ReadAll(1, Partitions), m => m.Message.Key.StartsWith(source, StringComparison.Ordinal));
        var traceParent = System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes("traceparent"));
        var publish = stopped.Single(a => a.Kind == ActivityKind.Producer && traceParent.Contains(a.SpanId.ToHexString(), StringComparison.Ordinal));
        Assert.Equal($"00-{publish.TraceId.ToHexString()}-{publish.SpanId.ToHexString()}-01", traceParent);
        Assert.Equal(kafka.Topic, publish.GetTagItem("messaging.destination.name"));

        await Eventually.Until(() => stopped.Any(a => a.Kind == ActivityKind.Consumer && a.ParentSpanId == publish.SpanId), "web's process span");
        var process = stopped.First(a => a.Kind == ActivityKind.Consumer && a.ParentSpanId == publish.SpanId);
        Assert.Equal(publish.TraceId, process.TraceId);
    }

    [Fact]
    public async Task Librdkafka_logs_of_webs_consumer_reach_ILogger()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, Partitions);
        var settings = kafka.Settings;
        settings["Kafka:Consumer:debug"] = "consumer";
        var logs = new CapturingLoggerProvider();
        await using var rpc = await RpcTestHost.StartAsync(settings: kafka.Settings);
        await using var web = await WebTestHost.StartAsync(rpc.Address, settings, builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturingLoggerProvider>("Confluent.Kafka.librdkafka", LogLevel.Debug);
        });
        await Eventually.Until(() => logs.Entries.Any(e => e.Category == "Confluent.Kafka.librdkafka" && e.Message.Contains("formulatel-web", StringComparison.Ordinal)), "librdkafka's consumer log lines");
        Assert.Contains(logs.Entries, e => e.Category == "Confluent.Kafka.librdkafka" && e.Level == LogLevel.Debug);
    }

    [Fact]
    public void A_frame_delivered_again_is_not_applied_again()
    {
        var filter = new RedeliveryFilter();
        var t0 = DateTime.UtcNow;
        TelemetryFrame At(int milliseconds, uint frameId)
        {
            var frame = Frames.Telemetry("rig", 1, 0, milliseconds);
            frame.Envelope.FrameId = frameId;
            frame.Envelope.ReceivedAt = ProtoTimestamp.FromDateTime(t0.AddMilliseconds(milliseconds));
            return frame;
        }

        Assert.True(filter.IsNew("rig/1/0", At(0, 100)));
        Assert.True(filter.IsNew("rig/1/0", At(16, 101)));
        Assert.False(filter.IsNew("rig/1/0", At(16, 101))); // the same frame again
        Assert.False(filter.IsNew("rig/1/0", At(0, 100))); // a resent batch: older than the newest shown
        Assert.True(filter.IsNew("rig/1/0", At(33, 50))); // after a flashback the game's frame id goes back: still new
        Assert.True(filter.IsNew("rig/1/1", At(0, 100))); // another car
        var lap = Frames.Lap("rig", 1, 0, 3, 1);
        lap.Envelope.ReceivedAt = ProtoTimestamp.FromDateTime(t0);
        Assert.True(filter.IsNew("rig/1/0", lap)); // another kind of payload
        Assert.True(filter.IsNew("rig/1/0", At(-(int)RedeliveryFilter.MaxRedeliveryAge.TotalMilliseconds - 1000, 1))); // ingest's clock stepped back

        var untimed = Frames.Telemetry("other", 1, 0, 1);
        Assert.True(filter.IsNew("other/1/0", untimed));
        Assert.False(filter.IsNew("other/1/0", untimed));
    }

    [Fact]
    public void A_message_that_is_not_a_frame_is_skipped()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, 1);
        using var services = FeedServices(kafka);
        var feed = services.GetRequiredService<KafkaFeed>();
        feed.Apply(new Message<string, byte[]> { Key = "rig/1/0", Value = [0xFF, 0xFF, 0xFF] });
        feed.Apply(new Message<string, byte[]> { Key = "rig/1/0", Value = Frames.Telemetry("rig", 1, 0, 250).ToByteArray() });
        Assert.Equal(1, feed.FramesReceived);
    }

    [Fact]
    public void Cars_nobody_watches_are_read_at_the_overview_rate_a_watched_car_in_full()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, 1);
        using var services = FeedServices(kafka);
        var feed = services.GetRequiredService<KafkaFeed>();
        using var watch = services.GetRequiredService<WatchedCars>().Watch(new CarKey(SessionKeys.For("rig", 1), 1));
        var t0 = DateTime.UtcNow;

        // One second of session time at 60 Hz for two cars; car 1 is watched. Car 0 also gets its participant.
        for (var tick = 0; tick < 60; tick++)
        {
            foreach (var car in new uint[] { 0, 1 })
            {
                var frame = Frames.Telemetry("rig", 1, car, 100 + tick);
                (frame.Envelope.SessionTimeS, frame.Envelope.FrameId) = (tick / 60.0, (uint)tick + 1);
                frame.Envelope.ReceivedAt = ProtoTimestamp.FromDateTime(t0.AddMilliseconds(tick * 1000.0 / 60));
                feed.Apply(new Message<string, byte[]> { Key = $"rig/1/{car}", Value = frame.ToByteArray() });
            }
        }

        var participant = new TelemetryFrame { Envelope = new Envelope { SourceId = "rig", SessionUid = 1, SessionTimeS = 0.5, ReceivedAt = ProtoTimestamp.FromDateTime(t0) }, Participant = new Participant { Name = "NORRIS" } };
        feed.Apply(new Message<string, byte[]> { Key = "rig/1/0", Value = participant.ToByteArray() });

        // Car 0 at 10 a second (every sixth tick), car 1 every tick, the participant whatever the rate.
        Assert.Equal(10 + 60 + 1, feed.FramesReceived);
        Assert.Equal(50, feed.FramesSkipped);
    }

    private static ServiceProvider FeedServices(TestKafka kafka) => new ServiceCollection().AddLogging().AddMetrics().AddSingleton(TimeProvider.System)
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Web:OverviewFramesPerSecond"] = "10" }).Build())
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(new KafkaSettings { BootstrapServers = kafka.BootstrapServers }))
        .AddSingleton<KafkaStatistics>().AddSingleton<KafkaClientFactory>().AddSingleton<CarStateStore>().AddSingleton<WatchedCars>().AddSingleton<KafkaFeed>()
        .BuildServiceProvider();
}
