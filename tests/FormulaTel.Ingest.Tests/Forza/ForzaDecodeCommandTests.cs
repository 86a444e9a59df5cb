using System.Text.Json;
using FormulaTel.Ingest.Cli;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>`decode` reads Forza captures too: Forza's own field names, or the spec frames.</summary>
public sealed class ForzaDecodeCommandTests
{
    private static (int Exit, string[] Lines, string Errors) Decode(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = IngestCommandLine.RunAsync(["decode", .. args], output, error).GetAwaiter().GetResult();
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
    }

    private static string Capture(string name) => Path.Combine(Fixtures.Forza, "packets", name);

    [Fact]
    public void Spec_format_prints_forzas_own_names()
    {
        var (exit, lines, errors) = Decode(Capture("fm7-sled-232-000.bin"), Capture("fh6-324-000.bin"));
        Assert.True(exit == 0, errors);
        var sled = JsonDocument.Parse(lines[0]).RootElement.GetProperty("datagram");
        Assert.Equal("Sled", sled.GetProperty("Format").GetString());
        Assert.Equal(1045, sled.GetProperty("CarOrdinal").GetInt32());
        Assert.False(sled.TryGetProperty("Speed", out _)); // the Sled format has no Dash block
        var horizon = JsonDocument.Parse(lines[1]).RootElement.GetProperty("datagram");
        Assert.Equal(26, horizon.GetProperty("CarCategory").GetInt32());
        Assert.Equal(0, horizon.GetProperty("Unnamed1").GetInt32());
        Assert.Equal(9, horizon.GetProperty("RacePosition").GetInt32());
    }

    [Fact]
    public void Proto_format_prints_spec_frames_and_a_menu_frame_has_none()
    {
        var (exit, lines, errors) = Decode("--format", "proto", Capture("fh6-324-000.bin"), Capture("fh6-324-020.bin"));
        Assert.True(exit == 0, errors);
        var frames = JsonDocument.Parse(lines[0]).RootElement.GetProperty("datagram").GetProperty("frames").EnumerateArray().ToArray();
        Assert.Contains(frames, f => f.GetProperty("envelope").GetProperty("game").GetString() == "GAME_FORZA_HORIZON" && f.TryGetProperty("carTelemetry", out _));
        Assert.Empty(JsonDocument.Parse(lines[1]).RootElement.GetProperty("datagram").GetProperty("frames").EnumerateArray());
    }

    [Fact]
    public void A_datagram_of_no_known_game_is_explained()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("formulatel-decode").FullName, "odd.bin");
        var bytes = new byte[232];
        bytes[0] = 7; // neither an F1 format nor IsRaceOn 0 or 1
        File.WriteAllBytes(file, bytes);
        var (exit, _, errors) = Decode(file);
        Assert.Equal(1, exit);
        Assert.Contains("odd.bin: packet format 7 is not supported", errors);
        Assert.Contains("not Forza Data Out either (232, 311, 324 or 331 bytes starting with IsRaceOn 0 or 1)", errors);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }
}
