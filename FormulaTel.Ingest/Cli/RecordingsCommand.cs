using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FormulaTel.Ingest.Recording;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace FormulaTel.Ingest.Cli;

/// <summary>
/// `recordings [PATH...] [--json]`: lists recordings (ingest's recording directory by default) from their own
/// metadata: file, source, session, game, track, start, duration, datagrams, size.
/// </summary>
public static class RecordingsCommand
{
    public static Command Build()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Directories or files to list (default: ingest's recording directory, Ingest:Recording:Directory).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per recording, a line each, for scripts." };
        var command = new Command("recordings", "List recordings: source, session, game, track, start, duration, datagrams and size.") { paths, json };
        command.SetAction(parse => Run(parse.GetValue(paths) ?? [], parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>The directory the service records to, from the same configuration it reads.</summary>
    public static string ConfiguredDirectory()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        return Recording.Recorder.ResolveDirectory(configuration[$"{RecordingOptions.SectionName}:{nameof(RecordingOptions.Directory)}"]);
    }

    public static int Run(IReadOnlyList<string> paths, bool json, TextWriter output, TextWriter error)
    {
        var recordings = new List<RecordingSummary>();
        var failed = false;
        foreach (var path in paths.Count > 0 ? paths.Select(Path.GetFullPath) : [ConfiguredDirectory()])
        {
            if (Directory.Exists(path))
            {
                recordings.AddRange(RecordingCatalog.List(path));
            }
            else if (File.Exists(path))
            {
                recordings.Add(RecordingCatalog.Describe(path));
            }
            else if (paths.Count == 0)
            {
                output.WriteLine($"No recordings yet: {path} does not exist (ingest creates it when it records).");
                return 0;
            }
            else
            {
                error.WriteLine($"{path}: no such file or directory.");
                failed = true;
            }
        }

        if (json)
        {
            foreach (var r in recordings)
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    file = r.Path,
                    source = r.Metadata?.Source,
                    sources = r.Sources,
                    session_uid = r.Metadata?.SessionUid,
                    game = r.Metadata?.Game,
                    format = r.Metadata?.Format,
                    track = r.Metadata?.Track,
                    session_type = r.Metadata?.SessionType,
                    start = r.Start,
                    duration_s = r.Duration?.TotalSeconds,
                    datagrams = r.Datagrams,
                    bytes = r.Bytes,
                    closed = r.Closed,
                    problem = r.Problem,
                }));
            }

            return failed ? 1 : 0;
        }

        var console = ConsoleDisplay.For(output);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("file").AddColumn("source").AddColumn("session").AddColumn("game").AddColumn("track")
            .AddColumn("start (UTC)").AddColumn(new TableColumn("duration").RightAligned()).AddColumn(new TableColumn("datagrams").RightAligned()).AddColumn(new TableColumn("size").RightAligned());
        foreach (var r in recordings)
        {
            var source = r.Metadata?.Source ?? (r.Sources is { } n ? $"{n} source{(n == 1 ? "" : "s")}" : "");
            table.AddRow(
                Markup.Escape(r.Name) + (r.Problem is { } p ? $"\n[yellow]{Markup.Escape(p)}[/]" : ""),
                Markup.Escape(source),
                r.Metadata?.SessionUid?.ToString(CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(r.Metadata?.Game ?? ""),
                Markup.Escape(string.Join(" ", new[] { r.Metadata?.Track, r.Metadata?.SessionType }.Where(x => x is not null))),
                r.Start?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                r.Duration is { } d ? ConsoleDisplay.Duration(d) : "",
                r.Datagrams?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                ConsoleDisplay.Size(r.Bytes));
        }

        console.Write(table);
        console.WriteLine($"{recordings.Count} recording(s), {ConsoleDisplay.Size(recordings.Sum(r => r.Bytes))}.");
        return failed ? 1 : 0;
    }
}
