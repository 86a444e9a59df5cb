using System.Globalization;
using System.Text.Json;

namespace FormulaTel.AppHost.Kubernetes;

/// <summary>`dotnet run --project FormulaTel.AppHost -- k8s [options]`: the full stack's kustomize tree.</summary>
public static class KubernetesCommand
{
    public const string Usage = """
        Usage: dotnet run --project FormulaTel.AppHost -- k8s [options]

        Writes the full stack as a kustomize tree, generated from the AppHost's Aspire manifest.

        Options:
          --output DIR        where to write the tree (replaced); relative to the repository root; default deploy/k8s
          --registry HOST     the registry the project images are pushed to; default localhost:5001 (kind's local registry)
          --tag TAG           the project images' tag; default dev
          --rpc-replicas N    rpc pods; default 1
          --web-replicas N    web pods; default 1
          --help              this text
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string output = Path.Combine("deploy", "k8s"), registry = KustomizeOptions.DefaultRegistry, tag = KustomizeOptions.DefaultTag;
        int rpcReplicas = 1, webReplicas = 1;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Count()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number ≥ 1, not \"{text}\".");
            }

            try
            {
                switch (args[i])
                {
                    case "--output": output = Value(); break;
                    case "--registry": registry = Value(); break;
                    case "--tag": tag = Value(); break;
                    case "--rpc-replicas": rpcReplicas = Count(); break;
                    case "--web-replicas": webReplicas = Count(); break;
                    case "--help" or "-h": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}\n\n{Usage}");
                return 2;
            }
        }

        // `dotnet run` starts the AppHost in its project folder: relative paths mean the repository's.
        output = Path.GetFullPath(output, RepositoryRoot());

        // The manifest of the full stack, exactly as `--publisher manifest` writes it.
        var manifestPath = Path.Combine(Path.GetTempPath(), $"formulatel-manifest-{Guid.NewGuid():N}.json");
        try
        {
            var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", manifestPath]);
            builder.AddFormulaTel(StackSelection.Choose(builder.Configuration, builder.ExecutionContext.IsPublishMode, new ContainerRuntimeProbe(builder.Configuration)));
            await builder.Build().RunAsync();

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
            var written = new KustomizeGenerator(manifest.RootElement, Path.GetDirectoryName(manifestPath)!, new KustomizeOptions(output, registry, tag, rpcReplicas, webReplicas)).Write();
            Console.WriteLine($"Wrote {written.Count} files to {output}; check with `kubectl kustomize {output}`.");
            return 0;
        }
        finally
        {
            File.Delete(manifestPath);
        }
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
