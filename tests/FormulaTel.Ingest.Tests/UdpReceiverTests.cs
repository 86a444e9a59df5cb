using System.Net;
using System.Net.Sockets;
using FormulaTel.Simulation;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>Datagrams over a real UDP socket: bad ones counted per reason, good ones still decoded after them.</summary>
public class UdpReceiverTests
{
    [Fact]
    public async Task Bad_datagrams_are_counted_per_reason_and_the_loop_goes_on()
    {
        // No rpc: frames wait in the buffer, which is all this test looks at. Listening on 127.0.0.2, where no other
        // test's stray datagram (sent to a 127.0.0.1 port the kernel has since handed to this ingest) can arrive.
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"), new() { ["Ingest:BindAddress"] = "127.0.0.2" });
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Parse("127.0.0.2"), ingest.UdpPort);

        var telemetry = Fixtures.PacketBytes("2023-06.bin");
        var header2022 = (byte[])telemetry.Clone();
        header2022[0] = 0xE6; // 2022
        var unknownId = (byte[])telemetry.Clone();
        unknownId[6] = 42;
        var codeless = (byte[])Fixtures.PacketBytes("2023-03-FTLP.bin").Clone();
        "ZZZZ"u8.CopyTo(codeless.AsSpan(29));
        var datagrams = new[]
        {
            codeless,                               // unknown event code
            new byte[10],                           // too short
            header2022,                             // unknown format
            unknownId,                              // unknown packet id
            telemetry[..^1],                        // wrong length
            Fixtures.PacketBytes("2023-03-FTLP.bin"), // good: an event
            new byte[2000],                         // format 0: unknown
            telemetry,                              // good
        };
        foreach (var datagram in datagrams)
        {
            await udp.SendAsync(datagram, target);
        }

