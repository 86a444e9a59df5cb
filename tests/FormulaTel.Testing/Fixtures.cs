namespace FormulaTel.Testing;

/// <summary>
/// Finds the shared fixtures: ../shared/fixtures/f1 and ../shared/fixtures/forza beside the repository, or
/// FORMULATEL_FIXTURES (the F1 folder; Forza's is its sibling).
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<string> F1Directory = new(Locate);

    public static string F1 => F1Directory.Value;

    public static string Forza
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(F1, "..", "forza"));
            return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"Forza fixtures not found at {path}.");
        }
    }

    /// <summary>A Forza capture's bytes, by file name (packets/fh5-324-000.bin …).</summary>
    public static byte[] ForzaPacket(string name) => File.ReadAllBytes(Path.Combine(Forza, "packets", name));

    public static string Packet(string name) => Path.Combine(F1, "packets", name);

    public static byte[] PacketBytes(string name) => File.ReadAllBytes(Packet(name));

    public static string RaceHub => Path.Combine(F1, "racehub-2023.jsonl");

    /// <summary>The repository root (the folder holding FormulaTel.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException($"FormulaTel.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("FORMULATEL_FIXTURES");
        var path = !string.IsNullOrEmpty(configured)
            ? configured
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "f1"));
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"F1 fixtures not found at {path}; set FORMULATEL_FIXTURES to their folder.");
    }
}
