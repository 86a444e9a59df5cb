using System.Net;
using System.Net.Sockets;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>GET /stats on ingest as a process: what a script or the load harness reads.</summary>
public sealed class StatsEndpointTests
{
    [Fact]
    public async Task While_rpc_is_away_stats_shows_every_decoded_frame_waiting_in_the_buffer()
    {
        await using var ingest = await ServiceProcess.StartIngestAsync(new Dictionary<string, string> { ["Ingest__Recording__Enabled"] = "false" });
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var datagrams = SimulatedDatagrams.Session(31, ticks: 5, cars: 3);
        foreach (var datagram in datagrams)
        {
            await udp.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        await Eventually.Until(async () => (await ingest.StatsAsync()).GetProperty("datagramsReceived").GetInt64() == datagrams.Count, "every datagram received");
        var stats = await ingest.StatsAsync();
        var decoded = stats.GetProperty("framesDecoded").GetInt64();
        Assert.True(decoded >= 3 * 4 * 5, $"{decoded} frames decoded");
        Assert.Equal(decoded, stats.GetProperty("bufferedFrames").GetInt32());
        Assert.Equal(0, stats.GetProperty("unacknowledgedBatches").GetInt32());
        Assert.Equal(0, stats.GetProperty("framesAcknowledged").GetInt64());
    }
}
