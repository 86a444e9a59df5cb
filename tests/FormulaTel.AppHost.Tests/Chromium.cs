using Microsoft.Playwright;

namespace FormulaTel.AppHost.Tests;

/// <summary>Debian's Chromium for Playwright: Playwright's own browser download cannot work offline.</summary>
public static class Chromium
{
    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = Args });
}