        // Waits for what it asserts: the last datagram's count, not the receive count, which is taken before decoding.
        await Eventually.Until(() => ingest.Metrics.Snapshot() is { FramesDecoded: 2 } s && s.DatagramsDroppedByReason.Values.Sum() == 6,
            $"the eight datagrams decoded or dropped: {string.Join(", ", ingest.Metrics.Snapshot().DatagramsDroppedByReason.Where(r => r.Value > 0))}");
        var stats = ingest.Metrics.Snapshot();
        Assert.Equal(datagrams.Length, stats.DatagramsReceived);
        Assert.Equal(1, stats.DatagramsDroppedByReason["too_short"]);
        Assert.Equal(2, stats.DatagramsDroppedByReason["unknown_format"]);
        Assert.Equal(1, stats.DatagramsDroppedByReason["unknown_packet_id"]);
        Assert.Equal(1, stats.DatagramsDroppedByReason["wrong_length"]);
        Assert.Equal(1, stats.DatagramsDroppedByReason["unknown_event_code"]);
        Assert.Equal(2, stats.FramesDecoded);
        Assert.Equal(0, stats.ReceiveErrors);
    }

    [Fact]
    public async Task Listens_on_IPv4_and_IPv6_at_once()
    {
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"));
        var telemetry = Fixtures.PacketBytes("2023-06.bin");
        using var v4 = new UdpClient(AddressFamily.InterNetwork);
        await v4.SendAsync(telemetry, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        using var v6 = new UdpClient(AddressFamily.InterNetworkV6);
        await v6.SendAsync(telemetry, new IPEndPoint(IPAddress.IPv6Loopback, ingest.UdpPort));

        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDecoded == 2, "a frame from each family");
        var sources = new HashSet<string>();
        foreach (var frame in ingest.DrainFrames())
        {
            sources.Add(frame.Envelope.SourceId);
        }

        Assert.Contains(sources, s => s.StartsWith("127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.StartsWith("[::1]:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_frames_and_counts_them()
    {
        await using var ingest = await IngestTestHost.StartAsync(
            new Uri($"http://127.0.0.1:{FreePort.Tcp()}"),
            new() { ["Ingest:BufferCapacity"] = "50" });
        var field = new SimulatedField(20, 0);
        var writer = new F1PacketWriter(field, 77);
        var buffer = new byte[1500];
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        await udp.SendAsync(buffer.AsMemory(0, writer.WriteParticipants(buffer)), new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        await udp.SendAsync(buffer.AsMemory(0, writer.WriteCarTelemetry(buffer)), new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        await udp.SendAsync(buffer.AsMemory(0, writer.WriteCarStatus(buffer)), new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));

        // 60 frames (three datagrams of 20) into a buffer of 50 with nothing draining it (rpc is absent): the oldest
        // datagram's 20 make room, counted; the newest two datagrams' 40 are kept.
        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDecoded == 60, "60 frames decoded");
        await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDroppedBufferFull == 20, "20 counted drops");
        Assert.Equal(40, ingest.Buffer.Count);
        var kept = ingest.DrainFrames();
        Assert.Equal(40, kept.Count);
        Assert.DoesNotContain(kept, f => f.PayloadCase == Protos.V1.TelemetryFrame.PayloadOneofCase.Participant);
    }

    [Fact]
    public void The_kernels_drops_for_a_socket_are_read_from_proc()
    {
        using var socket = Udp.TelemetrySocket.Bind(IPAddress.Loopback, 0, receiveBufferBytes: 4096);
        Assert.Equal(0, Udp.KernelDrops.Read(socket));

        // Nobody reads: past a few datagrams the buffer is full and the kernel drops the rest.
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var datagram = new byte[1200];
        for (var i = 0; i < 200; i++)
        {
            sender.SendTo(datagram, socket.LocalEndPoint!);
        }

        var drops = Udp.KernelDrops.Read(socket);
        Assert.True(drops is > 0 and < 200, $"drops: {drops}");
    }

    [Fact]
    public async Task Datagrams_the_kernel_drops_are_counted_as_their_own_reason_so_sent_is_received_plus_dropped()
    {
        // A tiny socket buffer and a burst far faster than 60 Hz: ingest cannot take them all in time.
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"),
            new() { ["Ingest:ReceiveBufferBytes"] = "4096" });
        var telemetry = Fixtures.PacketBytes("2023-06.bin");
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Loopback, ingest.UdpPort);
        const int sent = 20_000;
        for (var i = 0; i < sent; i++)
        {
            sender.SendTo(telemetry, target);
        }

        await Eventually.Until(() =>
        {
            var stats = ingest.Metrics.Snapshot();
            return stats.DatagramsReceived + stats.DatagramsDroppedByReason["kernel"] == sent;
        }, "every datagram received or counted as dropped by the kernel", TimeSpan.FromSeconds(30));
        Assert.True(ingest.Metrics.Snapshot().DatagramsDroppedByReason["kernel"] > 0);
    }

    [Fact]
    public async Task Past_the_cap_on_sender_labels_the_cache_is_emptied_and_counted_and_every_frame_still_names_its_sender()
    {
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"),
            new() { ["Ingest:MaxSourceLabels"] = "2" });
        var telemetry = Fixtures.PacketBytes("2023-06.bin");
        var senders = Enumerable.Range(0, 5).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        try
        {
            foreach (var sender in senders)
            {
                await sender.SendAsync(telemetry, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
            }

            await Eventually.Until(() => ingest.Metrics.Snapshot().FramesDecoded == senders.Count, "a frame from each sender");
            var sources = new HashSet<string>();
            foreach (var frame in ingest.DrainFrames())
            {
                sources.Add(frame.Envelope.SourceId);
            }

            Assert.Equal(senders.Select(s => s.Client.LocalEndPoint!.ToString()).Order(), sources.Order());
            Assert.True(ingest.Metrics.SourceLabelsClearedTotal >= 1);
        }
        finally
        {
            senders.ForEach(s => s.Dispose());
        }
    }
}
