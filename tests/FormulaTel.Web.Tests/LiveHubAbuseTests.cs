using System.Threading.Channels;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Grpc.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FormulaTel.Web.Tests;

/// <summary>
/// One anonymous client abusing the hub (the shape of the probe that took web from 145 MB to 2 GB: Subscribe after
/// Subscribe with 2 KB keys, scaled down in count), over-cap subscriptions, and a flood of calls; each refused with a
/// clear hub error and counted, nothing left behind, and a normal client and the page still served meanwhile.
/// The heap is measured in this process, so the class runs alone, not beside other tests.
/// </summary>
[Collection(LiveHubAbuseCollection.Name)]
public sealed class LiveHubAbuseTests(ITestOutputHelper output)
{
    private const int Cars = 30;

    private static async Task<(RpcTestHost Rpc, WebTestHost Web)> StartWithSessionAsync(Dictionary<string, string?>? settings = null)
    {
        var rpc = await RpcTestHost.StartAsync();
        var web = await WebTestHost.StartAsync(rpc.Address, settings);
        await Eventually.Until(() => web.Services.GetRequiredService<RpcWatchFeed>().Connected, "web watching rpc");
        using var call = rpc.CreateClient().Publish();
        var batch = new FrameBatch { Sequence = 1 };
        batch.Frames.Add(Frames.Session("rig", 7, 0, "Monza"));
        batch.Frames.AddRange(Enumerable.Range(0, Cars).Select(car => Frames.Telemetry("rig", 7, (uint)car, 100 + car)));
        await call.RequestStream.WriteAsync(batch);
        Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
        await call.RequestStream.CompleteAsync();
        var store = web.Services.GetRequiredService<CarStateStore>();
        await Eventually.Until(() => store.Knows(new CarKey(SessionKeys.For("rig", 7), Cars - 1)), "every car held");
        return (rpc, web);
    }

