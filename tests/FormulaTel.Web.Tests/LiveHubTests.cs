using System.Text.Json;
using System.Threading.Channels;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Grpc.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.Web.Tests;

/// <summary>rpc → web's watch feed → store → coalescer → SignalR hub → a SignalR client, all real.</summary>
public class LiveHubTests
{
    private static async Task Publish(RpcTestHost rpc, ulong sequence, params TelemetryFrame[] frames)
    {
        using var call = rpc.CreateClient().Publish();
        var batch = new FrameBatch { Sequence = sequence };
        batch.Frames.AddRange(frames);
        await call.RequestStream.WriteAsync(batch);
        Assert.True(await Eventually.Within(call.ResponseStream.MoveNext(), "ack"));
        await call.RequestStream.CompleteAsync();
    }

    /// <summary>rpc, web watching it, and a client connected to web's hub.</summary>
    private static async Task<(RpcTestHost Rpc, WebTestHost Web, HubConnection Hub)> StartStack()
    {
        var rpc = await RpcTestHost.StartAsync();
        var web = await WebTestHost.StartAsync(rpc.Address);
        await Eventually.Until(() => web.Services.GetRequiredService<RpcWatchFeed>().Connected, "web watching rpc");
        return (rpc, web, await Connect(web));
    }

    private static async Task<HubConnection> Connect(WebTestHost web)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(web.Address, LiveHub.Path)).Build();
        await connection.StartAsync();
        return connection;
    }

    [Fact]
    public async Task A_subscribed_client_receives_the_cars_state_as_published()
    {
        var (rpc, web, connection) = await StartStack();
        await using var _ = rpc;
        await using var __ = web;
        await using var ___ = connection;

        var states = Channel.CreateUnbounded<CarState>();
        connection.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));
        var sessionsPushed = Channel.CreateUnbounded<IReadOnlyList<SessionSummary>>();
        connection.On<IReadOnlyList<SessionSummary>>(LiveHub.SessionsMethod, s => sessionsPushed.Writer.TryWrite(s));

        await Publish(rpc, 1,
            Frames.Session("rig", 55, 2, "Suzuka"),
            Frames.Participant("rig", 55, 2, "TSUNODA", player: true),
            Frames.Telemetry("rig", 55, 2, 301, player: true));

        var key = SessionKeys.For("rig", 55);
        var session = await connection.SessionWhenAsync(s => s.SessionKey == key, "session listed");
        Assert.Equal("Suzuka", session.Track);
        Assert.Equal(2, session.PlayerCarIndex);
        Assert.Equal("TSUNODA", Assert.Single(session.Cars).Name);
        Assert.Contains(await Eventually.Within(sessionsPushed.Reader.ReadAsync().AsTask(), "sessions pushed"), s => s.SessionKey == key);

        var current = await connection.InvokeAsync<CarState?>("Subscribe", key, 2);
        Assert.Equal(301, current!.SpeedKph);

        await Publish(rpc, 2, Frames.Telemetry("rig", 55, 2, 312.5f, player: true), Frames.Lap("rig", 55, 2, lap: 3, position: 5));
        CarState pushed;
        do
        {
            pushed = await Eventually.Within(states.Reader.ReadAsync().AsTask(), "pushed car state");
        }
        while (pushed.LapNumber != 3);

        Assert.Equal((key, 2, 312.5f, 11000u, 6, 0.9f, 0.1f, 5u), (pushed.SessionKey, pushed.CarIndex, pushed.SpeedKph, pushed.EngineRpm, pushed.Gear, pushed.Throttle, pushed.Brake, pushed.Position));
    }

    [Fact]
    public async Task Clients_only_get_the_cars_they_subscribed_to()
    {
        var (rpc, web, connection) = await StartStack();
        await using var _ = rpc;
        await using var __ = web;
        await using var ___ = connection;
        var states = Channel.CreateUnbounded<CarState>();
        connection.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));

        await Publish(rpc, 1, Frames.Telemetry("rig", 1, 0, 100), Frames.Telemetry("rig", 1, 1, 111));
        var current = await connection.SubscribeWhenLiveAsync(SessionKeys.For("rig", 1), 1);
        Assert.Equal((1, 111f), (current!.CarIndex, current.SpeedKph));
        await Eventually.Until(() => web.Services.GetRequiredService<RpcWatchFeed>().CarStreams == 1, "car 1's full-rate stream");
        await Publish(rpc, 2, Frames.Telemetry("rig", 1, 0, 100), Frames.Telemetry("rig", 1, 1, 122));
        var state = await Eventually.Within(states.Reader.ReadAsync().AsTask(), "car 1's update");
        Assert.Equal((1, 122f), (state.CarIndex, state.SpeedKph));
    }

    [Fact]
    public async Task Web_takes_in_unwatched_cars_at_the_overview_rate_a_watched_car_in_full_and_lets_go_once_nobody_watches()
    {
        var (rpc, web, connection) = await StartStack();
        await using var _ = rpc;
        await using var __ = web;
        await using var ___ = connection;
        var feed = web.Services.GetRequiredService<RpcWatchFeed>();
        var store = web.Services.GetRequiredService<CarStateStore>();
        var key = SessionKeys.For("rig", 3);

        // A second of two cars at 60 Hz of session time: ten frames a car come in (the overview's default rate).
        static TelemetryFrame[] Second(int from) => [.. Enumerable.Range(from, 60).SelectMany(tick => Enumerable.Range(0, 2).Select(car =>
        {
            var frame = Frames.Telemetry("rig", 3, (uint)car, tick);
            frame.Envelope.SessionTimeS = tick / 60.0;
            return frame;
        }))];
        await Publish(rpc, 1, [Frames.Session("rig", 3, 0, "Monza"), .. Second(0)]);
        await Eventually.Until(() => feed.FramesReceived == 1 + 2 * 10, "the session and ten frames a car");
        Assert.Equal(54f, store.Get(new CarKey(key, 1))!.SpeedKph);

        // Watched: car 1 in full (the overview still sends its ten, which web leaves to the car's own stream).
        Assert.NotNull(await connection.InvokeAsync<CarState?>("Subscribe", key, 1));
        Assert.Equal(1, feed.CarStreams);
        await Publish(rpc, 2, Second(60));
        await Eventually.Until(() => feed.FramesReceived == 21 + 2 * 10 + 60, "ten frames a car and car 1's sixty");
        Assert.Equal((114f, 119f), (store.Get(new CarKey(key, 0))!.SpeedKph, store.Get(new CarKey(key, 1))!.SpeedKph));

        // Nobody watching: the stream closes and nothing is left behind for the car.
        await connection.InvokeAsync("Unsubscribe", key, 1);
        await Eventually.Until(() => feed.CarStreams == 0, "car 1's stream closed");
        Assert.Empty(web.Services.GetRequiredService<WatchedCars>().Cars());
        Assert.Equal(0, web.Services.GetRequiredService<LiveSubscriptions>().Cars);
    }

    [Fact]
    public void The_hubs_typed_client_contract_is_the_documented_messages()
    {
        // The hub is Hub<ILiveClient>: its methods are the messages on the wire, their parameters the payloads.
        var messages = typeof(ILiveClient).GetMethods().Select(m => (m.Name, m.GetParameters().Single().ParameterType)).OrderBy(m => m.Name).ToArray();
        Assert.Equal([(LiveHub.CarStateMethod, typeof(CarState)), (LiveHub.SessionsMethod, typeof(IReadOnlyList<SessionSummary>))], messages);
        Assert.True(typeof(Hub<ILiveClient>).IsAssignableFrom(typeof(LiveHub)));

        var doc = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "docs", "live-hub.md"));
        Assert.Contains("| `CarState` | `CarState` |", doc, StringComparison.Ordinal);
        Assert.Contains("| `Sessions` | `SessionSummary[]` |", doc, StringComparison.Ordinal);
        // Every payload field is documented, camelCase as the JSON protocol sends it.
        foreach (var property in typeof(CarState).GetProperties().Concat(typeof(SessionSummary).GetProperties()))
        {
            Assert.Contains($"`{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}`", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_subscriptions_get_a_clear_error()
    {
        await using var rpc = await RpcTestHost.StartAsync();
        await using var web = await WebTestHost.StartAsync(rpc.Address);
        await using var connection = await Connect(web);
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<CarState?>("Subscribe", "", 99));
        Assert.Contains("session key", error.Message);
    }

    [Fact]
    public async Task The_feed_reconnects_after_rpc_restarts()
    {
        var rpc = await RpcTestHost.StartAsync();
        await using var web = await WebTestHost.StartAsync(rpc.Address);
        var feed = web.Services.GetRequiredService<RpcWatchFeed>();
        await Eventually.Until(() => feed.Connected, "web watching rpc");

        await rpc.StopAsync();
        await Eventually.Until(() => !feed.Connected, "web notices rpc is gone");
        await rpc.StartAsync();
        await Eventually.Until(() => feed.Connected, "web watching the restarted rpc");

        await Publish(rpc, 1, Frames.Telemetry("rig", 9, 0, 199));
        var store = web.Services.GetRequiredService<CarStateStore>();
        await Eventually.Until(() => store.Get(new CarKey(SessionKeys.For("rig", 9), 0))?.SpeedKph == 199, "frame after restart");
        await rpc.DisposeAsync();
    }
}
