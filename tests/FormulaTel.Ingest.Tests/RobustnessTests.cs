using System.Buffers.Binary;
using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Xunit.Abstractions;

namespace FormulaTel.Ingest.Tests;

/// <summary>
/// Untrusted bytes: a million random and mutated datagrams of every length 0–2048 through the game decoders and mappers.
/// None may throw; each is decoded or dropped with a reason, and the reasons add up.
/// </summary>
public class RobustnessTests(ITestOutputHelper output)
{
    private const int Datagrams = 1_000_000;
    private const int SpecJsonSample = 20_000;


    [Fact]
    public void A_million_random_and_mutated_datagrams_never_throw_and_every_drop_has_a_reason()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed} (set it here to replay a failure)");
        var random = new Random(seed);
        var real = Directory.GetFiles(Path.Combine(Fixtures.F1, "packets"), "*.bin").Select(File.ReadAllBytes)
            .Concat(RaceHubFixtureTests.RaceHub().Select(d => d.Bytes))
            .Concat(Directory.GetFiles(Path.Combine(Fixtures.Forza, "packets"), "*.bin").Select(File.ReadAllBytes)).ToArray();
        var games = KnownGames.Create();
        var frames = new List<TelemetryFrame>();
        var reasons = new Dictionary<DatagramDropReason, int>();
        var buffer = new byte[2048];
        var jsonWritten = 0;

        for (var n = 0; n < Datagrams; n++)
        {
            var datagram = Make(random, real, buffer, n % 6);
            frames.Clear();
            DatagramDropReason reason;
            try
            {
                reason = games.Map(datagram, "fuzz", new(), frames);
                var forza = ForzaDatagram.Recognises(datagram);
                if (jsonWritten < SpecJsonSample && (forza || F1Decoder.Validate(datagram, out _) == DatagramDropReason.None))
                {
                    using var json = new MemoryStream();
                    using (var writer = new Utf8JsonWriter(json))
                    {
                        if (forza)
                        {
                            ForzaSpecJson.Write(writer, datagram);
                        }
                        else
                        {
                            F1SpecJson.Write(writer, datagram);
                        }
                    }

                    JsonDocument.Parse(json.ToArray()).Dispose();
                    jsonWritten++;
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"datagram {n} ({datagram.Length} bytes, seed {seed}) threw: {e}\n{Convert.ToHexString(datagram)}");
                return;
            }

            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            Assert.True(reason != DatagramDropReason.None || frames.All(f => f.Envelope is not null && f.PayloadCase != TelemetryFrame.PayloadOneofCase.None));
        }

        output.WriteLine(string.Join(", ", reasons.OrderBy(r => r.Key).Select(r => $"{r.Key.ToTag()} {r.Value}")) + $"; spec JSON written for {jsonWritten}");
        Assert.Equal(Datagrams, reasons.Values.Sum());
        // Every reason the decoders give (who sent it and how fast is the receiver's to judge: SourceGateTests).
        foreach (var reason in Enum.GetValues<DatagramDropReason>().Except([DatagramDropReason.SourceNotAllowed, DatagramDropReason.RateLimited]))
        {
            Assert.True(reasons.GetValueOrDefault(reason) > 0, $"no datagram was {reason.ToTag()}: the generator misses a path");
        }

        Assert.Equal(SpecJsonSample, jsonWritten);
    }

    /// <summary>Six kinds, in turn: random bytes; a real datagram (F1 or Forza) mutated; truncated or extended; a valid
    /// F1 header of a random id at that id's exact size with random content; a real Event with a random code; a Forza
    /// format's size with random content and IsRaceOn 0 or 1.</summary>
    private static ReadOnlySpan<byte> Make(Random random, byte[][] real, byte[] buffer, int kind)
    {
        switch (kind)
        {
            case 0:
            {
                var length = random.Next(0, 2049);
                random.NextBytes(buffer.AsSpan(0, length));
                return buffer.AsSpan(0, length);
            }
            case 1:
            {
                var source = real[random.Next(real.Length)];
                source.CopyTo(buffer, 0);
                for (var flips = random.Next(1, 9); flips > 0; flips--)
                {
                    buffer[random.Next(source.Length)] = (byte)random.Next(256);
                }

                return buffer.AsSpan(0, source.Length);
            }
            case 2:
            {
                var source = real[random.Next(real.Length)];
                source.CopyTo(buffer, 0);
                var length = random.Next(0, 2049);
                if (length > source.Length)
                {
                    random.NextBytes(buffer.AsSpan(source.Length, length - source.Length));
                }

                return buffer.AsSpan(0, length);
            }
            case 3:
            {
                var format = F1Decoder.Formats[random.Next(F1Decoder.Formats.Length)];
                var id = random.Next(17);
                var size = F1Decoder.SpecSize(format, (F1PacketId)id);
                var length = size > 0 ? size : random.Next(29, 2049);
                random.NextBytes(buffer.AsSpan(0, length));
                BinaryPrimitives.WriteUInt16LittleEndian(buffer, format);
                buffer[6] = (byte)id;
                return buffer.AsSpan(0, length);
            }
            case 5:
            {
                var length = (int)ForzaDatagram.Formats[random.Next(ForzaDatagram.Formats.Length)];
                random.NextBytes(buffer.AsSpan(0, length));
                BinaryPrimitives.WriteInt32LittleEndian(buffer, random.Next(2));
                return buffer.AsSpan(0, length);
            }
            default:
            {
                var source = real.First(r => r.Length >= 45 && r[6] == 3 && BinaryPrimitives.ReadUInt16LittleEndian(r) == 2024);
                source.CopyTo(buffer, 0);
                var codes = F1Events.Codes(F1Decoder.Format2024).ToArray();
                var code = random.Next(4) == 0 ? "ZZZZ" : codes[random.Next(codes.Length)];
                System.Text.Encoding.ASCII.GetBytes(code).CopyTo(buffer, 29);
                random.NextBytes(buffer.AsSpan(33, 12));
                return buffer.AsSpan(0, random.Next(30, 60));
            }
        }
    }
}
