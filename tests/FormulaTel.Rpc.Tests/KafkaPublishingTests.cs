using Confluent.Kafka;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Publishing;
using FormulaTel.ServiceDefaults.Kafka;
using FormulaTel.Testing;
using Grpc.Core;

namespace FormulaTel.Rpc.Tests;

/// <summary>
/// rpc publishing to Kafka: the real protocol, against librdkafka's mock cluster on loopback (and a real Kafka too
/// when FORMULATEL_TEST_KAFKA gives its bootstrap servers; fault injection is the mock's alone).
/// </summary>
public sealed class KafkaPublishingTests
{
    private const int Partitions = 6;

    private static Task<RpcTestHost> StartRpc(TestKafka kafka, Dictionary<string, string?>? extra = null)
    {
        var settings = kafka.Settings;
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return RpcTestHost.StartAsync(settings: settings);
    }

    private static async Task<PublishAck> PublishAsync(RpcTestHost rpc, FrameBatch batch)
    {
        using var call = rpc.CreateClient().Publish();
        await call.RequestStream.WriteAsync(batch);
        Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
        await call.RequestStream.CompleteAsync();
        return call.ResponseStream.Current;
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task Acknowledged_frames_are_on_the_topic_keyed_per_car_with_their_values(string target)
    {
        using var kafka = TestKafka.Start(target, Partitions);
        await using var rpc = await StartRpc(kafka);
        var frames = Enumerable.Range(0, 40).Select(i => Frames.Telemetry("rig-7", 555, (uint)(i % 4), 100 + i)).ToArray();
        var ack = await PublishAsync(rpc, Frames.Batch(1, frames));
        Assert.Equal(40u, ack.AcceptedFrames);
        Assert.Equal(40, rpc.Metrics.KafkaFramesPublishedTotal); // acknowledged only after Kafka accepted them all

        var messages = kafka.ReadAll(40, Partitions);
        Assert.Equal(40, messages.Count);
        foreach (var message in messages)
        {
            var frame = TelemetryFrame.Parser.ParseFrom(message.Message.Value);
            Assert.Equal($"rig-7/555/{frame.Envelope.CarIndex}", message.Message.Key);
            Assert.Equal(KafkaPublisher.ContentType, System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes("content-type")));
            Assert.Equal(Game.F123, frame.Envelope.Game);
        }

        Assert.Equal(frames.Select(f => f.CarTelemetry.SpeedKph).Order(), messages.Select(m => TelemetryFrame.Parser.ParseFrom(m.Message.Value).CarTelemetry.SpeedKph).Order());
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task Each_cars_frames_stay_in_order_on_one_partition(string target)
    {
        using var kafka = TestKafka.Start(target, Partitions);
        await using var rpc = await StartRpc(kafka);
        const int cars = 20;
        const int perCar = 30;
        ulong sequence = 0;
        for (var tick = 0; tick < perCar; tick++)
        {
            var batch = Frames.Batch(++sequence, Enumerable.Range(0, cars).Select(car =>
            {
                var frame = Frames.Telemetry("league", 9, (uint)car, tick);
                frame.Envelope.FrameId = (uint)tick;
                return frame;
            }).ToArray());
            await PublishAsync(rpc, batch);
        }

        var messages = kafka.ReadAll(cars * perCar, Partitions);
        Assert.Equal(cars * perCar, messages.Count);
        foreach (var byKey in messages.GroupBy(m => m.Message.Key))
        {
            Assert.Single(byKey.Select(m => m.Partition.Value).Distinct());
            var frameIds = byKey.OrderBy(m => m.Offset.Value).Select(m => TelemetryFrame.Parser.ParseFrom(m.Message.Value).Envelope.FrameId).ToArray();
            Assert.Equal(Enumerable.Range(0, perCar).Select(i => (uint)i), frameIds);
        }

        Assert.True(messages.Select(m => m.Partition.Value).Distinct().Count() > 1, "20 cars should spread over the partitions");
    }

    [Theory]
    [MemberData(nameof(TestKafka.Targets), MemberType = typeof(TestKafka))]
    public async Task An_oversized_frame_is_dropped_with_a_clear_error_and_counted_while_the_rest_are_published(string target)
    {
        using var kafka = TestKafka.Start(target, Partitions);
        await using var rpc = await StartRpc(kafka, new() { ["Kafka:Producer:message.max.bytes"] = "4096" });
        var huge = new TelemetryFrame
        {
            Envelope = new Envelope { Game = Game.F123, SourceId = "rig", SessionUid = 1, CarIndex = 0 },
            Participant = new Participant { Name = new string('x', 10_000) },
        };
        var ack = await PublishAsync(rpc, Frames.Batch(1, Frames.Telemetry("rig", 1, 1, 1), huge, Frames.Telemetry("rig", 1, 2, 2)));
        Assert.Equal(3u, ack.AcceptedFrames);
        Assert.Equal(1, rpc.Metrics.KafkaFramesDroppedTotal);
        Assert.Equal(2, rpc.Metrics.KafkaFramesPublishedTotal);
        Assert.Equal(2, kafka.ReadAll(2, Partitions).Count);
    }

    [Fact]
    public async Task With_every_broker_down_the_batch_waits_and_is_delivered_once_they_return()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, Partitions);
        await using var rpc = await StartRpc(kafka);
        await PublishAsync(rpc, Frames.Batch(1, Frames.Telemetry("rig", 3, 0, 1))); // connected and warm

        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerDown(broker);
        }

        using var call = rpc.CreateClient().Publish();
        var frames = Enumerable.Range(0, 30).Select(i => Frames.Telemetry("rig", 3, (uint)(i % 3), 200 + i)).ToArray();
        await call.RequestStream.WriteAsync(Frames.Batch(2, frames));
        var ack = call.ResponseStream.MoveNext();

        // Backpressure, not loss: with no broker the batch is not acknowledged. (Showing an absence takes a wait;
        // 3 s is far beyond the mock's normal delivery of a few milliseconds.)
        Assert.NotSame(ack, await Task.WhenAny(ack, Task.Delay(TimeSpan.FromSeconds(3))));
        Assert.Equal(1, rpc.Metrics.KafkaFramesPublishedTotal);

        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.MockCluster.SetBrokerUp(broker);
        }

        Assert.True(await Eventually.Within(ack, "ack after the brokers return", TimeSpan.FromSeconds(60)));
        Assert.Equal(2ul, call.ResponseStream.Current.Sequence);
        await call.RequestStream.CompleteAsync();

        var messages = kafka.ReadAll(31, Partitions);
        Assert.Equal(31, messages.Count);
        var speeds = messages.Select(m => TelemetryFrame.Parser.ParseFrom(m.Message.Value).CarTelemetry.SpeedKph).ToList();
        Assert.Equal(speeds.Count, speeds.Distinct().Count()); // each once (the idempotent producer retried, not duplicated)
        Assert.Equal(frames.Select(f => f.CarTelemetry.SpeedKph).Append(1f).Order(), speeds.Order());
    }

    [Fact]
    public async Task A_leader_change_loses_nothing()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, Partitions);
        await using var rpc = await StartRpc(kafka);
        await PublishAsync(rpc, Frames.Batch(1, Enumerable.Range(0, 12).Select(i => Frames.Telemetry("rig", 4, (uint)i, i)).ToArray()));

        // Every partition moves to broker 3 (the mock's leaders start spread over brokers 1..3).
        for (var partition = 0; partition < Partitions; partition++)
        {
            kafka.MockCluster.SetPartitionLeader(kafka.Topic, partition, 3);
        }

        await PublishAsync(rpc, Frames.Batch(2, Enumerable.Range(0, 12).Select(i => Frames.Telemetry("rig", 4, (uint)i, 100 + i)).ToArray()));
        var speeds = kafka.ReadAll(24, Partitions).Select(m => TelemetryFrame.Parser.ParseFrom(m.Message.Value).CarTelemetry.SpeedKph).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 12).Concat(Enumerable.Range(100, 12)).Select(i => (float)i), speeds);
    }
}
