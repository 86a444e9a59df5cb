using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FormulaTel.Ingest.Capture;
using FormulaTel.Ingest.Recording;
using FormulaTel.Ingest.Replay;
using Spectre.Console;

namespace FormulaTel.Ingest.Cli;

/// <summary>
/// `replay FILE... --to 127.0.0.1:20777 [--speed 1|4|max] [--from 12:30] [--loop] [--source-port N] [--port N]`:
/// sends recorded datagrams again with their recorded spacing, with a progress bar, elapsed and remaining time
/// and rate.
/// </summary>
public static class ReplayCommand
{
    public static Command Build()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Captures to replay: pcap or pcapng, plain or compressed with zstd or gzip (FormulaTel, tcpdump, Wireshark). Several are merged by time.",
            Arity = ArgumentArity.OneOrMore,
        };
        var to = new Option<string>("--to") { Description = "Where to send: host:port (IPv6 as [::1]:20777).", DefaultValueFactory = _ => "127.0.0.1:20777" };
        to.Validators.Add(r =>
        {
            if (!IngestCommandLine.TryParseEndPoint(r.GetValueOrDefault<string>() ?? "", out _))
            {
                r.AddError($"--to must be host:port, e.g. 127.0.0.1:20777 (got '{r.GetValueOrDefault<string>()}').");
            }
        });
        var speed = new Option<string>("--speed") { Description = "1 is as recorded, 4 four times as fast, max as fast as possible.", DefaultValueFactory = _ => "1" };
        speed.Validators.Add(r =>
        {
            if (!ReplaySchedule.TryParseSpeed(r.GetValueOrDefault<string>() ?? "", out _))
            {
                r.AddError($"--speed must be a number above 0 or max (got '{r.GetValueOrDefault<string>()}').");
            }
        });
        var from = new Option<string>("--from") { Description = "Start this far into the recording: 12:30 (minutes:seconds), 1:02:30 or 750 (seconds)." };
        from.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } text && !ReplaySchedule.TryParseOffset(text, out _))
            {
                r.AddError($"--from must be seconds, minutes:seconds or hours:minutes:seconds (got '{text}').");
            }
        });
        var loop = new Option<bool>("--loop") { Description = "Start again at the end, until stopped (Ctrl+C)." };
        var sourcePort = new Option<int?>("--source-port") { Description = "Send the first recorded source from this port, the next from the one after, and so on (default: any free port)." };
        sourcePort.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 65535)
            {
                r.AddError("--source-port must be between 1 and 65535.");
            }
        });
        var port = new Option<int?>("--port") { Description = "Only datagrams that were sent to this port (a capture with other UDP traffic in it)." };

        var command = new Command("replay", "Send recorded datagrams again, with their recorded timing, each recorded source from a socket of its own.")
        {
            files, to, speed, from, loop, sourcePort, port,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            IngestCommandLine.TryParseEndPoint(parse.GetValue(to)!, out var target);
            ReplaySchedule.TryParseSpeed(parse.GetValue(speed)!, out var factor);
            var offset = TimeSpan.Zero;
            if (parse.GetValue(from) is { } text)
            {
                ReplaySchedule.TryParseOffset(text, out offset);
            }

            return RunAsync(new ReplayOptions
            {
                Files = parse.GetValue(files)!,
                Target = target!,
                Speed = factor,
                From = offset,
                Loop = parse.GetValue(loop),
                SourcePort = parse.GetValue(sourcePort),
                Port = parse.GetValue(port),
            }, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(ReplayOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Replayer replayer;
        try
        {
            replayer = Replayer.Open(options with { Files = [.. options.Files.Select(Path.GetFullPath)] });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CaptureFormatException)
        {
            await error.WriteLineAsync(e is FileNotFoundException or DirectoryNotFoundException ? $"{e.Message} (relative paths are taken from {Environment.CurrentDirectory})" : e.Message);
            return 1;
        }

        using var _ = replayer;
        var console = ConsoleDisplay.For(output);
        console.WriteLine(Header(replayer, options));
        var clock = Stopwatch.StartNew();
        var running = replayer.RunAsync(cancellationToken);
        try
        {
            if (ConsoleDisplay.IsInteractive(output))
            {
                await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("replaying", maxValue: 1000);
                        while (!running.IsCompleted)
                        {
                            await Task.WhenAny(running, Task.Delay(200, CancellationToken.None));
                            var now = replayer.Progress();
                            task.Value = now.Fraction * 1000;
                            task.Description = Markup.Escape(Brief(now, clock.Elapsed));
                        }

                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                var next = ConsoleDisplay.PlainInterval;
                while (!running.IsCompleted)
                {
                    await Task.WhenAny(running, Task.Delay(500, CancellationToken.None));
                    if (clock.Elapsed >= next && !running.IsCompleted)
                    {
                        var now = replayer.Progress();
                        var remaining = now.Fraction > 0 ? clock.Elapsed * ((1 - now.Fraction) / now.Fraction) : (TimeSpan?)null;
                        console.WriteLine($"{now.Fraction:P0} · {Describe(now, clock.Elapsed)} · elapsed {ConsoleDisplay.Duration(clock.Elapsed)}" + (remaining is { } r && !options.Loop ? $", remaining {ConsoleDisplay.Duration(r)}" : ""));
                        next = clock.Elapsed + ConsoleDisplay.PlainInterval;
                    }
                }
            }

            await running;
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"replay stopped: {e.Message}");
            return 1;
        }

        var done = replayer.Progress();
        var elapsed = clock.Elapsed;
        console.WriteLine($"Sent {done.Sent:N0} datagrams from {done.Sources} source(s) to {options.Target} in {ConsoleDisplay.Duration(elapsed)} ({done.Sent / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s)"
            + (done.SendErrors > 0 ? $"; {done.SendErrors:N0} could not be sent (nothing listening?)" : "")
            + (done.SkippedBeforeFrom > 0 ? $"; {done.SkippedBeforeFrom:N0} before --from skipped" : "") + ".");
        var failed = false;
        foreach (var input in replayer.Inputs)
        {
            if (input.DescribeSkipped() is { Length: > 0 } skipped)
            {
                console.WriteLine($"{input.Name}: passed over {skipped}.");
            }

            if (input.Error is { } problem)
            {
                failed = true;
                await error.WriteLineAsync($"{problem.Message}; replayed the {input.Datagrams:N0} datagrams before it.");
            }
            else if (input.Datagrams == 0)
            {
                failed = true;
                await error.WriteLineAsync($"{input.Name}: no UDP datagrams to replay in it ({input.Packets:N0} packets{(input.DescribeSkipped() is { Length: > 0 } s ? ": " + s : "")}).");
            }
        }

        return failed ? 1 : 0;
    }

    private static string Header(Replayer replayer, ReplayOptions options)
    {
        var what = replayer.Inputs.Count == 1 ? replayer.Inputs[0].Name : $"{replayer.Inputs.Count} captures";
        var about = replayer.Inputs.Count == 1 ? SafeSummary(replayer.Inputs[0].Path) : null;
        var speed = options.Speed is { } s ? $"{s.ToString("0.##", CultureInfo.InvariantCulture)}×" : "max speed";
        return $"Replaying {what}{about} to {options.Target} at {speed}"
            + (options.From > TimeSpan.Zero ? $" from {ConsoleDisplay.Duration(options.From)}" : "")
            + (options.Loop ? ", looping until stopped (Ctrl+C)" : "");
    }

    private static string? SafeSummary(string path)
    {
        try
        {
            return RecordingCatalog.DescribeQuickly(path) is { Metadata: { } m } summary
                ? $" ({string.Join(" · ", new[] { m.Game, m.Track, m.SessionType }.Where(x => x is not null))}, {ConsoleDisplay.Duration(summary.Duration ?? TimeSpan.Zero)})"
                : null;
        }
        catch (Exception e) when (e is IOException or CaptureFormatException)
        {
            return null;
        }
    }

    /// <summary>What fits beside a progress bar in an 80-column terminal.</summary>
    private static string Brief(ReplayProgress progress, TimeSpan elapsed) =>
        $"{ConsoleDisplay.Duration(progress.RecordedOffset)}{(progress.RecordedDuration is { } d ? "/" + ConsoleDisplay.Duration(d) : "")}"
        + $" {progress.Sent / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s" + (progress.Pass > 1 ? $" loop {progress.Pass}" : "");

    private static string Describe(ReplayProgress progress, TimeSpan elapsed) =>
        $"{ConsoleDisplay.Duration(progress.RecordedOffset)}{(progress.RecordedDuration is { } d ? " of " + ConsoleDisplay.Duration(d) : "")} recorded"
        + $" · {progress.Sent:N0} sent ({progress.Sent / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s) · {progress.Sources} source(s)"
        + (progress.Pass > 1 ? $" · loop {progress.Pass}" : "");
}
