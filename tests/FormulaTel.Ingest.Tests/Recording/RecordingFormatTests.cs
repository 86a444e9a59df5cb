using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Capture;
using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>What ingest records, read back by tshark and by FormulaTel's own reader and listing.</summary>
public class RecordingFormatTests
{
    [Theory]
    [InlineData("Zstd", ".pcapng.zst")]
    [InlineData("Gzip", ".pcapng.gz")]
    [InlineData("None", ".pcapng")]
    public async Task Tshark_reads_a_recording_of_a_simulated_session_as_it_was_sent(string compression, string extension)
    {
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"),
            new() { ["Ingest:Recording:Compression"] = compression });
        var v4Datagrams = SimulatedDatagrams.Session(7001, ticks: 120);
        var v6Datagrams = SimulatedDatagrams.Session(7002, ticks: 5, format: 2025);
        using var v4 = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var v6 = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        foreach (var datagram in v4Datagrams)
        {
            await v4.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        foreach (var datagram in v6Datagrams)
        {
            await v6.SendAsync(datagram, new IPEndPoint(IPAddress.IPv6Loopback, ingest.UdpPort));
        }

        var sent = v4Datagrams.Count + v6Datagrams.Count;
        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == sent, $"{sent} datagrams received");
        await ingest.StopAsync();

        // One file per source and session, each with exactly what that source sent, byte for byte, in order.
        var files = Directory.GetFiles(ingest.RecordingDirectory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.EndsWith(extension, f, StringComparison.Ordinal));
        foreach (var (client, datagrams, address) in new[] { (v4, v4Datagrams, "127.0.0.1"), (v6, v6Datagrams, "::1") })
        {
            var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
            var file = Assert.Single(files, f => Path.GetFileName(f).Contains($"-{port}.pcapng", StringComparison.Ordinal));
            var read = await Tshark.ReadUdpAsync(file);
            Assert.Equal(datagrams.Count, read.Count);
            for (var i = 0; i < datagrams.Count; i++)
            {
                Assert.Equal(address, read[i].Source);
                Assert.Equal(port, read[i].SourcePort);
                Assert.Equal(ingest.UdpPort, read[i].DestinationPort);
                Assert.Equal(datagrams[i], read[i].Payload);
            }

            // The IPv4 header checksum and the IPv6 UDP checksum are right (Wireshark checks them when asked).
            var (_, bad, _) = await Tool.RunAsync("tshark", ["-n", "-r", file, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-Y", "ip.checksum.status == 0 || udp.checksum.status == 0"]);
            Assert.Equal("", bad.Trim());
        }
    }

    [Fact]
    public async Task Each_file_says_what_it_holds_and_a_listing_reads_it_from_head_and_tail()
    {
        await using var ingest = await IngestTestHost.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Tcp()}"));
        var datagrams = SimulatedDatagrams.Session(987654321, ticks: 30, format: 2024);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var datagram in datagrams)
        {
            await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == datagrams.Count, "datagrams received");
        await ingest.StopAsync();

        var file = Assert.Single(Directory.GetFiles(ingest.RecordingDirectory));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        Assert.Matches($@"^\d{{8}}-\d{{6}}_f1-24_silverstone_987654321_127\.0\.0\.1-{port}\.pcapng\.zst$", Path.GetFileName(file));

        var quick = RecordingCatalog.DescribeQuickly(file);
        Assert.NotNull(quick);
        var metadata = quick.Metadata!;
        Assert.Equal("F1 24", metadata.Game);
        Assert.Equal(2024, metadata.Format);
        Assert.Equal(987654321ul, metadata.SessionUid);
        Assert.Equal("Silverstone", metadata.Track);
        Assert.Equal("R", metadata.SessionType);
        Assert.Equal($"127.0.0.1:{port}", metadata.Source);
        Assert.Equal(datagrams.Count, quick.Datagrams);
        Assert.Equal(1, quick.Sources);
        Assert.True(quick.Closed);

        // The same as reading every packet.
        using var reader = CaptureReader.Open(file);
        var times = new List<DateTimeOffset>();
        while (reader.TryRead(out var packet))
        {
            times.Add(packet.Timestamp);
        }

