using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace FormulaTel.Testing;

/// <summary>
/// A real Prometheus (Debian's, /usr/bin/prometheus; tests/run.sh installs it) on a free loopback port with a
/// throw-away data directory, for tests that scrape the services and evaluate dashboard queries and rules.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    /// <param name="configYaml">prometheus.yml; <paramref name="files"/> are written beside it (e.g. rule files).</param>
    public static async Task<PrometheusServer> StartAsync(string configYaml, IReadOnlyDictionary<string, string>? files = null)
    {
        var directory = Directory.CreateTempSubdirectory("formulatel-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), configYaml);
        foreach (var (name, text) in files ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), text);
        }

        var port = FreePort.Tcp();
        var start = new ProcessStartInfo("prometheus",
        [
            $"--config.file={Path.Combine(directory, "prometheus.yml")}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (is Debian's prometheus package installed?)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        await Eventually.Until(async () =>
        {
            try
            {
                return (await server._http.GetAsync("/-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException) when (!process.HasExited)
            {
                return false;
            }
        }, "Prometheus ready");
        return server;
    }

    /// <summary>An instant query; the "data" element of the answer, or an exception with Prometheus' error.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused {promql}: {body.GetProperty("error").GetString()}");
        }

        return body.GetProperty("data");
    }

    /// <summary>How many series (or 1 for a scalar) an instant query returns.</summary>
    public async Task<int> CountAsync(string promql)
    {
        var data = await QueryAsync(promql);
        return data.GetProperty("resultType").GetString() is "vector" or "matrix" ? data.GetProperty("result").GetArrayLength() : 1;
    }

    public async Task<JsonElement> GetAsync(string path) =>
        (await _http.GetFromJsonAsync<JsonElement>(path)).GetProperty("data");

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Prometheus may still hold a file for a moment; a temp folder left behind is harmless.
        }
    }
}
