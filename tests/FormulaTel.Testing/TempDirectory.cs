namespace FormulaTel.Testing;

/// <summary>A folder of a test's own under the temp folder, removed with everything in it.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("formulatel-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Still in use (a mount a test made); the temp folder keeps it.
        }
    }
}
