namespace FormulaTel.Testing;

/// <summary>Wireshark's capture engine (dumpcap, through tshark -w), writing pcapng, as Wireshark users capture.</summary>
public sealed class Dumpcap
{
    private readonly Task<(int Exit, string Output, string Error)> _run;
    private readonly string _file;

    private Dumpcap(Task<(int, string, string)> run, string file)
    {
        _run = run;
        _file = file;
    }

    /// <summary>Starts capturing <paramref name="count"/> packets on loopback; waits until it captures.</summary>
    public static async Task<Dumpcap> StartAsync(string file, string filter, int count)
    {
        var run = Tool.RunAsync("tshark", ["-n", "-i", "lo", "-f", filter, "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", file, "-q"]);
        // dumpcap writes the file's headers as soon as it captures.
        await Eventually.Until(() => run.IsCompleted || File.Exists(file) && new FileInfo(file).Length > 0, "dumpcap capturing");
        return new Dumpcap(run, file);
    }

    /// <summary>Waits for the capture to end (it ends by itself after its count).</summary>
    public async Task StopAsync()
    {
        var (exit, _, error) = await Eventually.Within(_run, $"dumpcap writing {Path.GetFileName(_file)}");
        if (exit != 0)
        {
            throw new InvalidOperationException($"tshark -w {_file} exited {exit}: {error}");
        }
    }
}
