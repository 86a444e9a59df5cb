using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace FormulaTel.Testing;

/// <summary>
/// A service (ingest, rpc) as its own process, from the build beside the caller, for what only a process shows:
/// its files after SIGTERM or a kill, its CPU time and memory under load.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly System.Text.StringBuilder _log = new();

    private ServiceProcess(Process process, Uri address, int udpPort)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        UdpPort = udpPort;
    }

    /// <summary>Ingest's UDP port (a free one, given to every service started; only ingest listens on it).</summary>
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

    /// <summary>Ingest with an rpc address nothing listens on, and <paramref name="settings"/> as its environment.</summary>
    public static Task<ServiceProcess> StartIngestAsync(IDictionary<string, string> settings) =>
        StartAsync("FormulaTel.Ingest.dll", new Dictionary<string, string>(settings) { ["Ingest__RpcAddress"] = settings.TryGetValue("Ingest__RpcAddress", out var rpc) ? rpc : $"http://127.0.0.1:{FreePort.Tcp()}" });

    /// <summary>Starts <paramref name="assembly"/> (e.g. FormulaTel.Rpc.dll) and waits until its /health answers.</summary>
    public static async Task<ServiceProcess> StartAsync(string assembly, IDictionary<string, string> settings)
    {
        var udpPort = FreePort.Udp();
        var httpPort = FreePort.Tcp();
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, assembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Ingest__UdpPort"] = udpPort.ToString(CultureInfo.InvariantCulture),
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
                ["Logging__LogLevel__System.Net.Http"] = "Warning",
                // As the AppHost runs the services.
                ["DOTNET_GCgen0size"] = "0x400000",
            },
        };
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{httpPort}"), udpPort);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.Until(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{assembly} exited with {process.ExitCode}: {service.Log}");
            }

            try
            {
                return (await service._http.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"{assembly}'s /health", TimeSpan.FromSeconds(60));
        return service;
    }

    /// <summary>A client for the service's HTTP endpoints.</summary>
    public HttpClient Http => _http;

    /// <summary>GET /stats (ingest, history).</summary>
    public async Task<JsonElement> StatsAsync() => await _http.GetFromJsonAsync<JsonElement>("/stats");

    /// <summary>Sends a signal (TERM, KILL) and waits for the process to end; returns its exit code.</summary>
    public async Task<int> SignalAsync(string signal)
    {
        Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await Eventually.Within(_process.WaitForExitAsync().ContinueWith(_ => true, TaskScheduler.Default), $"the process ending after SIG{signal}");
        return _process.ExitCode;
    }

    /// <summary>CPU time in user mode and in the kernel (/proc/PID/stat's utime and stime, in 1/100 s).</summary>
    public (double User, double Kernel) CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
    }

    public double ResidentMegabytes() =>
        long.Parse(File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

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
            await SignalAsync("TERM");
        }

        _process.Dispose();
        _http.Dispose();
    }
}
