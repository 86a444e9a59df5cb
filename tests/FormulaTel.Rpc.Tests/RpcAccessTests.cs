using System.Diagnostics;
using FormulaTel.Protos.V1;
using FormulaTel.Rpc.Security;
using FormulaTel.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.Rpc.Tests;

/// <summary>rpc's door over real gRPC: keys per role, a cap on each caller's streams, batch and frame limits; all counted.</summary>
public sealed class RpcAccessTests
{
    private static Metadata Key(string key) => new() { { "authorization", "Bearer " + key } };

    /// <summary>rpc with fresh keys; refusals answered after a tenth of a second rather than a second, to keep the tests short.</summary>
    private static Dictionary<string, string?> Settings(TestRpcKeys keys)
    {
        var settings = keys.RpcSettings();
        settings["Rpc:Access:RefusalDelay"] = "00:00:00.100";
        return settings;
    }

    /// <summary>OK when a batch is acknowledged, else the status the call ended with.</summary>
    private static async Task<StatusCode> PublishStatus(RpcTestHost rpc, Metadata? headers)
    {
        using var call = rpc.CreateClient().Publish(headers);
        try
        {
            await call.RequestStream.WriteAsync(Frames.Batch(1, Frames.Telemetry("rig", 1, 0, 100)));
        }
        catch (RpcException)
        {
            // A refused call may end before the write; its status comes with the response.
        }

        try
        {
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
            await call.RequestStream.CompleteAsync();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>The status a refused watch ends with (a refused call ends at once; an admitted one would wait for frames).</summary>
    private static async Task<StatusCode> WatchRefusal(RpcTestHost rpc, Metadata? headers)
    {
        using var call = rpc.CreateClient().Watch(new WatchRequest(), headers);
        var error = await Eventually.Within(Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext()), "the refusal");
        return error.StatusCode;
    }

    /// <summary>Opens a watch and waits until rpc counts it as admitted.</summary>
    private static async Task<AsyncServerStreamingCall<FrameBatch>> WatchAdmitted(RpcTestHost rpc, Metadata headers)
    {
        var access = rpc.Services.GetRequiredService<RpcAccessInterceptor>();
        var open = access.OpenStreams;
        var call = rpc.CreateClient().Watch(new WatchRequest(), headers);
        await call.ResponseHeadersAsync;
        await Eventually.Until(() => access.OpenStreams == open + 1, "the watch admitted");
        return call;
    }

    [Fact]
    public async Task Publish_and_watch_need_a_key_of_their_role()
    {
        var keys = new TestRpcKeys();
        await using var rpc = await RpcTestHost.StartAsync(settings: Settings(keys));

        Assert.Equal(StatusCode.Unauthenticated, await PublishStatus(rpc, null));
        Assert.Equal(StatusCode.Unauthenticated, await PublishStatus(rpc, Key("not-a-key")));
        Assert.Equal(StatusCode.PermissionDenied, await PublishStatus(rpc, Key(keys.Watch)));
        Assert.Equal(StatusCode.OK, await PublishStatus(rpc, Key(keys.Publish)));
        Assert.Equal(1, rpc.Metrics.FramesReceivedTotal);

        Assert.Equal(StatusCode.Unauthenticated, await WatchRefusal(rpc, null));
        Assert.Equal(StatusCode.Unauthenticated, await WatchRefusal(rpc, Key(keys.Publish + "x")));
        Assert.Equal(StatusCode.PermissionDenied, await WatchRefusal(rpc, Key(keys.Publish)));
        using (await WatchAdmitted(rpc, Key(keys.Watch)))
        {
        }

        Assert.Equal(6, rpc.Metrics.CallsRefusedTotal);
        // The test host serves HTTP/2 only (h2c), as rpc's gRPC endpoint does.
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Contains("\"callsRefused\":6", await http.GetStringAsync(new Uri(rpc.Address, "/stats")));
    }

    [Fact]
    public async Task The_error_without_a_key_says_what_to_send()
    {
        var keys = new TestRpcKeys();
        await using var rpc = await RpcTestHost.StartAsync(settings: Settings(keys));
        using var call = rpc.CreateClient().Watch(new WatchRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("authorization: Bearer KEY", error.Status.Detail);
    }

    [Fact]
    public async Task A_refused_call_is_answered_only_after_the_refusal_delay()
    {
        var keys = new TestRpcKeys();
        var settings = keys.RpcSettings();
        settings["Rpc:Access:RefusalDelay"] = "00:00:00.500";
        await using var rpc = await RpcTestHost.StartAsync(settings: settings);
        var answered = Stopwatch.StartNew();
        Assert.Equal(StatusCode.Unauthenticated, await WatchRefusal(rpc, Key("guess")));
        Assert.True(answered.Elapsed >= TimeSpan.FromMilliseconds(450), $"answered after {answered.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Either_of_two_keys_is_taken_while_one_is_rotated()
    {
        var (old, next) = (new TestRpcKeys(), new TestRpcKeys());
        var settings = Settings(old);
        settings["Rpc:Access:PublishKeys:1"] = next.Publish;
        await using var rpc = await RpcTestHost.StartAsync(settings: settings);
        Assert.Equal(StatusCode.OK, await PublishStatus(rpc, Key(old.Publish)));
        Assert.Equal(StatusCode.OK, await PublishStatus(rpc, Key(next.Publish)));
    }

    [Fact]
    public async Task A_caller_holds_at_most_its_cap_of_streams()
    {
        var keys = new TestRpcKeys();
        var settings = Settings(keys);
        settings["Rpc:Access:MaxStreamsPerCaller"] = "2";
        await using var rpc = await RpcTestHost.StartAsync(settings: settings);
        var first = await WatchAdmitted(rpc, Key(keys.Watch));
        using var second = await WatchAdmitted(rpc, Key(keys.Watch));
        Assert.Equal(StatusCode.ResourceExhausted, await WatchRefusal(rpc, Key(keys.Watch)));
        // Another caller (the publisher's key) is not held back by the watcher's streams.
        Assert.Equal(StatusCode.OK, await PublishStatus(rpc, Key(keys.Publish)));

        first.Dispose();
        var access = rpc.Services.GetRequiredService<RpcAccessInterceptor>();
        await Eventually.Until(() => access.OpenStreams == 1, "the closed stream given back");
        using (await WatchAdmitted(rpc, Key(keys.Watch)))
        {
        }
    }

    [Fact]
    public async Task Batches_over_the_limit_end_the_call_and_frames_over_the_size_are_rejected()
    {
        var keys = new TestRpcKeys();
        var settings = Settings(keys);
        settings["Rpc:Access:MaxBatchFrames"] = "4";
        settings["Rpc:Access:MaxFrameBytes"] = "200";
        await using var rpc = await RpcTestHost.StartAsync(settings: settings);

        using (var call = rpc.CreateClient().Publish(Key(keys.Publish)))
        {
            var big = Frames.Telemetry("rig", 1, 1, 100);
            big.Envelope.SourceId = new string('s', 300);
            await call.RequestStream.WriteAsync(Frames.Batch(1, Frames.Telemetry("rig", 1, 0, 100), big));
            Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
            Assert.Equal((1u, 1u), (call.ResponseStream.Current.AcceptedFrames, call.ResponseStream.Current.RejectedFrames));

            await call.RequestStream.WriteAsync(Frames.Batch(2, [.. Enumerable.Range(0, 5).Select(car => Frames.Telemetry("rig", 1, (uint)car, 100))]));
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains("Rpc:Access:MaxBatchFrames", error.Status.Detail);
        }

        Assert.Equal((1L, 1L), (rpc.Metrics.FramesRejectedTotal, rpc.Metrics.CallsRefusedTotal));
    }

    [Fact]
    public async Task Rpc_without_keys_does_not_start_and_says_which_settings_to_give()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RpcTestHost.StartAsync(settings: new() { ["Rpc:Access:AllowAnonymous"] = "false" }));
        Assert.Contains("Rpc:Access:PublishKeys:0", error.Message);
    }

    [Fact]
    public async Task Ingest_publishes_and_web_watches_with_their_configured_keys()
    {
        var keys = new TestRpcKeys();
        await using var rpc = await RpcTestHost.StartAsync(settings: Settings(keys));
        await using var web = await WebTestHost.StartAsync(rpc.Address, new() { ["RpcClient:Key"] = keys.Watch });
        var feed = web.Services.GetRequiredService<FormulaTel.Web.Live.RpcWatchFeed>();
        await Eventually.Until(() => feed.Connected, "web watching rpc with its key");
        await using var ingest = await IngestTestHost.StartAsync(rpc.Address, new() { ["RpcClient:Key"] = keys.Publish });

        ingest.Buffer.Write(FormulaTel.Ingest.Publishing.EncodedFrames.Encode([Frames.Telemetry("rig", 3, 0, 250)]));
        var store = web.Services.GetRequiredService<FormulaTel.Web.Live.CarStateStore>();
        await Eventually.Until(() => store.Get(new FormulaTel.Web.Live.CarKey(FormulaTel.Web.Live.SessionKeys.For("rig", 3), 0))?.SpeedKph == 250, "the frame through rpc to web");
        Assert.Equal(0, rpc.Metrics.CallsRefusedTotal);
    }
}
