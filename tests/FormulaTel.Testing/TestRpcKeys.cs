using System.Security.Cryptography;

namespace FormulaTel.Testing;

/// <summary>A fresh pair of rpc API keys, as the AppHost generates them, and the settings that hand them out.</summary>
public sealed class TestRpcKeys
{
    public string Publish { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Watch { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>rpc's own settings, as configuration keys (in process) and environment variables (a process).</summary>
    public Dictionary<string, string?> RpcSettings() => new()
    {
        ["Rpc:Access:PublishKeys:0"] = Publish,
        ["Rpc:Access:WatchKeys:0"] = Watch,
    };

    public Dictionary<string, string> RpcEnvironment() => new()
    {
        ["Rpc__Access__PublishKeys__0"] = Publish,
        ["Rpc__Access__WatchKeys__0"] = Watch,
    };

    /// <summary>A caller's environment variable for its key (ingest: <see cref="Publish"/>, web and history: <see cref="Watch"/>).</summary>
    public static KeyValuePair<string, string> ClientEnvironment(string key) => new("RpcClient__Key", key);
}
