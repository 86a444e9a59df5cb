namespace FormulaTel.Rpc.Gateway;

/// <summary>
/// gRPC without TLS needs an HTTP/2-only listener (clients speak HTTP/2 with prior knowledge), while health
/// probes and browsers speak HTTP/1.1. When GRPC_PORT is set, rpc listens on its usual URLs for HTTP/1.1 and
/// HTTP/2, and on GRPC_PORT for HTTP/2 alone.
/// </summary>
public static class GrpcEndpoint
{
    public const string PortKey = "GRPC_PORT";

    public static IHostApplicationBuilder AddGrpcEndpoint(this IHostApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue<int?>(PortKey);
        if (port is null)
        {
            return builder;
        }

        if (port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"{PortKey} must be a TCP port (0-65535), not {port}.");
        }

        // Kestrel ignores URLs once endpoints are configured, so the URLs become named endpoints too.
        var urls = (builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoints = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://*:{port}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        };
        for (var i = 0; i < urls.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:Url{i}:Url"] = urls[i];
        }

        builder.Configuration.AddInMemoryCollection(endpoints);
        return builder;
    }
}
