using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Capture;
using FormulaTel.Ingest.Cli;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Replay;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>Captures written by real tools (tcpdump, dumpcap through tshark, editcap), read for replay.</summary>
public class CaptureReadingTests
{
    public static TheoryData<string, string[]> Captures => new()
    {
        // tcpdump on the loopback interface: Ethernet headers; on "any": Linux cooked, v1 and v2.
        { "lo.pcap", ["tcpdump", "lo", ""] },
        { "any-sll.pcap", ["tcpdump", "any", "LINUX_SLL"] },
        { "any-sll2.pcap", ["tcpdump", "any", "LINUX_SLL2"] },
        // dumpcap (tshark's capture engine) writes pcapng.
        { "dumpcap.pcapng", ["tshark", "lo", ""] },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Every_udp_datagram_of_a_real_capture_is_read_with_its_source_ipv4_and_ipv6(string name, string[] how)
    {
        using var directory = new TempDirectory();
        var file = directory.File(name);
        using var receiver = new UdpClient(AddressFamily.InterNetworkV6);
        receiver.Client.DualMode = true;
        receiver.Client.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        var datagrams = SimulatedDatagrams.Session(31337, ticks: 5);
        using var v4 = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var v6 = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        var filter = $"udp dst port {port}";
        await using (var tcpdump = how[0] == "tcpdump" ? await Tcpdump.StartAsync(file, filter, how[1], how[2].Length > 0 ? how[2] : null) : null)
        {
            var dumpcap = how[0] == "tshark" ? await Dumpcap.StartAsync(file, filter, datagrams.Count) : null;
            foreach (var (datagram, i) in datagrams.Select((d, i) => (d, i)))
            {
                await (i % 2 == 0 ? v4 : v6).SendAsync(datagram, i % 2 == 0 ? new IPEndPoint(IPAddress.Loopback, port) : new IPEndPoint(IPAddress.IPv6Loopback, port));
                await Eventually.Within(receiver.ReceiveAsync(), "the datagram");
            }

            await (dumpcap?.StopAsync() ?? tcpdump!.WaitForPacketsAsync(datagrams.Count));
        }

        foreach (var path in new[] { file, Gzip(file) })
        {
            using var input = new ReplayInput(path, destinationPort: null);
            for (var i = 0; i < datagrams.Count; i++)
            {
                Assert.True(input.TryNext(out var read), $"{name}: datagram {i}");
                Assert.Equal(datagrams[i], read.Payload.ToArray());
                var from = (IPEndPoint)(i % 2 == 0 ? v4 : v6).Client.LocalEndPoint!;
                Assert.Equal(from.Address, read.Source.Address);
                Assert.Equal(from.Port, read.Source.Port);
                read.Return();
            }

            Assert.False(input.TryNext(out _));
            Assert.Null(input.Error);
        }
    }

    [Fact]
    public async Task Nanosecond_and_other_byte_order_captures_keep_their_times()
    {
        using var directory = new TempDirectory();
        var file = directory.File("nanos.pcap");
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using (var tcpdump = await Tcpdump.StartAsync(file, $"udp dst port {port}", extra: ["--time-stamp-precision=nano"]))
        {
            for (var i = 0; i < 5; i++)
            {
                await sender.SendAsync(new byte[] { (byte)i }, new IPEndPoint(IPAddress.Loopback, port));
                await receiver.ReceiveAsync();
            }

            await tcpdump.WaitForPacketsAsync(5);
        }

        // tshark's own reading of the times, to the microsecond, against ours; then the same capture in pcapng.
        var (_, times, _) = await Tool.RunAsync("tshark", ["-n", "-r", file, "-T", "fields", "-e", "frame.time_epoch"]);
        var expected = times.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => decimal.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var pcapng = directory.File("nanos.pcapng");
        await Tool.RunAsync("editcap", ["-F", "pcapng", file, pcapng]);
        foreach (var path in new[] { file, pcapng })
        {
            using var reader = CaptureReader.Open(path);
            var read = new List<decimal>();
            while (reader.TryRead(out var packet))
            {
                read.Add((packet.TimestampTicks - DateTimeOffset.UnixEpoch.Ticks) / (decimal)TimeSpan.TicksPerSecond);
            }

            Assert.Equal(expected.Count, read.Count);
            for (var i = 0; i < read.Count; i++)
            {
                Assert.True(Math.Abs(expected[i] - read[i]) < 0.000001m, $"{Path.GetFileName(path)} packet {i}: {read[i]} vs tshark {expected[i]}");
            }
        }

        // A pcap written big-endian (as on a SPARC or a router) reads the same.
        var swapped = directory.File("swapped.pcap");
        await File.WriteAllBytesAsync(swapped, SwapPcapByteOrder(await File.ReadAllBytesAsync(file)));
        using (var reader = CaptureReader.Open(swapped))
        {
            var count = 0;
            while (reader.TryRead(out var packet))
            {
                // Ticks are 100 ns: within a microsecond of tshark's nanoseconds, as above.
                var seconds = (packet.TimestampTicks - DateTimeOffset.UnixEpoch.Ticks) / (decimal)TimeSpan.TicksPerSecond;
                Assert.True(Math.Abs(expected[count] - seconds) < 0.000001m, $"swapped packet {count}: {seconds} vs tshark {expected[count]}");
                count++;
            }

            Assert.Equal(expected.Count, count);
        }
    }

    [Fact]
    public async Task A_capture_cut_short_replays_what_it_holds_and_says_where_it_ends()
    {
        using var directory = new TempDirectory();
        foreach (var compressed in new[] { true, false })
        {
            // Written as the recorder writes, flushed now and then: a cut-short file reads up to its last flush.
            var whole = directory.File(compressed ? "whole.pcapng.zst" : "whole.pcapng");
            using (var file = RecordingFile.Create(whole, null, new RecordingMetadata { Started = DateTimeOffset.UtcNow }, "udp/20777", "test"))
            {
                var datagrams = SimulatedDatagrams.Session(5, ticks: 10);
                for (var i = 0; i < datagrams.Count; i++)
                {
                    file.Write(datagrams[i], new IPEndPoint(IPAddress.Loopback, 40010), new IPEndPoint(IPAddress.Loopback, 20777), DateTimeOffset.UtcNow);
                    if (i % 4 == 3)
                    {
                        file.Flush();
                    }
                }

                file.Close(DateTimeOffset.UtcNow, 0, null);
            }

            var all = await File.ReadAllBytesAsync(whole);
            var cut = directory.File(compressed ? "cut.pcapng.zst" : "cut.pcapng");
            await File.WriteAllBytesAsync(cut, all[..(all.Length * 2 / 3)]);

            using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var error = new StringWriter();
            var exit = await ReplayCommand.RunAsync(new ReplayOptions { Files = [cut], Target = (IPEndPoint)receiver.Client.LocalEndPoint!, Speed = null }, new StringWriter(), error, CancellationToken.None);
            Assert.Equal(1, exit);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(error.ToString(), @"^cut\.pcapng(\.zst)?: .+ at byte [\d,]+.*; replayed the [\d,]+ datagrams before it\."), error.ToString());
            var before = int.Parse(System.Text.RegularExpressions.Regex.Match(error.ToString(), @"replayed the ([\d,]+) datagrams").Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(before, 10, 41);
            for (var i = 0; i < before; i++)
            {
                await Eventually.Within(receiver.ReceiveAsync(), $"replayed datagram {i}");
            }
        }
    }

    [Fact]
    public async Task A_damaged_block_is_reported_with_its_offset_after_the_packets_before_it()
    {
        using var directory = new TempDirectory();
        var plain = Decompressed(directory, ReplayTests.RecordingOf(directory, "damaged", SimulatedDatagrams.Session(6, ticks: 4), new IPEndPoint(IPAddress.Loopback, 40011)));
        var bytes = await File.ReadAllBytesAsync(plain);
        // Find the tenth packet block and break its length.
        var offset = 0;
        var blocks = 0;
        while (true)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (type == 6 && ++blocks == 10)
            {
                break;
            }

            offset += (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 4), 0x7FFF_FFF0);
        await File.WriteAllBytesAsync(plain, bytes);

        using var input = new ReplayInput(plain, destinationPort: null);
        var read = 0;
        while (input.TryNext(out var datagram))
        {
            datagram.Return();
            read++;
        }

        Assert.Equal(9, read);
        Assert.NotNull(input.Error);
        Assert.Equal(offset, input.Error.Offset);
        Assert.Contains($"{Path.GetFileName(plain)}: block length", input.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {offset:N0}", input.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_capture_without_udp_and_files_that_are_not_captures_get_clear_errors()
    {
        using var directory = new TempDirectory();
        var tcpOnly = directory.File("tcp.pcap");
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var tcpdump = await Tcpdump.StartAsync(tcpOnly, $"tcp port {port}");
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            using var accepted = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("lap 1"u8.ToArray());
            await accepted.GetStream().ReadExactlyAsync(new byte[5]);
            await tcpdump.WaitForPacketsAsync(4);
        }

        var text = directory.File("notes.pcap");
        await File.WriteAllTextAsync(text, "these are not packets");
        var empty = directory.File("empty.pcapng");
        await File.WriteAllBytesAsync(empty, []);
        var wifi = directory.File("wifi.pcap");
        await File.WriteAllBytesAsync(wifi, PcapWithLinkType(105));

        var cases = new (string File, string Message)[]
        {
            (tcpOnly, "tcp.pcap: no UDP datagrams to replay in it ("),
            (text, "notes.pcap: not a pcap or pcapng capture (starts with 0x73656874) at byte 0"),
            (empty, "empty.pcapng: empty file, not a capture at byte 0"),
            (wifi, "wifi.pcap: link type 105 is not a link type replay reads"),
            (directory.File("missing.pcap"), "missing.pcap"),
        };
        foreach (var (file, message) in cases)
        {
            var error = new StringWriter();
            var exit = await ReplayCommand.RunAsync(new ReplayOptions { Files = [file], Target = new IPEndPoint(IPAddress.Loopback, FreePort.Udp()) }, new StringWriter(), error, CancellationToken.None);
            Assert.Equal(1, exit);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
    }

    private static string Gzip(string file)
    {
        var gz = file + ".gz";
        using var output = File.Create(gz);
        using var gzip = new GZipStream(output, CompressionLevel.Fastest);
        using var input = File.OpenRead(file);
        input.CopyTo(gzip);
        return gz;
    }

    private static string Decompressed(TempDirectory directory, string recording)
    {
        var plain = directory.File(Path.GetFileNameWithoutExtension(recording));
        using var input = new ZstdSharp.DecompressionStream(File.OpenRead(recording), leaveOpen: false);
        using var output = File.Create(plain);
        input.CopyTo(output);
        return plain;
    }

    private static byte[] PcapWithLinkType(int linkType)
    {
        var bytes = new byte[24 + 16 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), (uint)linkType);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), 4);
        return bytes;
    }

    /// <summary>The same pcap with every header field in the other byte order (the packet bytes stay).</summary>
    private static byte[] SwapPcapByteOrder(byte[] pcap)
    {
        var swapped = (byte[])pcap.Clone();
        void Swap32(int at) => BinaryPrimitives.WriteUInt32BigEndian(swapped.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(at)));
        void Swap16(int at) => BinaryPrimitives.WriteUInt16BigEndian(swapped.AsSpan(at), BinaryPrimitives.ReadUInt16LittleEndian(pcap.AsSpan(at)));
        Swap32(0);
        Swap16(4);
        Swap16(6);
        foreach (var at in new[] { 8, 12, 16, 20 })
        {
            Swap32(at);
        }

        for (var offset = 24; offset < pcap.Length;)
        {
            var captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset + 8));
            for (var field = 0; field < 4; field++)
            {
                Swap32(offset + field * 4);
            }

            offset += 16 + captured;
        }

        return swapped;
    }
}
