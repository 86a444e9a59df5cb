using System.Diagnostics;

namespace FormulaTel.Testing;

/// <summary>A UDP datagram as tshark reads it from a capture.</summary>
public sealed record TsharkDatagram(string Source, int SourcePort, int DestinationPort, byte[] Payload);

/// <summary>Debian's tshark (tests/run.sh installs it), reading captures as Wireshark would.</summary>
public static class Tshark
{
    /// <summary>
    /// Every UDP datagram in the file, in file order: source address and port, destination port, payload. tshark
    /// must read the file without complaint, unless <paramref name="cutShort"/> says the file ends early (a
    /// recording still open, or of a killed ingest), when it reads what is there and says so.
    /// </summary>
    public static async Task<IReadOnlyList<TsharkDatagram>> ReadUdpAsync(string file, bool cutShort = false)
    {
        var (exit, output, error) = await Tool.RunAsync("tshark",
            ["-n", "-r", file, "-Y", "udp", "-T", "fields", "-E", "separator=/t", "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.payload"]);
        Assert(exit == 0 || cutShort && exit == 2 && error.Contains("cut short", StringComparison.Ordinal), $"tshark -r {file} exited {exit}: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Split('\t');
            return new TsharkDatagram(f[0].Length > 0 ? f[0] : f[1], int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), Convert.FromHexString(f[4].Replace(":", "", StringComparison.Ordinal)));
        })];
    }

    /// <summary>What tshark says on standard error about a file (e.g. that it was cut short).</summary>
    public static async Task<string> ErrorsAsync(string file) => (await Tool.RunAsync("tshark", ["-n", "-r", file, "-c", "100000000"])).Error;

    private static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}

/// <summary>Runs a program from the machine to the end and returns what it printed.</summary>
public static class Tool
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start (is it installed? tests/run.sh installs what the tests use)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await Eventually.Within(process.WaitForExitAsync().ContinueWith(_ => true, TaskScheduler.Default), $"{program} {string.Join(' ', arguments)}", timeout ?? TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }
}