    private static async Task<HubConnection> ConnectAsync(WebTestHost web)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(web.Address, LiveHub.Path)).Build();
        await hub.StartAsync();
        return hub;
    }

    private static Task<CarState?> Subscribe(HubConnection hub, string key, int car) => hub.InvokeAsync<CarState?>("Subscribe", key, car);

    [Fact]
    public async Task Keys_that_name_no_live_session_or_car_are_refused_and_counted()
    {
        var (rpc, web) = await StartWithSessionAsync();
        await using var _ = rpc;
        await using var __ = web;
        await using var hub = await ConnectAsync(web);
        var limits = web.Services.GetRequiredService<LiveHubLimits>();
        var key = SessionKeys.For("rig", 7);

        Assert.Contains("No live session", (await Assert.ThrowsAsync<HubException>(() => Subscribe(hub, SessionKeys.For("rig", 8), 0))).Message);
        Assert.Contains("has no car 40", (await Assert.ThrowsAsync<HubException>(() => Subscribe(hub, key, 40))).Message);
        Assert.Contains("session key", (await Assert.ThrowsAsync<HubException>(() => Subscribe(hub, new string('k', 2048), 0))).Message);
        Assert.Contains("car index 0..63", (await Assert.ThrowsAsync<HubException>(() => Subscribe(hub, key, 64))).Message);
        Assert.Equal((1L, 1L, 2L), (limits.RefusedFor("unknown_session"), limits.RefusedFor("unknown_car"), limits.RefusedFor("bad_request")));

        // Nothing held for any of them.
        Assert.Equal((0, 0), (web.Services.GetRequiredService<LiveSubscriptions>().Connections, web.Services.GetRequiredService<LiveSubscriptions>().Cars));
        Assert.Empty(web.Services.GetRequiredService<WatchedCars>().Cars());
        Assert.NotNull(await Subscribe(hub, key, 3));
    }

    [Fact]
    public async Task A_connection_follows_at_most_its_cap_and_unsubscribing_leaves_nothing_behind()
    {
        var (rpc, web) = await StartWithSessionAsync(new() { ["Web:Hub:MaxSubscriptionsPerConnection"] = "24", ["Web:Hub:InvocationBurst"] = "100" });
        await using var _ = rpc;
        await using var __ = web;
        await using var hub = await ConnectAsync(web);
        var subscriptions = web.Services.GetRequiredService<LiveSubscriptions>();
        var key = SessionKeys.For("rig", 7);

        for (var car = 0; car < 24; car++)
        {
            Assert.NotNull(await Subscribe(hub, key, car));
        }

        var error = await Assert.ThrowsAsync<HubException>(() => Subscribe(hub, key, 24));
        Assert.Contains("Web:Hub:MaxSubscriptionsPerConnection", error.Message);
        Assert.Equal(1, web.Services.GetRequiredService<LiveHubLimits>().RefusedFor("connection_cap"));
        // Subscribing again to a car it follows is not a new one.
        Assert.NotNull(await Subscribe(hub, key, 0));
        Assert.Equal((1, 24), (subscriptions.Connections, subscriptions.Cars));

        for (var car = 0; car < 24; car++)
        {
            await hub.InvokeAsync("Unsubscribe", key, car);
        }

        Assert.Equal((0, 0), (subscriptions.Connections, subscriptions.Cars));
        Assert.Empty(web.Services.GetRequiredService<WatchedCars>().Cars());
    }

    [Fact]
    public async Task The_probe_costs_web_a_few_megabytes_at_most_and_others_are_served_throughout()
    {
        // The call rate raised far above the default, so every one of the probe's keys is looked at (what filled web
        // before); the rate limit itself is A_flood_of_calls_….
        var (rpc, web) = await StartWithSessionAsync(new() { ["Web:Hub:InvocationsPerSecond"] = "100000", ["Web:Hub:InvocationBurst"] = "100000" });
        await using var _ = rpc;
        await using var __ = web;
        var key = SessionKeys.For("rig", 7);
        var limits = web.Services.GetRequiredService<LiveHubLimits>();
        var subscriptions = web.Services.GetRequiredService<LiveSubscriptions>();
        var filter = web.Services.GetRequiredService<LiveHubRateFilter>();

        // A normal client following car 2, and the page.
        await using var normal = await ConnectAsync(web);
        var states = Channel.CreateUnbounded<CarState>();
        normal.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));
        Assert.NotNull(await Subscribe(normal, key, 2));
        using var http = new HttpClient { BaseAddress = web.Address };
        Assert.True((await http.GetAsync("/")).IsSuccessStatusCode);

        // The probe: Subscribe after Subscribe with fresh 2 KB keys, from several connections at once. A short run
        // first, so what any first use costs (code paths, Kestrel's buffer pool at this concurrency) is not counted.
        var refused = 0;
        Task Probe(int calls) => Task.WhenAll(Enumerable.Range(0, 4).Select(async a =>
        {
            await using var abuser = await ConnectAsync(web);
            for (var i = 0; i < calls; i++)
            {
                var junk = new string((char)('a' + (i % 26)), 2048) + $"/{a}/{i}";
                try
                {
                    await Subscribe(abuser, junk, i % 64);
                }
                catch (HubException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        // While a probe runs: the normal client gets its car's updates and the page is served (one gRPC client for
        // the publishing, so the test's own channels are not what is measured).
        var publisher = rpc.CreateClient();
        var speed = 500;
        async Task ServeWhile(Task probe)
        {
            while (!probe.IsCompleted)
            {
                using (var call = publisher.Publish())
                {
                    var batch = new FrameBatch { Sequence = (ulong)speed };
                    batch.Frames.Add(Frames.Telemetry("rig", 7, 2, ++speed));
                    await call.RequestStream.WriteAsync(batch);
                    Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
                    await call.RequestStream.CompleteAsync();
                }

                var wanted = speed;
                CarState state;
                do
                {
                    state = await Eventually.Within(states.Reader.ReadAsync().AsTask(), "the normal client's update during the probe");
                }
                while (state.SpeedKph < wanted);

                Assert.True((await http.GetAsync("/")).IsSuccessStatusCode);
            }

            await probe;
        }

        // Warm-up: the same, shorter, so what first use and steady traffic hold (code paths, buffer pools) is in the
        // heap before it is measured.
        await ServeWhile(Probe(500));
        await Eventually.Until(() => filter.Buckets == 1, "the warm-up's connections gone");
        var before = ManagedHeap();
        refused = 0;
        await ServeWhile(Probe(1500));

        Assert.Equal(4 * 1500, refused);
        Assert.Equal(4 * 2000, limits.RefusedFor("bad_request"));

        // Nothing of the abusers left: only the normal client's subscription and rate bucket.
        await Eventually.Until(() => filter.Buckets == 1, "the abusers' rate buckets released");
        Assert.Equal((1, 1), (subscriptions.Connections, subscriptions.Cars));
        var after = ManagedHeap();
        output.WriteLine($"web's managed heap: {before / 1024.0 / 1024:0.0} MB before the probe, {after / 1024.0 / 1024:0.0} MB after; {limits.RefusedFor("rate_limited")} calls rate limited, {limits.RefusedFor("bad_request")} refused as bad requests");
        Assert.True(after - before < 5 * 1024 * 1024, $"web's managed heap grew {(after - before) / 1024.0 / 1024:0.0} MB over the probe");
    }

    [Fact]
    public async Task A_flood_of_calls_is_cut_to_the_rate_and_the_connection_stays_usable()
    {
        var (rpc, web) = await StartWithSessionAsync(new() { ["Web:Hub:InvocationsPerSecond"] = "5", ["Web:Hub:InvocationBurst"] = "10" });
        await using var _ = rpc;
        await using var __ = web;
        await using var hub = await ConnectAsync(web);
        var limits = web.Services.GetRequiredService<LiveHubLimits>();

        var errors = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            try
            {
                await hub.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions");
            }
            catch (HubException e)
            {
                errors.Add(e.Message);
            }
        }

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains("Web:Hub:InvocationsPerSecond", e));
        Assert.Equal(errors.Count, limits.RefusedFor("rate_limited"));
        // Still connected; once the bucket refills, calls go through.
        await Eventually.Until(async () =>
        {
            try
            {
                return (await hub.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).Count == 1;
            }
            catch (HubException)
            {
                return false;
            }
        }, "a call after the bucket refilled");
    }

    [Fact]
    public async Task New_connections_past_the_per_address_rate_get_429_and_are_counted()
    {
        var (rpc, web) = await StartWithSessionAsync(new() { ["Web:Hub:ConnectsPerMinute"] = "4" });
        await using var _ = rpc;
        await using var __ = web;
        var limits = web.Services.GetRequiredService<LiveHubLimits>();
        using var http = new HttpClient { BaseAddress = web.Address };

        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            using var negotiate = await http.PostAsync(LiveHub.Path + "/negotiate?negotiateVersion=1", null);
            statuses.Add((int)negotiate.StatusCode);
        }

        Assert.Equal([200, 200, 200, 200, 429, 429, 429, 429], statuses);
        Assert.Equal(4, limits.RefusedFor("connect_rate"));
        // The page is not behind the hub's limit.
        Assert.True((await http.GetAsync("/")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Connections_past_the_per_address_cap_are_closed_and_counted()
    {
        var (rpc, web) = await StartWithSessionAsync(new() { ["Web:Hub:MaxConnectionsPerAddress"] = "2" });
        await using var _ = rpc;
        await using var __ = web;
        var limits = web.Services.GetRequiredService<LiveHubLimits>();
        await using var first = await ConnectAsync(web);
        await using var second = await ConnectAsync(web);

        var third = new HubConnectionBuilder().WithUrl(new Uri(web.Address, LiveHub.Path)).Build();
        var closed = new TaskCompletionSource();
        third.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        try
        {
            await third.StartAsync();
        }
        catch (Exception)
        {
            closed.TrySetResult(); // closed before the handshake finished
        }

        await Eventually.Within(closed.Task.ContinueWith(_ => true, TaskScheduler.Default), "the third connection closed");
        Assert.Equal(1, limits.RefusedFor("address_cap"));
        await third.DisposeAsync();

        // The first two are served; once one leaves, a new one is let in.
        Assert.Single(await first.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions"));
        await second.DisposeAsync();
        await Eventually.Until(() => web.Services.GetRequiredService<LiveHubRateFilter>().Buckets == 1, "the second connection's state released");
        await using var fourth = await ConnectAsync(web);
        Assert.Single(await fourth.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions"));
    }

    private static long ManagedHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveHubAbuseCollection
{
    public const string Name = "hub abuse, measured alone";
}
