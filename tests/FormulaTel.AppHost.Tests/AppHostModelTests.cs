using System.Net.Sockets;

namespace FormulaTel.AppHost.Tests;

/// <summary>The AppHost's model, read without starting anything (no container runtime needed).</summary>
public class AppHostModelTests
{
    private static async Task<IDistributedApplicationTestingBuilder> Model(params string[] args) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.FormulaTel_AppHost>(args);

    [Fact]
    public async Task The_embedded_stack_declares_the_projects_and_the_simulator_and_no_containers()
    {
        await using var builder = await Model("FORMULATEL_STACK=embedded");
        var resources = builder.Resources;
        Assert.Empty(resources.OfType<ContainerResource>());
        Assert.Equal(["history", "ingest", "rpc", "simulator", "web"], resources.OfType<ProjectResource>().Select(r => r.Name).Order());

        var udp = resources.Single(r => r.Name == "ingest").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "udp");
        Assert.Equal(ProtocolType.Udp, udp.Protocol);
        Assert.Equal(20777, udp.Port);
        Assert.Equal(20777, udp.TargetPort);
        Assert.False(udp.IsProxied);

        var web = resources.Single(r => r.Name == "web").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.Equal(5180, web.Port);
        Assert.True(web.IsExternal);

        var grpc = resources.Single(r => r.Name == "rpc").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "grpc");
        Assert.Equal("http2", grpc.Transport);

        var simulatorArgs = await ArgumentsOf(resources.Single(r => r.Name == "simulator"));
        Assert.Equal(["simulate", "--to", "127.0.0.1:20777"], simulatorArgs);
    }

    [Fact]
    public async Task The_simulator_can_be_switched_off_and_the_UDP_port_chosen()
    {
        await using var builder = await Model("FORMULATEL_STACK=embedded", "FormulaTel:Simulator=false", "FormulaTel:UdpPort=20800");
        Assert.DoesNotContain(builder.Resources, r => r.Name == "simulator");
        var udp = builder.Resources.Single(r => r.Name == "ingest").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "udp");
        Assert.Equal(20800, udp.Port);
    }

    [Fact]
    public async Task Forza_gets_a_udp_port_of_its_own_only_when_asked()
    {
        await using (var shared = await Model("FORMULATEL_STACK=embedded"))
        {
            Assert.DoesNotContain(shared.Resources.Single(r => r.Name == "ingest").Annotations.OfType<EndpointAnnotation>(), e => e.Name == "forza");
        }

        await using var builder = await Model("FORMULATEL_STACK=embedded", "FormulaTel:ForzaPort=5300");
        var ingest = builder.Resources.Single(r => r.Name == "ingest");
        var forza = ingest.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "forza");
        Assert.Equal((ProtocolType.Udp, 5300, 5300, false), (forza.Protocol, forza.Port, forza.TargetPort, forza.IsProxied));
        var environment = new Dictionary<string, object>();
        foreach (var annotation in ingest.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), ingest, environment));
        }

        Assert.Equal("5300", environment["Ingest__ForzaPort"].ToString());
    }

    [Fact]
    public async Task A_bad_stack_setting_stops_the_AppHost_with_a_clear_error()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Model("FORMULATEL_STACK=cloud"));
        Assert.Contains("auto, embedded or full", error.ToString());
    }

    private static async Task<string[]> ArgumentsOf(IResource resource)
    {
        var args = new List<object>();
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(new CommandLineArgsCallbackContext(args));
        }

        return args.Select(a => a.ToString()!).ToArray();
    }
}
