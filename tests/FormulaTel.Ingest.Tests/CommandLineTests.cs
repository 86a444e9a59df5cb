using System.Net;
using System.Net.Sockets;
using FormulaTel.Ingest.Cli;
using FormulaTel.Games;
using FormulaTel.Games.F1;

namespace FormulaTel.Ingest.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("simulate")]
    [InlineData("--help")]
    [InlineData("help")]
    public void Commands_are_recognised(string first) => Assert.True(IngestCommandLine.IsCommand([first, "x"]));

    [Fact]
    public void No_arguments_or_configuration_arguments_run_the_service()
    {
        Assert.False(IngestCommandLine.IsCommand([]));
        Assert.False(IngestCommandLine.IsCommand(["--Ingest:UdpPort=20778"]));
    }

    [Fact]
    public async Task Help_describes_the_service_and_the_simulator()
    {
        var output = new StringWriter();
        Assert.Equal(0, await IngestCommandLine.RunAsync(["--help"], output, new StringWriter()));
        Assert.Contains("simulate", output.ToString());
        Assert.Contains("20777", output.ToString());

        output = new StringWriter();
        Assert.Equal(0, await IngestCommandLine.RunAsync(["simulate", "--help"], output, new StringWriter()));
        foreach (var option in new[] { "--to", "--cars", "--rate", "--duration", "--session-uid", "--format" })
        {
            Assert.Contains(option, output.ToString());
        }
    }

    [Theory]
    [InlineData("--cars", "30", "--cars must be between 1 and 22")]
    [InlineData("--rate", "0", "--rate must be between 1 and 120")]
    [InlineData("--to", "nowhere", "--to must be host:port")]
    [InlineData("--duration", "-1", "--duration must be 0 or more")]
    [InlineData("--format", "2022", "2022")]
    public async Task Bad_options_give_a_clear_error_and_a_non_zero_exit(string option, string value, string message)
    {
        var error = new StringWriter();
        var exit = await IngestCommandLine.RunAsync(["simulate", option, value], new StringWriter(), error);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public async Task Simulate_sends_the_requested_session()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        var progress = new StringWriter();
        var exit = await IngestCommandLine.RunAsync(
            ["simulate", "--to", $"127.0.0.1:{port}", "--cars", "3", "--rate", "20", "--duration", "0.3", "--session-uid", "987", "--format", "2025"],
            progress, new StringWriter());
        Assert.Equal(0, exit);
        // Progress on standard output: the Aspire dashboard shows standard error as errors.
        Assert.Contains("Simulating 3 cars at 20 Hz", progress.ToString());
        var datagram = (await receiver.ReceiveAsync()).Buffer;
        Assert.Equal(DatagramDropReason.None, F1Decoder.Validate(datagram, out var header));
        Assert.Equal(987ul, header.SessionUID);
        Assert.Equal(2025, header.PacketFormat);
        Assert.Equal(25, header.GameYear);
    }
}
