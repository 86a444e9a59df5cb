using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using FormulaTel.Simulation;
using FormulaTel.Testing;
using FormulaTel.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace FormulaTel.AppHost.Tests;

/// <summary>A datagram sent to ingest's UDP port comes out of web's SignalR hub with the values it carried.</summary>
[Collection(EmbeddedStackCollection.Name)]
public class EndToEndTests(EmbeddedStackFixture stack)
{
    [Fact]
    public async Task Datagrams_sent_to_ingest_reach_the_hub_with_their_values()
    {
        const ulong sessionUid = 0xF0_2026_1128;
        const int car = 3;
        var field = new SimulatedField(cars: 20, playerCarIndex: car);
        for (var i = 0; i < 60 * 20; i++)
        {
            field.Step(1.0 / 60); // 20 s in: a car at speed, in gear, on its first lap
        }

        var writer = new F1PacketWriter(field, sessionUid);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var source = $"127.0.0.1:{((IPEndPoint)udp.Client.LocalEndPoint!).Port}";

        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(stack.WebAddress, LiveHub.Path)).Build();
        var states = Channel.CreateUnbounded<CarState>();
        hub.On<CarState>(LiveHub.CarStateMethod, s => states.Writer.TryWrite(s));
        await hub.StartAsync();
        var key = SessionKeys.For(source, sessionUid);

        // UDP may lose a datagram: send the same state until it arrives.
        var buffer = new byte[1500];
        var target = new IPEndPoint(IPAddress.Loopback, stack.UdpPort);
        using var sending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            while (!sending.IsCancellationRequested)
            {
                await udp.SendAsync(buffer.AsMemory(0, writer.WriteParticipants(buffer)), target);
                await udp.SendAsync(buffer.AsMemory(0, writer.WriteSession(buffer)), target);
                await udp.SendAsync(buffer.AsMemory(0, writer.WriteLapData(buffer)), target);
                await udp.SendAsync(buffer.AsMemory(0, writer.WriteCarTelemetry(buffer)), target);
                await Task.Delay(100);
            }
        });

        // The hub follows cars web holds: subscribe once the car's first frames are in.
        var state = await hub.SubscribeWhenLiveAsync(key, car, TimeSpan.FromSeconds(60));
        while (state is null || state.LapNumber == 0 || state.SpeedKph == 0) // lap data and telemetry travel as separate frames
        {
            state = await Eventually.Within(states.Reader.ReadAsync().AsTask(), "car state from the hub", TimeSpan.FromSeconds(60));
        }

        await sending.CancelAsync();
        await sender;

        var sent = field.Cars[car];
        Assert.Equal(Math.Round(sent.SpeedKph), state.SpeedKph);
        Assert.Equal((uint)sent.EngineRpm, state.EngineRpm);
        Assert.Equal(sent.Gear, state.Gear);
        Assert.Equal((float)sent.Throttle, state.Throttle);
        Assert.Equal((float)sent.Brake, state.Brake);
        Assert.Equal((float)sent.Steer, state.Steer);
        Assert.Equal((uint)sent.LapNumber, state.LapNumber);
        Assert.Equal((uint)sent.Position, state.Position);
        Assert.Equal((float)sent.LapDistance, state.LapDistanceM);
        Assert.Equal(field.FrameId, state.FrameId);

        var session = (await hub.InvokeAsync<IReadOnlyList<SessionSummary>>("GetSessions")).Single(s => s.SessionKey == key);
        Assert.Equal("Silverstone", session.Track);
        Assert.Equal(car, session.PlayerCarIndex);
        Assert.Equal(20, session.Cars.Count);
        Assert.Equal("ALONSO", session.Cars.Single(c => c.CarIndex == 8).Name);
    }
}
