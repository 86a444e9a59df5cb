using System.Threading.Channels;
using Confluent.Kafka;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Google.Protobuf;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FormulaTel.Web.Tests;

/// <summary>rpc → Kafka (librdkafka's mock cluster, the real protocol) → web instances → SignalR, all real.</summary>
public sealed class KafkaFeedTests : IDisposable
{
    private const string Topic = "formulatel.telemetry.v1";
    private readonly MockKafkaCluster _kafka = new(brokers: 3);

    public KafkaFeedTests() => _kafka.CreateTopic(Topic, partitions: 4, replicationFactor: 3);

    public void Dispose() => _kafka.Dispose();

    private Dictionary<string, string?> KafkaSettings => new() { ["ConnectionStrings:kafka"] = _kafka.BootstrapServers };

    [Fact]
    public async Task Frames_published_to_rpc_reach_every_web_instance_through_kafka()
    {
        await using var rpc = await RpcTestHost.StartAsync(settings: KafkaSettings);
        await using var webA = await WebTestHost.StartAsync(rpc.Address, KafkaSettings);
        await using var webB = await WebTestHost.StartAsync(rpc.Address, KafkaSettings);
        foreach (var web in new[] { webA, webB })
        {
            var feed = web.Services.GetRequiredService<IFrameFeed>();
            Assert.IsType<KafkaFeed>(feed);
            await Eventually.Until(() => feed.Connected, "web reading Kafka");
        }

        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(webB.Address, LiveHub.Path)).Build();
        var states = Channel.CreateUnbounded<CarState>();
        hub.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));
        await hub.StartAsync();
        var key = SessionKeys.For("league-rig", 77);
        await hub.InvokeAsync<CarState?>("Subscribe", key, 5);

        using (var call = rpc.CreateClient().Publish())
        {
            var batch = new FrameBatch { Sequence = 1 };
            batch.Frames.Add(Frames.Telemetry("league-rig", 77, 5, 311, player: true));
            batch.Frames.Add(Frames.Lap("league-rig", 77, 5, lap: 12, position: 3));
            await call.RequestStream.WriteAsync(batch);
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(CancellationToken.None), "ack after Kafka accepted"));
            await call.RequestStream.CompleteAsync();
        }

        CarState state;
        do
        {
            state = await Eventually.Within(states.Reader.ReadAsync().AsTask(), "car state through Kafka");
        }
        while (state.LapNumber != 12 || state.SpeedKph == 0);

        Assert.Equal((311f, 11000u, 6, 3u), (state.SpeedKph, state.EngineRpm, state.Gear, state.Position));
        // Broadcast: the other instance has the same car too.
        await Eventually.Until(() => webA.Services.GetRequiredService<CarStateStore>().Get(new CarKey(key, 5))?.LapNumber == 12, "the other web instance");
    }

    [Fact]
    public void A_frame_delivered_twice_is_applied_once()
    {
        var store = new CarStateStore(TimeProvider.System);
        var feed = new KafkaFeed(_kafka.BootstrapServers, Topic, store, NullLogger<KafkaFeed>.Instance);
        var frame = Frames.Telemetry("rig", 1, 0, 250);
        var message = new Message<string, byte[]> { Key = "rig/1/0", Value = frame.ToByteArray() };
        feed.Apply(message);
        feed.Apply(message);
        Assert.Equal(1, feed.FramesReceived);
        Assert.Equal(1, feed.DuplicatesSkipped);

        frame.Envelope.FrameId++;
        feed.Apply(new Message<string, byte[]> { Key = "rig/1/0", Value = frame.ToByteArray() });
        Assert.Equal(2, feed.FramesReceived);

        feed.Apply(new Message<string, byte[]> { Key = "rig/1/0", Value = [0xFF, 0xFF, 0xFF] }); // not a frame
        Assert.Equal(2, feed.FramesReceived);
    }
}
