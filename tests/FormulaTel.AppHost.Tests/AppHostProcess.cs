using System.Diagnostics;
using FormulaTel.Testing;

namespace FormulaTel.AppHost.Tests;

/// <summary>The built AppHost run as its own process (publish mode, the k8s command), as a user runs it.</summary>
public static class AppHostProcess
{
    public static async Task<string> RunAsync(params string[] args)
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, "FormulaTel.AppHost.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", appHost, .. args])
        {
            WorkingDirectory = Path.Combine(Fixtures.RepositoryRoot, "FormulaTel.AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Eventually.Within(process.WaitForExitAsync().ContinueWith(_ => true, TaskScheduler.Default), $"the AppHost with {string.Join(' ', args)}", TimeSpan.FromMinutes(2));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        return output;
    }

    /// <summary>The full stack's Aspire manifest, written by `--publisher manifest`.</summary>
    public static async Task<System.Text.Json.JsonDocument> ManifestAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"formulatel-manifest-{Guid.NewGuid():N}.json");
        await RunAsync("--publisher", "manifest", "--output-path", path);
        var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(path));
        File.Delete(path);
        return manifest;
    }
}
