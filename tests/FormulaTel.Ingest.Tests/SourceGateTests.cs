using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>Who ingest takes telemetry from and how fast, over real UDP sockets: refusals dropped before recording, counted.</summary>
public sealed class SourceGateTests
{
    private static readonly byte[] Telemetry = Fixtures.PacketBytes("2023-06.bin");

    private static UdpClient SenderOn(string address) => new(new IPEndPoint(IPAddress.Parse(address), 0));

    [Fact]
    public async Task A_sender_outside_the_allowed_sources_is_dropped_counted_not_recorded_and_logged_once()
    {
        var logs = new CapturingLoggerProvider();
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new()
        {
            ["Ingest:BindAddress"] = "127.0.0.1",
            ["Ingest:AllowedSources"] = "127.0.0.1/32",
        }, logs: logs);
        var target = new IPEndPoint(IPAddress.Loopback, ingest.UdpPort);
        using var stranger = SenderOn("127.0.0.2");
        using var console = SenderOn("127.0.0.1");

        for (var i = 0; i < 5; i++)
        {
            await stranger.SendAsync(Telemetry, target);
        }

        await console.SendAsync(Telemetry, target);
        await Eventually.Until(() => ingest.Metrics.Snapshot() is { FramesDecoded: > 0 } s && s.DatagramsDroppedByReason["source_not_allowed"] == 5,
            "five refused, one decoded");
        var recorder = ingest.Services.GetRequiredService<RecordingMetrics>();
        await Eventually.Until(() => recorder.Snapshot(true, "").DatagramsRecorded == 1, "only the allowed sender's datagram recorded");
        var refusals = logs.Entries.Where(e => e.Message.Contains("Ingest:AllowedSources", StringComparison.Ordinal)).ToList();
        var refusal = Assert.Single(refusals);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains("127.0.0.2", refusal.Message);
    }

    [Fact]
    public async Task The_default_takes_loopback_and_the_private_ranges_and_a_star_takes_anyone()
    {
        var defaults = new IngestOptions().AllowedNetworks()!;
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3", "172.20.0.9", "192.168.1.44", "169.254.7.7", "::1", "fd12::7", "fe80::1" })
        {
            Assert.True(defaults.Any(n => n.Contains(IPAddress.Parse(address))), address);
        }

        foreach (var address in new[] { "8.8.8.8", "172.32.0.1", "2001:db8::1", "192.169.0.1" })
        {
            Assert.False(defaults.Any(n => n.Contains(IPAddress.Parse(address))), address);
        }

        Assert.Null(new IngestOptions { AllowedSources = ["*"] }.AllowedNetworks());
        var bad = new IngestOptions { AllowedSources = ["192.168.1.0/24, console"] };
        Assert.Contains(bad.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(bad)), r => r.ErrorMessage!.Contains("'console'"));
    }

    [Fact]
    public async Task A_sender_over_its_rate_cap_is_cut_to_the_cap_each_second_and_counted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new()
        {
            ["Ingest:BindAddress"] = "127.0.0.2",
            ["Ingest:MaxDatagramsPerSourcePerSecond"] = "50",
            ["Ingest:RateLimitLoopback"] = "true",
        }, time);
        var target = new IPEndPoint(IPAddress.Parse("127.0.0.2"), ingest.UdpPort);
        using var flood = SenderOn("127.0.0.2");
        using var other = SenderOn("127.0.0.3");

        async Task Send(UdpClient sender, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await sender.SendAsync(Telemetry, target);
            }
        }

        // The clock stands still: one second's window. 200 datagrams, 50 taken, 150 cut; another address is not held back.
        await Send(flood, 200);
        await Send(other, 10);
        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == 210, "every datagram received");
        var stats = ingest.Metrics.Snapshot();
        Assert.Equal(150, stats.DatagramsDroppedByReason["rate_limited"]);

        // The next second: 50 more.
        time.Advance(TimeSpan.FromSeconds(1));
        await Send(flood, 100);
        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == 310, "the next second's datagrams received");
        Assert.Equal(200, ingest.Metrics.Snapshot().DatagramsDroppedByReason["rate_limited"]);
    }

    [Fact]
    public async Task By_default_senders_on_this_machine_are_not_rate_limited_so_replays_run_fast()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var ingest = await IngestTestHost.StartAsync(IngestTestHost.NoRpc(), new()
        {
            ["Ingest:BindAddress"] = "127.0.0.2",
            ["Ingest:MaxDatagramsPerSourcePerSecond"] = "50",
        }, time);
        using var replay = SenderOn("127.0.0.2");
        for (var i = 0; i < 200; i++)
        {
            await replay.SendAsync(Telemetry, new IPEndPoint(IPAddress.Parse("127.0.0.2"), ingest.UdpPort));
        }

        await Eventually.Until(() => ingest.Metrics.Snapshot().DatagramsReceived == 200, "every datagram received");
        Assert.Equal(0, ingest.Metrics.Snapshot().DatagramsDroppedByReason["rate_limited"]);
    }
}
