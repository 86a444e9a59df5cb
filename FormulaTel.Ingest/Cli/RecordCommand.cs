using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Games.F1;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Udp;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FormulaTel.Ingest.Cli;

public sealed record RecordOptions
{
    public int Port { get; init; } = F1Limits.DefaultPort;
    public required string Out { get; init; }
    /// <summary>Null records until stopped.</summary>
    public TimeSpan? Duration { get; init; }
    public string Bind { get; init; } = "::";
    public bool Force { get; init; }
}

/// <summary>
/// `record --port 20777 --out race.pcapng [--duration 600]`: records what arrives on a UDP port into one pcapng
/// file (gzip when the name ends in .gz), without the stack, with a live count of datagrams, sources and sessions.
/// </summary>
public static class RecordCommand
{
    public static Command Build()
    {
        var port = new Option<int>("--port") { Description = "UDP port to listen on (the game's telemetry port).", DefaultValueFactory = _ => F1Limits.DefaultPort };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                r.AddError("--port must be between 1 and 65535.");
            }
        });
        var output = new Option<string>("--out") { Description = "The file to write: .pcapng, or .pcapng.zst / .pcapng.gz to compress it.", Required = true };
        var duration = new Option<double>("--duration") { Description = "Seconds to record; 0 records until stopped (Ctrl+C).", DefaultValueFactory = _ => 0 };
        duration.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() < 0)
            {
                r.AddError("--duration must be 0 or more seconds.");
            }
        });
        var bind = new Option<string>("--bind") { Description = "Address to listen on: \"::\" is IPv6 and IPv4, \"0.0.0.0\" IPv4 only.", DefaultValueFactory = _ => "::" };
        bind.Validators.Add(r =>
        {
            if (!IPAddress.TryParse(r.GetValueOrDefault<string>() ?? "", out _))
            {
                r.AddError($"--bind must be an IP address (got '{r.GetValueOrDefault<string>()}').");
            }
        });
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists." };

        var command = new Command("record", "Record the UDP datagrams that arrive on a port into a pcapng file (Wireshark and tshark read it; replay sends it again).")
        {
            port, output, duration, bind, force,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(duration);
            return RunAsync(new RecordOptions
            {
                Port = parse.GetValue(port),
                Out = parse.GetValue(output)!,
                Duration = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
                Bind = parse.GetValue(bind)!,
                Force = parse.GetValue(force),
            }, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>Records until the duration ends or <paramref name="cancellationToken"/> is cancelled; <paramref name="bound"/> gets the socket's port.</summary>
    public static async Task<int> RunAsync(RecordOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<IPEndPoint>? bound = null)
    {
        var path = Path.GetFullPath(options.Out);
        if (!new[] { ".pcapng", ".pcapng.zst", ".pcapng.gz" }.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            await error.WriteLineAsync($"--out must end in .pcapng, .pcapng.zst or .pcapng.gz (got '{options.Out}').");
            return 1;
        }

        if (File.Exists(path))
        {
            if (!options.Force)
            {
                await error.WriteLineAsync($"{path} exists; choose another name, or --force to overwrite it.");
                return 1;
            }

            File.Delete(path);
        }

        Socket socket;
        try
        {
            socket = TelemetrySocket.Bind(IPAddress.Parse(options.Bind), options.Port);
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"Cannot listen on UDP {options.Bind} port {options.Port}: {e.Message}. Is ingest (or another app) using it? Choose another with --port.");
            return 1;
        }

        using var _ = socket;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        bound?.Invoke(local);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RecordingMetrics(services.GetRequiredService<IMeterFactory>());
        var writer = new RecordingWriter(new RecordingWriterSettings(_ => path, CompressionLevel: null, TimeSpan.FromSeconds(5), Source: null), metrics, TimeProvider.System);
        string? failure = null;
        writer.Failed += (file, e) => failure ??= $"Cannot write {file}: {e.Message}";

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var counts = new Counts();
        var clock = Stopwatch.StartNew();
        var receiving = ReceiveAsync(socket, local.Port, writer, counts, stop.Token);
        var console = ConsoleDisplay.For(output);
        var header = $"Recording UDP port {local.Port} to {path}" + (options.Duration is { } d ? $" for {d.TotalSeconds:0.#} s" : " until stopped (Ctrl+C)");
        if (ConsoleDisplay.IsInteractive(output))
        {
            await console.Live(Status(header, counts, writer, clock.Elapsed)).StartAsync(async live =>
            {
                while (!receiving.IsCompleted)
                {
                    await Task.WhenAny(receiving, Task.Delay(250, CancellationToken.None));
                    Tick(writer);
                    live.UpdateTarget(Status(header, counts, writer, clock.Elapsed));
                }
            });
        }
        else
        {
            console.WriteLine(header);
            var next = TimeSpan.FromSeconds(1);
            while (!receiving.IsCompleted)
            {
                await Task.WhenAny(receiving, Task.Delay(1000, CancellationToken.None));
                Tick(writer);
                if (clock.Elapsed >= next)
                {
                    console.WriteLine(StatusLine(counts, writer, clock.Elapsed));
                    next = clock.Elapsed + ConsoleDisplay.PlainInterval;
                }
            }
        }

        await receiving;
        lock (writer)
        {
            writer.Close(cancellationToken.IsCancellationRequested ? "stopped" : options.Duration is not null ? "duration reached" : "stopped");
        }

        var stats = metrics.Snapshot(true, path);
        console.WriteLine($"Recorded {stats.DatagramsRecorded:N0} datagrams from {writer.Sources} source(s), {writer.Sessions} session(s), in {ConsoleDisplay.Duration(clock.Elapsed)} to {path} ({ConsoleDisplay.Size(File.Exists(path) ? new FileInfo(path).Length : 0)}).");
        if (failure is not null || stats.DatagramsDroppedByReason.Values.Sum() > 0)
        {
            await error.WriteLineAsync($"{failure ?? "Some datagrams were not written"}: {stats.DatagramsDroppedByReason["write_failed"]:N0} datagrams not recorded.");
            return 1;
        }

        if (counts.Datagrams == 0)
        {
            await error.WriteLineAsync($"Nothing arrived on UDP port {local.Port}. Is the game sending to this machine's address and this port?");
        }

        return 0;
    }

    private static void Tick(RecordingWriter writer)
    {
        lock (writer)
        {
            writer.Tick(DateTimeOffset.UtcNow);
        }
    }

    private static async Task ReceiveAsync(Socket socket, int localPort, RecordingWriter writer, Counts counts, CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65_536, pinned: true);
        var any = TelemetrySocket.AnyRemote(socket);
        var labeler = new F1DatagramLabeler();
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error reported on the socket: nothing was received
            }

            var source = TelemetrySocket.Source((IPEndPoint)received.RemoteEndPoint);
            var datagram = ReceivedDatagram.Copy(buffer.AsSpan(0, received.ReceivedBytes), source, localPort, DateTimeOffset.UtcNow);
            var labelled = labeler.TryLabel(datagram.Bytes, out var label);
            lock (writer)
            {
                writer.Add(datagram, labelled ? label : null);
            }

            Interlocked.Increment(ref counts.Datagrams);
        }
    }

    private static IRenderable Status(string header, Counts counts, RecordingWriter writer, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(header)).HideHeaders().AddColumn("").AddColumn("");
        var datagrams = Interlocked.Read(ref counts.Datagrams);
        table.AddRow("elapsed", ConsoleDisplay.Duration(elapsed));
        table.AddRow("datagrams", $"{datagrams:N0} ({datagrams / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s)");
        table.AddRow("sources", writer.Sources.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("sessions", writer.Sessions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("written", ConsoleDisplay.Size(writer.File?.BytesOnDisk ?? 0));
        return table;
    }

    private static string StatusLine(Counts counts, RecordingWriter writer, TimeSpan elapsed)
    {
        var datagrams = Interlocked.Read(ref counts.Datagrams);
        return $"{ConsoleDisplay.Duration(elapsed)}: {datagrams:N0} datagrams ({datagrams / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s), {writer.Sources} source(s), {writer.Sessions} session(s), {ConsoleDisplay.Size(writer.File?.BytesOnDisk ?? 0)} written";
    }

    private sealed class Counts
    {
        public long Datagrams;
    }
}
