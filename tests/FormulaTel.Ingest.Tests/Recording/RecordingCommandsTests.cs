using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FormulaTel.Ingest.Cli;
using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Recording;

/// <summary>`record` and `recordings` as a user runs them, and how paths given on the command line resolve.</summary>
public class RecordingCommandsTests
{
    [Fact]
    public async Task Record_writes_what_arrives_with_a_live_count_and_tshark_reads_it()
    {
        using var directory = new TempDirectory();
        var file = directory.File("race.pcapng.zst");
        var output = new StringWriter();
        var bound = new TaskCompletionSource<IPEndPoint>();
        using var stop = new CancellationTokenSource();
        var recording = RecordCommand.RunAsync(new RecordOptions { Port = 0, Out = file }, output, new StringWriter(), stop.Token, bound.SetResult);
        var port = (await Eventually.Within(bound.Task, "record listening")).Port;

        var rigs = new[] { SimulatedDatagrams.Session(11, ticks: 10), SimulatedDatagrams.Session(12, ticks: 10, format: 2025) };
        var sockets = rigs.Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        for (var i = 0; i < rigs[0].Count; i++)
        {
            for (var rig = 0; rig < rigs.Length; rig++)
            {
                await sockets[rig].SendAsync(rigs[rig][i], new IPEndPoint(IPAddress.Loopback, port));
            }
        }

        // The live count says what came in, then Ctrl+C (the command's cancellation) closes the file.
        await Eventually.Until(() => output.ToString().Contains("84 datagrams", StringComparison.Ordinal) && output.ToString().Contains("2 source(s), 2 session(s)", StringComparison.Ordinal),
            "the live count", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        Assert.Equal(0, await Eventually.Within(recording, "record stopping"));
        Assert.Contains($"Recorded 84 datagrams from 2 source(s), 2 session(s)", output.ToString(), StringComparison.Ordinal);

        var read = await Tshark.ReadUdpAsync(file);
        Assert.Equal(84, read.Count);
        for (var rig = 0; rig < rigs.Length; rig++)
        {
            var from = ((IPEndPoint)sockets[rig].Client.LocalEndPoint!).Port;
            Assert.Equal(rigs[rig], read.Where(d => d.SourcePort == from).Select(d => d.Payload));
        }

        var summary = RecordingCatalog.DescribeQuickly(file)!;
        Assert.Equal(84, summary.Datagrams);
        Assert.Equal(2, summary.Sources);
        Assert.Equal(11ul, summary.Metadata!.SessionUid);
        sockets.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Record_stops_by_itself_after_its_duration()
    {
        using var directory = new TempDirectory();
        var file = directory.File("short.pcapng");
        var output = new StringWriter();
        var exit = await RecordCommand.RunAsync(new RecordOptions { Port = 0, Out = file, Duration = TimeSpan.FromSeconds(0.5) }, output, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, exit);
        Assert.Contains("Recorded 0 datagrams", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("race.txt", false, "--out must end in .pcapng, .pcapng.zst or .pcapng.gz")]
    [InlineData("existing.pcapng", false, "exists; choose another name, or --force to overwrite it")]
    public async Task Record_refuses_what_it_would_get_wrong(string name, bool force, string message)
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("existing.pcapng"), "keep me");
        var error = new StringWriter();
        var exit = await RecordCommand.RunAsync(new RecordOptions { Port = 0, Out = directory.File(name), Force = force }, new StringWriter(), error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(directory.File("existing.pcapng")));
    }

    [Fact]
    public async Task Record_says_so_when_the_port_is_taken()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.IPv6Any, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        using var directory = new TempDirectory();
        var error = new StringWriter();
        var exit = await RecordCommand.RunAsync(new RecordOptions { Port = port, Out = directory.File("x.pcapng") }, new StringWriter(), error, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains($"Cannot listen on UDP :: port {port}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recordings_lists_each_file_with_what_it_holds_newest_first_as_a_table_and_as_json()
    {
        using var directory = new TempDirectory();
        var older = ReplayTests.RecordingOf(directory, "a", SimulatedDatagrams.Session(101, ticks: 3), new IPEndPoint(IPAddress.Parse("192.168.1.20"), 50001));
        await Task.Delay(10); // a later start time, to the microsecond
        var newer = ReplayTests.RecordingOf(directory, "b", SimulatedDatagrams.Session(102, ticks: 5, format: 2025), new IPEndPoint(IPAddress.Parse("192.168.1.21"), 50002));
        var folder = Directory.CreateDirectory(directory.File("all")).FullName;
        File.Move(older, Path.Combine(folder, Path.GetFileName(older)));
        File.Move(newer, Path.Combine(folder, Path.GetFileName(newer)));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not a recording");

        var table = new StringWriter();
        Assert.Equal(0, RecordingsCommand.Run([folder], json: false, table, new StringWriter()));
        var lines = table.ToString().Split('\n');
        var header = Assert.Single(lines, l => l.Contains("file", StringComparison.Ordinal) && l.Contains("datagrams", StringComparison.Ordinal));
        foreach (var column in new[] { "source", "session", "game", "track", "start", "duration", "size" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }

        var rows = lines.Where(l => l.Contains(".pcapng.zst", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("192.168.1.21:50002", rows[0], StringComparison.Ordinal); // newest first
        Assert.Contains("F1 25", rows[0], StringComparison.Ordinal);
        Assert.Contains("Silverstone R", rows[0], StringComparison.Ordinal);
        Assert.Contains("102", rows[0], StringComparison.Ordinal);
        Assert.Contains("192.168.1.20:50001", rows[1], StringComparison.Ordinal);
        Assert.Contains("2 recording(s)", table.ToString(), StringComparison.Ordinal);

        var json = new StringWriter();
        Assert.Equal(0, RecordingsCommand.Run([folder], json: true, json, new StringWriter()));
        var entries = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([102ul, 101ul], entries.Select(e => e.GetProperty("session_uid").GetUInt64()));
        Assert.Equal([22L, 14L], entries.Select(e => e.GetProperty("datagrams").GetInt64()));
        Assert.All(entries, e => Assert.True(e.GetProperty("closed").GetBoolean()));
    }

    [Fact]
    public async Task Recordings_with_no_argument_lists_the_configured_folder_and_says_when_there_is_none_yet()
    {
        using var directory = new TempDirectory();
        var missing = directory.File("not-yet");
        Environment.SetEnvironmentVariable("Ingest__Recording__Directory", missing);
        try
        {
            var output = new StringWriter();
            Assert.Equal(0, RecordingsCommand.Run([], json: false, output, new StringWriter()));
            Assert.Contains($"No recordings yet: {missing} does not exist", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Ingest__Recording__Directory", null);
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Relative_paths_given_to_dotnet_run_resolve_against_where_it_was_typed()
    {
        using var directory = new TempDirectory();
        File.Copy(Fixtures.Packet("2023-06.bin"), directory.File("x.bin"));
        var project = Path.Combine(Fixtures.RepositoryRoot, "FormulaTel.Ingest");
        var (exit, output, error) = await Tool.RunAsync("dotnet", ["run", "--no-build", "--project", project, "--", "decode", "x.bin"],
            workingDirectory: directory.Path, timeout: TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, error);
        Assert.Contains("\"file\":\"x.bin\"", output, StringComparison.Ordinal);
    }
}
