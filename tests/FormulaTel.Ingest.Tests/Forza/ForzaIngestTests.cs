using System.Net;
using System.Net.Sockets;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>A running ingest takes Forza beside F1: on the F1 port, or on Ingest:ForzaPort; menu frames are counted.</summary>
public sealed class ForzaIngestTests
{
    [Fact]
    public async Task Forza_and_f1_share_the_port_and_each_decodes()
    {
        // On 127.0.0.2, out of reach of other tests' strays sent to 127.0.0.1.
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new() { ["Ingest:BindAddress"] = "127.0.0.2" });
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Parse("127.0.0.2"), ingest.UdpPort);
        await udp.SendAsync(Fixtures.ForzaPacket("fh6-324-000.bin"), target);
        await udp.SendAsync(Fixtures.ForzaPacket("fh6-324-020.bin"), target); // the menu: IsRaceOn 0
        await udp.SendAsync(Fixtures.PacketBytes("2023-06.bin"), target);

        // The receive count is taken before decoding: wait for the frames themselves (the menu frame came before the F1
        // datagram, so it has been counted by then).
        var frames = new List<TelemetryFrame>();
        await Eventually.Until(() =>
        {
            frames.AddRange(ingest.DrainFrames());
            return frames.Any(f => f.Envelope.Game == Game.ForzaHorizon) && frames.Any(f => f.Envelope.Game == Game.F123);
        }, "frames of both games");
        var stats = ingest.Metrics.Snapshot();
        Assert.Equal(3, stats.DatagramsReceived);
        Assert.Equal(1, stats.DatagramsDroppedByReason["not_racing"]);
        Assert.Contains(frames, f => f.Envelope.Game == Game.ForzaHorizon && f.CarTelemetry is not null);
        Assert.Contains(frames, f => f.Envelope.Game == Game.F123 && f.CarTelemetry is not null);
    }

    [Fact]
    public async Task Forza_can_have_a_port_of_its_own()
    {
        var forzaPort = FreePort.Udp();
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new() { ["Ingest:ForzaPort"] = forzaPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var bound = await Eventually.Within(ingest.Services.GetRequiredService<Udp.UdpReceiver>().ForzaBound, "the Forza port bound");
        Assert.Equal(forzaPort, bound!.Port);

        using var udp = new UdpClient(AddressFamily.InterNetwork);
        await udp.SendAsync(Fixtures.ForzaPacket("fh5-324-000.bin"), new IPEndPoint(IPAddress.Loopback, forzaPort));
        await udp.SendAsync(Fixtures.PacketBytes("2023-06.bin"), new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        var frames = new List<TelemetryFrame>();
        await Eventually.Until(() =>
        {
            frames.AddRange(ingest.DrainFrames());
            return frames.Any(f => f.Envelope.Game == Game.ForzaHorizon) && frames.Any(f => f.Envelope.Game == Game.F123);
        }, "frames from a datagram on each port");
        Assert.Contains(frames, f => f.Envelope.Game == Game.ForzaHorizon);
        Assert.Contains(frames, f => f.Envelope.Game == Game.F123);
    }
}
