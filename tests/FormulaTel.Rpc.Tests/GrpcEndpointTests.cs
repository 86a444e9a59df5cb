using System.Net;
using FormulaTel.Rpc.Gateway;
using FormulaTel.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FormulaTel.Rpc.Tests;

/// <summary>rpc as Aspire runs it: HTTP/1.1 health on its URL, gRPC over HTTP/2 without TLS on GRPC_PORT.</summary>
public class GrpcEndpointTests
{
    [Fact]
    public async Task Health_answers_HTTP_1_1_and_gRPC_answers_on_GRPC_PORT()
    {
        var httpPort = FreePort.Tcp();
        var grpcPort = FreePort.Tcp();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            [GrpcEndpoint.PortKey] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rpc:Access:AllowAnonymous"] = "true",
        });
        // The same calls as rpc's Program.cs.
        builder.AddServiceDefaults();
        builder.AddGrpcEndpoint();
        builder.AddRpc();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapRpc();
        await app.StartAsync();

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11 };
        Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{httpPort}/health"));

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        using var publish = new Protos.V1.TelemetryGateway.TelemetryGatewayClient(channel).Publish();
        await publish.RequestStream.WriteAsync(Frames.Batch(9, Frames.Telemetry("a", 1, 0, 1)));
        Assert.True(await Eventually.Within(publish.ResponseStream.MoveNext(CancellationToken.None), "ack over h2c"));
        Assert.Equal(9ul, publish.ResponseStream.Current.Sequence);
        await app.StopAsync();
    }

    [Fact]
    public void A_bad_port_is_a_clear_error()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [GrpcEndpoint.PortKey] = "70000" });
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddGrpcEndpoint());
        Assert.Contains("GRPC_PORT", error.Message);
    }
}
