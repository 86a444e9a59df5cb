using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FormulaTel.Simulation;

public sealed record SimulatorOptions
{
    public required IPEndPoint Target { get; init; }
    public int Cars { get; init; } = 20;
    public int RateHz { get; init; } = 60;
    /// <summary>How long to run; null runs until cancelled.</summary>
    public TimeSpan? Duration { get; init; }
    public ulong SessionUid { get; init; }
    public int PlayerCarIndex { get; init; }
    /// <summary>Packet format: 2023 (F1 23), 2024 (F1 24) or 2025 (F1 25).</summary>
    public ushort Format { get; init; } = Games.F1.F1Decoder.Format2023;
    /// <summary>Send Forza Data Out in this format (the player's car only) instead of F1.</summary>
    public Games.Forza.ForzaFormat? Forza { get; init; }
    /// <summary>Simulated seconds per wall-clock second: laps run this much faster, datagrams stay at the rate.</summary>
    public double TimeScale { get; init; } = 1;
}

/// <summary>
/// Sends a simulated session over UDP. F1 23/24/25: Motion, LapData, CarTelemetry and CarStatus every tick, Session
/// twice a second and Participants every five seconds, as the game does. Forza: one Data Out datagram a tick for the
/// player's car.
/// </summary>
public sealed class Simulator(SimulatorOptions options, TextWriter? progress = null)
{
    private const int MaxDatagram = 1500;

    public long DatagramsSent { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var field = new SimulatedField(options.Cars, options.PlayerCarIndex);
        var writer = new F1PacketWriter(field, options.SessionUid, options.Format);
        var forza = options.Forza is { } forzaFormat ? new ForzaPacketWriter(field, forzaFormat, (uint)(options.SessionUid % 1_000_000_000)) : null;
        using var socket = new Socket(options.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[MaxDatagram];
        var dt = 1.0 / options.RateHz;
        var sessionEvery = Math.Max(1, options.RateHz / 2);
        var participantsEvery = options.RateHz * 5;
        var stopwatch = Stopwatch.StartNew();
        var nextProgress = TimeSpan.FromSeconds(10);

        progress?.WriteLine($"Simulating {options.Cars} cars at {options.RateHz} Hz to udp://{options.Target}, "
            + (forza is null ? $"format {options.Format}, session {options.SessionUid}" : $"Forza Data Out {forza.Format} ({(int)forza.Format} B, the player's car)")
            + (options.TimeScale != 1 ? $", {options.TimeScale:0.##}× time" : "")
            + (options.Duration is { } d ? $", for {d.TotalSeconds:0.#} s" : ", until stopped (Ctrl+C)"));

        // Ticks are scheduled by the stopwatch, not by timer callbacks: a late wake-up (a busy machine, a coarse
        // timer) is caught up with the ticks it missed, so the rate holds on average. Long stalls are not replayed.
        const int maxCatchUp = 10;
        long tick = 0;
        var skew = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = stopwatch.Elapsed;
            if (options.Duration is { } duration && elapsed >= duration)
            {
                break;
            }

            var due = (long)((elapsed - skew).TotalSeconds / dt) + 1;
            if (due - tick > maxCatchUp)
            {
                // Let the schedule slip instead; tick numbers (and the packets' schedule) stay consecutive.
                skew += TimeSpan.FromSeconds((due - tick - maxCatchUp) * dt);
                due = tick + maxCatchUp;
            }

            for (; tick < due; tick++)
            {
                if (forza is null)
                {
                    await SendTickAsync(socket, buffer, field, writer, tick, sessionEvery, participantsEvery, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    field.Step(options.TimeScale / options.RateHz);
                    await SendAsync(socket, buffer, forza.Write(buffer), cancellationToken).ConfigureAwait(false);
                }
            }

            if (stopwatch.Elapsed >= nextProgress)
            {
                var player = field.Cars[field.PlayerCarIndex];
                progress?.WriteLine($"{stopwatch.Elapsed.TotalSeconds:0}s: {DatagramsSent} datagrams sent; player lap {player.LapNumber}, {player.SpeedKph:0} km/h");
                nextProgress += TimeSpan.FromSeconds(10);
            }

            var wait = TimeSpan.FromSeconds(tick * dt) + skew - stopwatch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        progress?.WriteLine($"Simulator stopped after {stopwatch.Elapsed.TotalSeconds:0.#} s: {DatagramsSent} datagrams sent.");
    }

    private async ValueTask SendTickAsync(Socket socket, byte[] buffer, SimulatedField field, F1PacketWriter writer, long tick,
        int sessionEvery, int participantsEvery, CancellationToken cancellationToken)
    {
        field.Step(options.TimeScale / options.RateHz);
        if (tick % participantsEvery == 0)
        {
            await SendAsync(socket, buffer, writer.WriteParticipants(buffer), cancellationToken).ConfigureAwait(false);
        }

        if (tick % sessionEvery == 0)
        {
            await SendAsync(socket, buffer, writer.WriteSession(buffer), cancellationToken).ConfigureAwait(false);
        }

        await SendAsync(socket, buffer, writer.WriteMotion(buffer), cancellationToken).ConfigureAwait(false);
        await SendAsync(socket, buffer, writer.WriteLapData(buffer), cancellationToken).ConfigureAwait(false);
        await SendAsync(socket, buffer, writer.WriteCarTelemetry(buffer), cancellationToken).ConfigureAwait(false);
        await SendAsync(socket, buffer, writer.WriteCarStatus(buffer), cancellationToken).ConfigureAwait(false);
        foreach (var simulated in field.TakeEvents())
        {
            await SendAsync(socket, buffer, writer.WriteEvent(simulated, buffer), cancellationToken).ConfigureAwait(false);
        }

        if (tick % sessionEvery == 0)
        {
            // The game sends damage a few times a second; wear changes slowly.
            await SendAsync(socket, buffer, writer.WriteCarDamage(buffer), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(Socket socket, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, options.Target, cancellationToken).ConfigureAwait(false);
            DatagramsSent++;
        }
        catch (SocketException)
        {
            // Nobody listening yet (ICMP port unreachable) is normal while ingest starts: keep sending.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
