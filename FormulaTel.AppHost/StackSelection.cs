using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace FormulaTel.AppHost;

/// <summary>Which resources the AppHost declares.</summary>
public enum StackKind
{
    /// <summary>The projects and the Aspire dashboard only: runs anywhere, no container runtime needed.</summary>
    Embedded,
    /// <summary>The projects plus the containers (Kafka, collector, Prometheus, Grafana as they arrive).</summary>
    Full,
}

public sealed record StackChoice(StackKind Kind, string Reason);

/// <summary>Answers whether a container runtime is up, and which.</summary>
public interface IContainerRuntimeProbe
{
    /// <summary>A description such as "docker 28.2.2" when a runtime answers healthy; otherwise null and why not.</summary>
    (string? Runtime, string Detail) Probe();
}

/// <summary>
/// Chooses the stack: FORMULATEL_STACK (or config FormulaTel:Stack) = auto | embedded | full. Auto takes full only
/// when a container runtime answers healthy; publish mode always declares the full stack.
/// </summary>
public static class StackSelection
{
    public const string EnvironmentKey = "FORMULATEL_STACK";
    public const string ConfigKey = "FormulaTel:Stack";

    public static StackChoice Choose(IConfiguration configuration, bool isPublishMode, IContainerRuntimeProbe probe)
    {
        if (isPublishMode)
        {
            return new StackChoice(StackKind.Full, "publish mode always declares the full stack");
        }

        var setting = configuration[EnvironmentKey] ?? configuration[ConfigKey];
        var source = configuration[EnvironmentKey] is not null ? EnvironmentKey : ConfigKey;
        switch (setting?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                var (runtime, detail) = probe.Probe();
                return runtime is not null
                    ? new StackChoice(StackKind.Full, $"auto: container runtime {runtime} is healthy")
                    : new StackChoice(StackKind.Embedded, $"auto: no healthy container runtime ({detail})");
            case "embedded":
                return new StackChoice(StackKind.Embedded, $"{source}=embedded");
            case "full":
                return new StackChoice(StackKind.Full, $"{source}=full");
            default:
                throw new InvalidOperationException(
                    $"{source} is '{setting}'; it must be auto, embedded or full.");
        }
    }
}

/// <summary>Asks `docker info`, then `podman info` (the configured runtime first), each with a timeout.</summary>
public sealed class ContainerRuntimeProbe(IConfiguration configuration) : IContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public (string? Runtime, string Detail) Probe()
    {
        var preferred = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DcpPublisher:ContainerRuntime"];
        string[] runtimes = string.Equals(preferred, "podman", StringComparison.OrdinalIgnoreCase)
            ? ["podman", "docker"]
            : ["docker", "podman"];
        var details = new List<string>();
        foreach (var runtime in runtimes)
        {
            var (ok, output) = Run(runtime, runtime == "docker" ? "info --format {{.ServerVersion}}" : "info --format {{.Version.Version}}");
            if (ok)
            {
                return ($"{runtime} {output}".Trim(), "healthy");
            }

            details.Add($"{runtime}: {output}");
        }

        return (null, string.Join("; ", details));
    }

    private static (bool Ok, string Output) Run(string command, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"no answer within {Timeout.TotalSeconds:0} s");
            }

            var text = (process.ExitCode == 0 ? stdout.Result : stderr.Result).Trim();
            var firstLine = text.Split('\n', 2)[0].Trim();
            return (process.ExitCode == 0, process.ExitCode == 0 ? firstLine : $"exit {process.ExitCode}: {firstLine}");
        }
        catch (Win32Exception)
        {
            return (false, "not installed");
        }
    }
}
