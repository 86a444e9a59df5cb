using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.ServiceDefaults;

/// <summary>
/// The API key a service shows rpc on every call (RpcClient:Key; the AppHost and the Kubernetes Secret set it):
/// ingest's is a publish key, web's and history's watch keys (docs/security.md).
/// </summary>
public static class RpcClientKey
{
    public const string ConfigurationKey = "RpcClient:Key";

    /// <summary>Sends <c>authorization: Bearer KEY</c> with each call when a key is configured; nothing otherwise.</summary>
    public static IHttpClientBuilder WithRpcKey(this IHttpClientBuilder client, IConfiguration configuration)
    {
        if (configuration[ConfigurationKey] is not { Length: > 0 } key)
        {
            return client;
        }

        var header = "Bearer " + key.Trim();
        return client
            .AddCallCredentials((_, metadata) =>
            {
                metadata.Add("authorization", header);
                return Task.CompletedTask;
            })
            // rpc is reached over h2c inside the stack (loopback, or the cluster's network behind its NetworkPolicy);
            // the key rides in the clear there, as docs/security.md says.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
    }
}
