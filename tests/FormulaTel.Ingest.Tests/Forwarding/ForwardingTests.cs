using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Forwarding;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FormulaTel.Ingest.Tests.Forwarding;

/// <summary>Other apps get every datagram as the game sent it; a target that is not there costs ingest nothing.</summary>
public class ForwardingTests
{
    [Fact]
    public async Task Every_datagram_reaches_each_target_unchanged_and_in_order_and_a_dead_target_is_counted_and_logged_once()
    {
        using var simHub = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var phone = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        // Room for the whole burst: these listeners must not be where datagrams go missing.
        simHub.Client.ReceiveBufferSize = phone.Client.ReceiveBufferSize = 4 * 1024 * 1024;
        var simHubPort = ((IPEndPoint)simHub.Client.LocalEndPoint!).Port;
        var phonePort = ((IPEndPoint)phone.Client.LocalEndPoint!).Port;
        var nobody = FreePort.Udp();
        var logs = new CapturingLoggerProvider();
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new()
        {
            ["Ingest:ForwardTo:0"] = $"127.0.0.1:{simHubPort}",
            ["Ingest:ForwardTo:1"] = $"[::1]:{phonePort}",
            ["Ingest:ForwardTo:2"] = $"localhost:{nobody}",
        }, logs: logs);

        var datagrams = SimulatedDatagrams.Session(4321, ticks: 25);
        datagrams.Insert(10, [1, 2, 3]); // not a game's: forwarded all the same
        using var game = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var receiving = Task.WhenAll(Receive(simHub, datagrams.Count), Receive(phone, datagrams.Count));
        foreach (var datagram in datagrams)
        {
            await game.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        var forwarder = ingest.Services.GetRequiredService<Forwarder>();
        var received = await Eventually.Within(receiving, "both targets received everything");
        Assert.Equal(datagrams, received[0]);
        Assert.Equal(datagrams, received[1]);

        // The counts follow the sends (a listener may have a datagram a moment before its send is counted).
        await Eventually.Until(() => forwarder.Snapshot().All(t => t.Forwarded + t.Failed == datagrams.Count), "every target's sends counted");
        var stats = forwarder.Snapshot();
        Assert.Equal(datagrams.Count, stats.Single(t => t.Target == $"127.0.0.1:{simHubPort}").Forwarded);
        Assert.Equal(datagrams.Count, stats.Single(t => t.Target == $"[::1]:{phonePort}").Forwarded);
        var dead = stats.Single(t => t.Target == $"localhost:{nobody}");
        Assert.True(dead.Failed > 0);
        Assert.True(dead.Failing);

        // Ingest's own path is not touched by it: every datagram decoded (the 3-byte one is dropped as too short).
        Assert.Equal(datagrams.Count, ingest.Metrics.Snapshot().DatagramsReceived);
        Assert.Equal(1, ingest.Metrics.Snapshot().DatagramsDroppedByReason["too_short"]);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"localhost:{nobody}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_target_that_cannot_be_resolved_is_counted_as_failed()
    {
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new() { ["Ingest:ForwardTo"] = "no-such-host.invalid:20777" });
        using var game = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var datagrams = SimulatedDatagrams.Session(1, ticks: 2);
        foreach (var datagram in datagrams)
        {
            await game.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, ingest.UdpPort));
        }

        var forwarder = ingest.Services.GetRequiredService<Forwarder>();
        await Eventually.Until(() => forwarder.Snapshot().Single().Failed == datagrams.Count, "every datagram counted as failed");
        Assert.Contains("no-such-host.invalid", forwarder.Snapshot().Single().LastError, StringComparison.Ordinal);
        Assert.Equal(0, ingest.Metrics.Snapshot().DatagramsDroppedByReason.Values.Sum());
        Assert.Equal(datagrams.Count, ingest.Metrics.Snapshot().DatagramsReceived);
    }

    [Theory]
    [InlineData("nowhere", "is not host:port")]
    [InlineData("192.168.1.50:0", "is not host:port")]
    [InlineData("[::1:20777", "is not host:port")]
    [InlineData("127.0.0.1:20777", "is ingest's own port")]
    [InlineData("localhost:20777", "is ingest's own port")]
    public void A_target_that_is_not_host_port_or_is_ingest_itself_stops_start_up_with_a_clear_error(string target, string message)
    {
        var options = new IngestOptions { UdpPort = 20777, ForwardTo = [target] };
        var validator = new DataAnnotationValidateOptions<IngestOptions>(null);
        var result = validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void One_value_with_commas_is_a_list_too()
    {
        var options = new IngestOptions { ForwardTo = ["192.168.1.50:20777, phone.local:20778;[::1]:20779", "192.168.1.50:20777"] };
        Assert.Equal([("192.168.1.50", 20777), ("phone.local", 20778), ("::1", 20779)], options.ForwardTargets());
    }

    private static async Task<List<byte[]>> Receive(UdpClient client, int count)
    {
        var received = new List<byte[]>();
        while (received.Count < count)
        {
            received.Add((await client.ReceiveAsync()).Buffer);
        }

        return received;
    }
}
