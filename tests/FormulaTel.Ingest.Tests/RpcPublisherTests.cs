using System.Net;
using System.Net.Sockets;
using FormulaTel.Simulation;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Grpc.Core;

namespace FormulaTel.Ingest.Tests;

/// <summary>Ingest streaming to the real rpc service over real gRPC (HTTP/2 on loopback), including rpc restarts.</summary>
public class RpcPublisherTests
{
    private static async Task<int> SendTicks(int port, SimulatedField field, F1PacketWriter writer, int ticks)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var buffer = new byte[1500];
        await udp.SendAsync(buffer.AsMemory(0, writer.WriteParticipants(buffer)), target);
        var frames = field.Cars.Count;
        for (var i = 0; i < ticks; i++)
        {
            field.Step(1.0 / 60);
            await udp.SendAsync(buffer.AsMemory(0, writer.WriteCarTelemetry(buffer)), target);
            await udp.SendAsync(buffer.AsMemory(0, writer.WriteLapData(buffer)), target);
            frames += 2 * field.Cars.Count;
            if (i % 10 == 9)
            {
                // Paced a little, as a game is: a burst larger than the kernel's socket buffer is not the point here.
                await Task.Delay(1);
            }
        }

        return frames;
    }

    [Fact]
    public async Task Frames_reach_rpc_watchers_and_are_acknowledged()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        using var watch = rpc.CreateClient().Watch(new WatchRequest { SessionUid = 4242, CarIndex = 3 });
        await watch.ResponseHeadersAsync;
        await using var ingest = await IngestTestHost.StartAsync(rpc.Address);

        var field = new SimulatedField(20, 0);
        var sent = await SendTicks(ingest.UdpPort, field, new F1PacketWriter(field, 4242), 30);

        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesAcknowledged == sent, $"{sent} frames acknowledged");
        Assert.Equal(sent, rpc.Metrics.FramesReceivedTotal);

        // The watcher asked for car 3 of session 4242 only.
        var seen = new List<TelemetryFrame>();
        while (seen.Count(f => f.PayloadCase == TelemetryFrame.PayloadOneofCase.CarTelemetry) < 30)
        {
            Assert.True(await Eventually.Within(watch.ResponseStream.MoveNext(), "watched frames"));
            seen.AddRange(watch.ResponseStream.Current.Frames);
        }

        Assert.All(seen, f => Assert.Equal((4242ul, 3u), (f.Envelope.SessionUid, f.Envelope.CarIndex)));
        var last = seen.Last(f => f.PayloadCase == TelemetryFrame.PayloadOneofCase.CarTelemetry);
        Assert.Equal(Math.Round(field.Cars[3].SpeedKph), last.CarTelemetry.SpeedKph);
        Assert.Equal(field.Cars[3].Gear, last.CarTelemetry.Gear);
    }

    [Fact]
    public async Task Reconnects_after_rpc_restarts_and_loses_nothing_buffered()
    {
        var rpc = await RpcTestHost.StartAsync();
        await using var ingest = await IngestTestHost.StartAsync(rpc.Address);
        var field = new SimulatedField(20, 0);
        var writer = new F1PacketWriter(field, 99);

        var before = await SendTicks(ingest.UdpPort, field, writer, 20);
        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesAcknowledged == before, "first frames acknowledged");

        await rpc.StopAsync();
        await Eventually.Until(() => !ingest.Publisher.Connected, "ingest notices rpc is gone");
        var during = await SendTicks(ingest.UdpPort, field, writer, 20);
        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDecoded == before + during, "frames decoded while rpc is down");

        await rpc.StartAsync();
        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesAcknowledged == before + during, "buffered frames acknowledged after restart");
        Assert.True(ingest.Metrics.Snapshot().Reconnects > 0);
        Assert.Equal(0, ingest.Metrics.Snapshot().FramesDroppedBufferFull);
        Assert.True(rpc.Metrics.FramesReceivedTotal >= during, $"restarted rpc received {rpc.Metrics.FramesReceivedTotal} of {during}");
        await rpc.DisposeAsync();
    }

    [Fact]
    public async Task Many_ingest_instances_publish_at_once()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        await using var first = await IngestTestHost.StartAsync(rpc.Address);
        await using var second = await IngestTestHost.StartAsync(rpc.Address);
        var a = new SimulatedField(10, 0);
        var b = new SimulatedField(10, 1);
        var sent = await Task.WhenAll(
            SendTicks(first.UdpPort, a, new F1PacketWriter(a, 1), 20),
            SendTicks(second.UdpPort, b, new F1PacketWriter(b, 2), 20));

        // rpc counts a frame before its acknowledgement reaches ingest: wait for the acknowledgements.
        await Eventually.Until(() => first.Metrics.Snapshot().FramesAcknowledged == sent[0], "first instance acknowledged");
        await Eventually.Until(() => second.Metrics.Snapshot().FramesAcknowledged == sent[1], "second instance acknowledged");
        Assert.Equal(sent.Sum(), rpc.Metrics.FramesReceivedTotal);
    }
}
