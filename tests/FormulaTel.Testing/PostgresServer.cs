using System.Diagnostics;
using System.Net.Sockets;

namespace FormulaTel.Testing;

/// <summary>
/// A real PostgreSQL server for a test run: Debian's (tests/run.sh installs postgresql) in a throw-away cluster on a
/// free loopback port, run as the "postgres" user when the tests run as root (PostgreSQL refuses root).
/// FORMULATEL_TEST_POSTGRES (a connection string) points the tests at another server instead.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ExternalVariable = "FORMULATEL_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _bin;
    private readonly string? _runAs;
    private int _databases;

    private PostgresServer(string connectionString, string? directory, string? bin, string? runAs)
    {
        ConnectionString = connectionString;
        _directory = directory;
        _bin = bin;
        _runAs = runAs;
    }

    /// <summary>The server's maintenance database ("postgres"), as a connection string.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalVariable) is { Length: > 0 } external)
        {
            return new PostgresServer(external, null, null, null);
        }

        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); tests/run.sh installs Debian's postgresql");
        var directory = Directory.CreateTempSubdirectory("formulatel-postgres-").FullName;
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", $"{runAs}:{runAs}", directory]);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(Command(bin, "initdb", runAs), [.. Prefix(bin, "initdb", runAs), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        var port = FreePort.Tcp();
        await RunAsync(Command(bin, "pg_ctl", runAs), [.. Prefix(bin, "pg_ctl", runAs), "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off -c full_page_writes=off", "start"]);
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true", directory, bin, runAs);
        await Eventually.Until(() =>
        {
            using var client = new TcpClient();
            try
            {
                client.Connect("127.0.0.1", port);
                return Task.FromResult(true);
            }
            catch (SocketException)
            {
                return Task.FromResult(false);
            }
        }, "PostgreSQL accepts connections", TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>A name for a database of its own (created by the caller's own client, e.g. Npgsql).</summary>
    public string NextDatabaseName(string prefix) => $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || _bin is null)
        {
            return;
        }

        try
        {
            await RunAsync(Command(_bin, "pg_ctl", _runAs), [.. Prefix(_bin, "pg_ctl", _runAs), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string Command(string bin, string tool, string? runAs) => runAs is null ? Path.Combine(bin, tool) : "runuser";

    private static string[] Prefix(string bin, string tool, string? runAs) => runAs is null ? [] : ["-u", runAs, "--", Path.Combine(bin, tool)];

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