        Assert.Equal(datagrams.Count, times.Count);
        Assert.Equal(times[0], quick.Start);
        Assert.Equal(times[^1], quick.End);
        Assert.Equal(times[0], metadata.Started);
        Assert.Equal(datagrams.Count, reader.Statistics!.Received);

        // And tshark's capinfos reads the metadata as the section's comments.
        var (_, info, _) = await Tool.RunAsync("capinfos", [file]);
        Assert.Contains("Capture comment:     track: Silverstone", info, StringComparison.Ordinal);
        Assert.Contains("Capture application: FormulaTel ingest", info, StringComparison.Ordinal);
    }

    [Fact]
    public void Datagrams_that_are_not_a_game_s_are_recorded_too_with_what_their_source_sent_last()
    {
        using var directory = new TempDirectory();
        var datagrams = SimulatedDatagrams.Session(55, ticks: 2);
        var recorded = RecorderHarness.Record(directory.Path, [.. datagrams.Take(3), new byte[7], .. datagrams.Skip(3), "not a game"u8.ToArray()]);

        var file = Assert.Single(Directory.GetFiles(directory.Path));
        Assert.Contains("_55_", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(recorded.Count, ReadPayloads(file).Count);
        Assert.Equal(recorded, ReadPayloads(file));
    }

    [Fact]
    public void The_machine_s_libzstd_and_the_managed_port_write_streams_that_read_back_the_same()
    {
        // Debian's libzstd.so.1 (tshark needs it too) is what ingest uses here; elsewhere the managed port.
        Assert.True(ZstdCompression.IsNative, "libzstd.so.1 should be on a Debian machine");
        var data = SimulatedDatagrams.Session(9, ticks: 200).SelectMany(d => d).ToArray();
        foreach (var native in new[] { true, false })
        {
            var compressed = new MemoryStream();
            using (var zstd = ZstdCompression.Create(compressed, level: 3, preferNative: native))
            {
                zstd.Write(data.AsSpan(0, data.Length / 2));
                zstd.Flush(); // a block boundary mid-stream, as every second in ingest
                zstd.Write(data.AsSpan(data.Length / 2));
            }

            Assert.True(compressed.Length < data.Length / 3, $"native {native}: {compressed.Length} of {data.Length}");
            compressed.Position = 0;
            using var decompressed = new ZstdSharp.DecompressionStream(compressed);
            var back = new MemoryStream();
            decompressed.CopyTo(back);
            Assert.Equal(data, back.ToArray());
        }
    }

    [Fact]
    public void Recordings_one_after_another_each_read_back_whole_though_they_reuse_the_closed_ones_contexts()
    {
        // A closed recording leaves its native zstd context and pinned blocks for the next one: each stream must
        // still start clean, at its own level, and never carry bytes of the one before.
        Assert.True(ZstdCompression.IsNative, "libzstd.so.1 should be on a Debian machine");
        for (var i = 0; i < 8; i++)
        {
            var data = SimulatedDatagrams.Session((ulong)(100 + i), ticks: 30 + 20 * i).SelectMany(d => d).ToArray();
            var compressed = new MemoryStream();
            using (var zstd = ZstdCompression.Create(compressed, level: i % 2 == 0 ? 3 : 1))
            {
                zstd.Write(data);
                if (i % 3 == 0)
                {
                    zstd.Flush();
                }
            }

            compressed.Position = 0;
            using var decompressed = new ZstdSharp.DecompressionStream(compressed);
            var back = new MemoryStream();
            decompressed.CopyTo(back);
            Assert.Equal(data, back.ToArray());
        }
    }

    internal static List<byte[]> ReadPayloads(string file)
    {
        using var reader = CaptureReader.Open(file);
        var payloads = new List<byte[]>();
        while (reader.TryRead(out var packet))
        {
            Assert.Equal(PacketSkipReason.None, UdpExtractor.TryExtract(packet, out var udp));
            payloads.Add(udp.Payload.ToArray());
        }

        return payloads;
    }
}
