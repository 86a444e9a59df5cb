using System.Diagnostics;

namespace FormulaTel.Testing;

/// <summary>
/// A real tcpdump (Debian's; tests/run.sh installs it) capturing on an interface into a file, as a racer would on a
/// PC or router: started, waited for until it listens, stopped with SIGINT so it writes what it has.
/// </summary>
public sealed class Tcpdump : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _errors = new();

    private Tcpdump(Process process, string file)
    {
        _process = process;
        File = file;
    }

    public string File { get; }

    /// <param name="linkType">tcpdump's -y: e.g. LINUX_SLL2 for the Linux cooked v2 header; null for the interface's own.</param>
    public static async Task<Tcpdump> StartAsync(string file, string filter, string device = "lo", string? linkType = null, string[]? extra = null)
    {
        string[] arguments = ["-i", device, "-U", "-n", "-s", "0", "-w", file, .. linkType is null ? Array.Empty<string>() : ["-y", linkType], .. extra ?? [], filter];
        var process = Process.Start(new ProcessStartInfo("tcpdump", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("tcpdump did not start (tests/run.sh installs Debian's tcpdump)");
        var capture = new Tcpdump(process, file);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                capture._listening.TrySetException(new InvalidOperationException($"tcpdump ended: {capture._errors}"));
                return;
            }

            lock (capture._errors)
            {
                capture._errors.AppendLine(e.Data);
            }

            if (e.Data.Contains("listening on", StringComparison.Ordinal))
            {
                capture._listening.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await Eventually.Within(capture._listening.Task.ContinueWith(t => t.IsCompletedSuccessfully ? true : throw t.Exception!.InnerException!, TaskScheduler.Default), "tcpdump listening");
        return capture;
    }

    /// <summary>Waits until the file holds <paramref name="count"/> packets (tcpdump -U writes each as it comes).</summary>
    public async Task WaitForPacketsAsync(int count) =>
        await Eventually.Until(async () => await CountAsync(File) >= count, $"{count} packets in {System.IO.Path.GetFileName(File)}");

    /// <summary>The packets tshark reads in a capture, even one still being written.</summary>
    public static async Task<int> CountAsync(string file) =>
        System.IO.File.Exists(file) ? (await Tool.RunAsync("tshark", ["-n", "-r", file, "-T", "fields", "-e", "frame.number"])).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : 0;

    /// <summary>Stops the capture; returns tcpdump's own report ("N packets captured").</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await Eventually.Within(_process.WaitForExitAsync().ContinueWith(_ => true, TaskScheduler.Default), "tcpdump stopping");
        }

        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
