using System.Net;
using System.Net.Sockets;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.Web.Tests;

/// <summary>
/// Horizontal scale: two ingest, two rpc and two web instances with Kafka between them (librdkafka's mock cluster,
/// the real protocol), every part real and its own host.
/// </summary>
public sealed class ScaleOutTests
{
    [Fact]
    public async Task Rigs_spread_over_two_ingest_and_two_rpc_instances_show_on_both_web_instances_each_session_once()
    {
        using var kafka = TestKafka.Start(TestKafka.Mock, partitions: 6);
        await using var rpcA = await RpcTestHost.StartAsync(settings: kafka.Settings);
        await using var rpcB = await RpcTestHost.StartAsync(settings: kafka.Settings);
        var noRecording = new Dictionary<string, string?> { ["Ingest:Recording:Enabled"] = "false" };
        await using var ingestA = await IngestTestHost.StartAsync(rpcA.Address, noRecording);
        await using var ingestB = await IngestTestHost.StartAsync(rpcB.Address, noRecording);
        await using var webA = await WebTestHost.StartAsync(rpcA.Address, kafka.Settings);
        await using var webB = await WebTestHost.StartAsync(rpcB.Address, kafka.Settings);
        WebTestHost[] webs = [webA, webB];
        foreach (var web in webs)
        {
            var feed = web.Services.GetRequiredService<IFrameFeed>();
            Assert.IsType<KafkaFeed>(feed);
            await Eventually.Until(() => feed.Connected, "web reading Kafka");
        }

        // Eight rigs, each its own socket (so its own source) and session; the even ones to ingest A, the odd to B.
        const int Rigs = 8;
        var keys = new List<string>();
        var sentTo = new long[2];
        for (var rig = 0; rig < Rigs; rig++)
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var ingest = rig % 2 == 0 ? ingestA : ingestB;
            var target = new IPEndPoint(IPAddress.Loopback, ingest.UdpPort);
            var uid = 9_000ul + (ulong)rig;
            foreach (var datagram in SimulatedDatagrams.Session(uid, ticks: 20, cars: 4))
            {
                await socket.SendAsync(datagram, target);
                sentTo[rig % 2]++;
            }

            keys.Add(SessionKeys.For(((IPEndPoint)socket.Client.LocalEndPoint!).ToString(), uid));
        }

        // Both ingest instances carried their share, and rpc acknowledged all of it.
        foreach (var (ingest, sent) in new[] { (ingestA, sentTo[0]), (ingestB, sentTo[1]) })
        {
            await Eventually.Until(() => ingest.Metrics.Snapshot() is { } s && s.DatagramsReceived == sent && s.FramesDecoded > 0 && s.FramesAcknowledged == s.FramesDecoded,
                $"ingest to take and hand on its {sent} datagrams", TimeSpan.FromSeconds(60));
        }

        Assert.Equal(ingestA.Metrics.Snapshot().FramesDecoded + ingestB.Metrics.Snapshot().FramesDecoded, rpcA.Metrics.FramesReceivedTotal + rpcB.Metrics.FramesReceivedTotal);
        Assert.True(rpcA.Metrics.FramesReceivedTotal > 0 && rpcB.Metrics.FramesReceivedTotal > 0, "both rpc instances published");

        // Every session on both web instances, each once, with all four cars.
        foreach (var web in webs)
        {
            var store = web.Services.GetRequiredService<CarStateStore>();
            await Eventually.Until(() => store.Sessions().Count(s => keys.Contains(s.SessionKey) && s.Cars.Count == 4) == Rigs,
                "all eight sessions with their cars", TimeSpan.FromSeconds(60));
            var listed = store.Sessions().Select(s => s.SessionKey).Where(keys.Contains).ToList();
            Assert.Equal(listed.Distinct().Count(), listed.Count);
            Assert.Equal(keys.Order(), listed.Order());
        }
    }
}
