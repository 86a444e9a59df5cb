using System.Net;
using System.Net.Sockets;
using FormulaTel.Games;
using FormulaTel.Games.Forza;
using FormulaTel.Ingest.Cli;
using FormulaTel.Protos.V1;
using FormulaTel.Simulation;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>The simulator's Forza datagrams: each format's size, decoded by the same decoder as the games', racing.</summary>
public sealed class ForzaSimulatorTests
{
    [Theory]
    [InlineData("fm2023", ForzaFormat.Fm2023Dash, Game.ForzaMotorsport2023)]
    [InlineData("fm7-dash", ForzaFormat.Fm7Dash, Game.ForzaMotorsport7)]
    [InlineData("fm7-sled", ForzaFormat.Sled, Game.ForzaMotorsport)]
    [InlineData("fh4", ForzaFormat.Horizon, Game.ForzaHorizon)]
    [InlineData("fh5", ForzaFormat.Horizon, Game.ForzaHorizon)]
    public void Each_format_decodes_as_one_session_of_the_players_car_going_round(string name, ForzaFormat format, Game game)
    {
        Assert.Equal(format, SimulatedFormats.Forza(name));
        Assert.Null(SimulatedFormats.F1(name));
        var field = new SimulatedField(20, 3);
        var writer = new ForzaPacketWriter(field, format);
        var games = KnownGames.Create();
        var buffer = new byte[1500];
        var frames = new List<TelemetryFrame>();
        for (var tick = 0; tick < 600; tick++)
        {
            field.Step(1.0 / 60);
            var length = writer.Write(buffer);
            Assert.Equal((int)format, length);
            Assert.IsType<ForzaGame>(games.Find(buffer.AsSpan(0, length)));
            Assert.Equal(DatagramDropReason.None, games.Map(buffer.AsSpan(0, length), "sim", new(), frames));
        }

        Assert.All(frames, f => Assert.Equal(game, f.Envelope.Game));
        Assert.Single(frames.Select(f => f.Envelope.SessionUid).Distinct());
        var speeds = frames.Where(f => f.CarTelemetry is not null).Select(f => f.CarTelemetry.SpeedKph).ToArray();
        Assert.Equal(600, speeds.Length);
        Assert.Equal(field.Cars[3].SpeedKph, speeds[^1], 0.1);
        Assert.True(speeds.Max() > speeds.Min() + 20, "the car speeds up and brakes");
        Assert.Equal(format != ForzaFormat.Sled, frames.Any(f => f.Lap is not null));
        Assert.Equal(format == ForzaFormat.Fm2023Dash, frames.Any(f => f.CarDamage is not null));
        Assert.Equal(ForzaPacketWriter.CarOrdinal, (int)frames.First(f => f.Participant is not null).Participant.CarOrdinal);
    }

    [Fact]
    public async Task The_simulate_verb_sends_forza_datagrams_and_says_how_many()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        var output = new StringWriter();
        var received = new List<byte[]>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var datagram = (await receiver.ReceiveAsync(stop.Token)).Buffer;
                lock (received)
                {
                    received.Add(datagram);
                }
            }
        });

        var error = new StringWriter();
        Assert.Equal(0, await IngestCommandLine.RunAsync(["simulate", "--format", "fm2023", "--to", $"127.0.0.1:{port}", "--duration", "1"], output, error));
        Assert.Equal("", error.ToString());
        var sent = int.Parse(System.Text.RegularExpressions.Regex.Match(output.ToString(), @"(\d+) datagrams sent\.").Groups[1].Value);
        Assert.True(sent > 0, output.ToString());
        await Eventually.Until(() => { lock (received) { return received.Count == sent; } }, $"the {sent} datagrams the simulator says it sent");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving);
        lock (received)
        {
            Assert.All(received, d => Assert.Equal(331, d.Length));
        }

        Assert.Contains("Forza Data Out Fm2023Dash (331 B", output.ToString());
    }
}
