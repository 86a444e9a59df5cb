using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace FormulaTel.Testing;

/// <summary>
/// Ingest as its own process (the build beside the tests), for what only a process shows: how its files look
/// after SIGTERM, or after it is killed.
/// </summary>
public sealed class IngestProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly System.Text.StringBuilder _log = new();

    private IngestProcess(Process process, Uri address, int udpPort)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        UdpPort = udpPort;
    }

    public int UdpPort { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<IngestProcess> StartAsync(IDictionary<string, string> settings)
    {
        var udpPort = FreePort.Udp();
        var httpPort = FreePort.Tcp();
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "FormulaTel.Ingest.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Ingest__UdpPort"] = udpPort.ToString(CultureInfo.InvariantCulture),
                ["Ingest__RpcAddress"] = $"http://127.0.0.1:{FreePort.Tcp()}",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
                ["Logging__LogLevel__System.Net.Http"] = "Warning",
            },
        };
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var ingest = new IngestProcess(process, new Uri($"http://127.0.0.1:{httpPort}"), udpPort);
        process.OutputDataReceived += (_, e) => ingest.Append(e.Data);
        process.ErrorDataReceived += (_, e) => ingest.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.Until(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"ingest exited with {process.ExitCode}: {ingest.Log}");
            }

            try
            {
                return (await ingest._http.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "ingest's /health", TimeSpan.FromSeconds(60));
        return ingest;
    }

    /// <summary>GET /stats.</summary>
    public async Task<JsonElement> StatsAsync() => await _http.GetFromJsonAsync<JsonElement>("/stats");

    /// <summary>Sends a signal (TERM, KILL) and waits for the process to end; returns its exit code.</summary>
    public async Task<int> SignalAsync(string signal)
    {
        Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await Eventually.Within(_process.WaitForExitAsync().ContinueWith(_ => true, TaskScheduler.Default), $"ingest ending after SIG{signal}");
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("KILL");
        }

        _process.Dispose();
        _http.Dispose();
    }
}
