using System.CommandLine;
using System.Net;
using FormulaTel.Simulation;

namespace FormulaTel.Ingest.Cli;

/// <summary>
/// The command line: with no command, ingest runs as a service; `simulate` sends a simulated session, `record`,
/// `replay` and `recordings` work with recordings, `decode` shows what datagram files hold.
/// </summary>
public static class IngestCommandLine
{
    private static readonly string[] Commands = ["simulate", "decode", "record", "replay", "recordings", "--help", "-h", "-?", "help", "--version"];

    /// <summary>True when the arguments ask for a command rather than the ingest service.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = Build();
        if (args is ["help", ..])
        {
            args = ["--help"];
        }

        var config = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        return root.Parse(args).InvokeAsync(config);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "FormulaTel ingest: receives racing game UDP telemetry (F1 23/24/25, port 20777), turns it into FormulaTel frames " +
            "and streams them to rpc, recording every datagram and forwarding it to other apps. Run with no command to start the " +
            "service (configuration: Ingest:UdpPort, Ingest:RpcAddress, Ingest:Recording, Ingest:ForwardTo, ...; see README).");
        root.Subcommands.Add(SimulateCommand());
        root.Subcommands.Add(RecordCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(RecordingsCommand.Build());
        root.Subcommands.Add(DecodeCommand.Build());
        return root;
    }

    private static Command SimulateCommand()
    {
        var to = new Option<string>("--to")
        {
            Description = "Where to send: host:port (IPv6 as [::1]:20777).",
            DefaultValueFactory = _ => "127.0.0.1:20777",
        };
        to.Validators.Add(result =>
        {
            if (!TryParseEndPoint(result.GetValueOrDefault<string>() ?? "", out _))
            {
                result.AddError($"--to must be host:port, e.g. 127.0.0.1:20777 (got '{result.GetValueOrDefault<string>()}').");
            }
        });

        var cars = new Option<int>("--cars") { Description = "Cars on track, 1 to 22.", DefaultValueFactory = _ => 20 };
        cars.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 22)
            {
                result.AddError("--cars must be between 1 and 22.");
            }
        });

        var rate = new Option<int>("--rate") { Description = "Packets of each per-tick kind per second (Hz), 1 to 120.", DefaultValueFactory = _ => 60 };
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 120)
            {
                result.AddError("--rate must be between 1 and 120 Hz.");
            }
        });

        var duration = new Option<double>("--duration") { Description = "Seconds to run; 0 runs until stopped.", DefaultValueFactory = _ => 0 };
        duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() < 0)
            {
                result.AddError("--duration must be 0 or more seconds.");
            }
        });

        var sessionUid = new Option<ulong?>("--session-uid") { Description = "Session UID to send; random when not given." };
        var playerCar = new Option<int>("--player-car") { Description = "Index of the player's car.", DefaultValueFactory = _ => 0 };
        playerCar.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 21)
            {
                result.AddError("--player-car must be between 0 and 21.");
            }
        });

        var format = new Option<string>("--format")
        {
            Description = "2023 (F1 23), 2024 (F1 24), 2025 (F1 25); or Forza Data Out, the player's car: fm2023 (Forza Motorsport, 331 B), fm7-dash (311 B), fm7-sled (232 B), fh4 or fh5 (Forza Horizon, 324 B).",
            DefaultValueFactory = _ => "2023",
        };
        format.AcceptOnlyFromAmong([.. SimulatedFormats.Names]);

        var timeScale = new Option<double>("--time-scale")
        {
            Description = "Run the session K times faster than the wall clock (laps, session time), datagrams still at --rate: 10 makes a lap about 9 s.",
            DefaultValueFactory = _ => 1,
        };
        timeScale.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0.1 or > 100)
            {
                result.AddError("--time-scale must be between 0.1 and 100.");
            }
        });

        var command = new Command("simulate", "Send a simulated session (20 cars lapping a circuit) as F1 or Forza UDP datagrams.")
        {
            to, cars, rate, duration, sessionUid, playerCar, format, timeScale,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(playerCar) >= parse.GetValue(cars))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--player-car must be less than --cars.");
                return 1;
            }

            TryParseEndPoint(parse.GetValue(to)!, out var target);
            var seconds = parse.GetValue(duration);
            var options = new SimulatorOptions
            {
                Target = target!,
                Cars = parse.GetValue(cars),
                RateHz = parse.GetValue(rate),
                Duration = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
                SessionUid = parse.GetValue(sessionUid) ?? (ulong)Random.Shared.NextInt64(1, long.MaxValue),
                PlayerCarIndex = parse.GetValue(playerCar),
                Format = SimulatedFormats.F1(parse.GetValue(format)!) ?? Games.F1.F1Decoder.Format2023,
                Forza = SimulatedFormats.Forza(parse.GetValue(format)!),
                TimeScale = parse.GetValue(timeScale),
            };
            // Progress is not an error: standard output (the Aspire dashboard shows standard error as errors).
            await new Simulator(options, parse.InvocationConfiguration.Output).RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Parses host:port where host is an IP address or "localhost".</summary>
    public static bool TryParseEndPoint(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0 || !text.Contains(':'))
        {
            return false;
        }

        endPoint = parsed;
        return true;
    }
}
