using Spectre.Console;

namespace FormulaTel.Ingest.Cli;

/// <summary>
/// Live displays on a terminal (Spectre.Console), plain lines everywhere else: a pipe, a log file, the Aspire
/// dashboard's console or a test's writer gets a status line every few seconds instead of redrawn bars.
/// </summary>
public static class ConsoleDisplay
{
    /// <summary>How often a non-interactive display writes its status line.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A Spectre console on <paramref name="output"/>: colours and live redraws only on a terminal.</summary>
    public static IAnsiConsole For(TextWriter output)
    {
        var interactive = IsInteractive(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Nothing to measure a pipe by: wide enough that a table's rows stay one line each (a table is only as
            // wide as what it holds).
            console.Profile.Width = 400;
        }

        return console;
    }

    public static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}"
        : $"{span.Minutes:00}:{span.Seconds:00}";

    public static string Size(long bytes) => bytes switch
    {
        >= 1_000_000_000 => $"{bytes / 1e9:0.0} GB",
        >= 1_000_000 => $"{bytes / 1e6:0.0} MB",
        >= 1_000 => $"{bytes / 1e3:0} kB",
        _ => $"{bytes} B",
    };
}
