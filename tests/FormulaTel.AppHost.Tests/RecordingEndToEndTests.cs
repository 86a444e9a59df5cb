using FormulaTel.Ingest.Recording;
using FormulaTel.Testing;

namespace FormulaTel.AppHost.Tests;

/// <summary>The stack as `dotnet run` starts it records the simulator's session, with no setting.</summary>
[Collection(EmbeddedStackCollection.Name)]
public class RecordingEndToEndTests(EmbeddedStackFixture stack)
{
    [Fact]
    public async Task The_simulator_s_session_is_recorded_as_it_runs()
    {
        var simulated = await stack.SimulatedSessionAsync();
        RecordingSummary? recording = null;
        // Flushed every second: the recording grows while the session runs, readable before it is closed.
        await Eventually.Until(() =>
        {
            recording = Directory.GetFiles(stack.RecordingDirectory)
                .Select(RecordingCatalog.Describe)
                .FirstOrDefault(r => r.Metadata?.SessionUid?.ToString(System.Globalization.CultureInfo.InvariantCulture) == simulated.SessionUid && r.Datagrams > 500);
            return recording is not null;
        }, "a recording of the simulator's session with 500 datagrams", TimeSpan.FromSeconds(60));

        Assert.Equal("F1 23", recording!.Metadata!.Game);
        Assert.Equal("Silverstone", recording.Metadata.Track);
        Assert.EndsWith(".pcapng.zst", recording.Name, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:", recording.Metadata.Source, StringComparison.Ordinal);
        var read = await Tshark.ReadUdpAsync(recording.Path, cutShort: true); // still being written
        Assert.True(read.Count >= 500, $"tshark read {read.Count} datagrams");
        Assert.All(read, d => Assert.Equal(stack.UdpPort, d.DestinationPort));
    }
}
