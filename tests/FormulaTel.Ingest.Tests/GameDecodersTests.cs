using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>The seam: each datagram goes to the one game decoder that recognises it.</summary>
public sealed class GameDecodersTests
{
    [Fact]
    public void F1_and_forza_datagrams_each_reach_their_own_decoder()
    {
        var games = KnownGames.Create();
        var f1 = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin").Select(File.ReadAllBytes).ToArray();
        var forza = Directory.GetFiles(Path.Combine(Fixtures.Forza, "packets"), "*.bin").Select(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(f1);
        Assert.All(f1.Where(b => b.Length >= 2 && Array.IndexOf(F1Decoder.Formats, BitConverter.ToUInt16(b)) >= 0),
            b => Assert.IsType<F1Game>(games.Find(b)));
        Assert.All(forza, b => Assert.IsType<ForzaGame>(games.Find(b)));
        // No datagram is both: the two families' markers cannot overlap.
        Assert.All(f1, b => Assert.False(ForzaDatagram.Recognises(b)));
    }

    [Fact]
    public void What_no_decoder_claims_is_too_short_or_of_an_unknown_format()
    {
        var games = KnownGames.Create();
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.TooShort, games.Map(new byte[10], "x", new(), frames));
        var notForza = new byte[232];
        notForza[0] = 2; // IsRaceOn 2
        Assert.Equal(DatagramDropReason.UnknownFormat, games.Map(notForza, "x", new(), frames));
        Assert.Equal(DatagramDropReason.UnknownFormat, games.Map(new byte[300], "x", new(), frames)); // F1 format 0, no Forza size
        Assert.Empty(frames);
        Assert.False(games.TryLabel(notForza, out _));
    }

    [Fact]
    public void The_recorder_labels_both_families()
    {
        var games = KnownGames.Create();
        Assert.True(games.TryLabel(Fixtures.ForzaPacket("fh5-324-000.bin"), out var forza));
        Assert.Equal(("Forza Horizon", 324, 0ul), (forza.Game, forza.Format, forza.SessionUid));
        var f1 = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin").Select(File.ReadAllBytes).First(b => games.Find(b) is F1Game);
        Assert.True(games.TryLabel(f1, out var label));
        Assert.StartsWith("F1 2", label.Game);
    }
}
