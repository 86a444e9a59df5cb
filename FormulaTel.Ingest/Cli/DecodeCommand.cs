using System.CommandLine;
using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using Google.Protobuf;

namespace FormulaTel.Ingest.Cli;

/// <summary>
/// `decode [--format spec|proto] FILE...`: one raw datagram per file in, one line of JSON per file out,
/// {"file": name, "datagram": {...}}. A file that cannot be read or decoded gets a line on stderr and a non-zero
/// exit; the other files are still decoded.
/// </summary>
public static class DecodeCommand
{
    public static Command Build()
    {
        var format = new Option<string>("--format")
        {
            Description = "spec: the game's own field names (F1: the EA specification's names and nesting; Forza: its Data Out documentation's); proto: FormulaTel's spec frames.",
            DefaultValueFactory = _ => "spec",
        };
        format.AcceptOnlyFromAmong("spec", "proto");
        var files = new Argument<FileInfo[]>("FILE") { Description = "Raw datagram files, one datagram each.", Arity = ArgumentArity.OneOrMore };

        var command = new Command("decode", "Decode raw F1 or Forza datagram files to JSON lines.") { format, files };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return Run(parse.GetValue(files)!, parse.GetValue(format) == "proto", output, error);
        });
        return command;
    }

    public static int Run(IEnumerable<FileInfo> files, bool proto, TextWriter output, TextWriter error)
    {
        var failed = 0;
        // Shared across the files, as one stream would be: participants and lap data tell later files the active
        // cars, and Forza's sessions follow on from file to file.
        var games = KnownGames.Create();
        var frames = new List<TelemetryFrame>();
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{file.Name}: cannot read: {e.Message}");
                failed++;
                continue;
            }

            var game = games.Find(bytes);
            var reason = game is null ? games.Unclaimed(bytes)
                : game is F1Game ? F1Decoder.Validate(bytes, out _)
                : DatagramDropReason.None;
            if (reason != DatagramDropReason.None)
            {
                error.WriteLine($"{file.Name}: {Describe(reason, bytes)}");
                failed++;
                continue;
            }

            using var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteString("file", file.Name);
                writer.WritePropertyName("datagram");
                if (proto)
                {
                    frames.Clear();
                    reason = game!.Map(bytes, $"file:{file.Name}", Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(File.GetLastWriteTimeUtc(file.FullName)), frames);
                    if (reason is not (DatagramDropReason.None or DatagramDropReason.NotRacing))
                    {
                        error.WriteLine($"{file.Name}: {Describe(reason, bytes)}");
                        failed++;
                        continue;
                    }

                    // A Forza datagram sent in menus or pause (IsRaceOn 0) is valid and carries no car: no frames.
                    writer.WriteStartObject();
                    writer.WriteStartArray("frames");
                    foreach (var frame in frames)
                    {
                        writer.WriteRawValue(JsonFormatter.Default.Format(frame));
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                else if (game is ForzaGame)
                {
                    ForzaSpecJson.Write(writer, bytes);
                }
                else
                {
                    F1SpecJson.Write(writer, bytes);
                }

                writer.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(json.ToArray()));
        }

        return failed == 0 ? 0 : 1;
    }

    private static string Describe(DatagramDropReason reason, byte[] bytes)
    {
        var header = bytes.Length >= F1PacketHeader.Size ? System.Runtime.InteropServices.MemoryMarshal.Read<F1PacketHeader>(bytes) : default;
        return reason switch
        {
            DatagramDropReason.TooShort when bytes.Length < F1PacketHeader.Size => $"too short for a header ({bytes.Length} bytes, need {F1PacketHeader.Size})",
            DatagramDropReason.UnknownFormat => $"packet format {BitConverter.ToUInt16(bytes)} is not supported (F1 23 = 2023, F1 24 = 2024, F1 25 = 2025), and {bytes.Length} bytes starting with {BitConverter.ToInt32(bytes)} is not Forza Data Out either (232, 311, 324 or 331 bytes starting with IsRaceOn 0 or 1)",
            DatagramDropReason.UnknownPacketId => $"packet id {header.PacketId} is not defined in format {header.PacketFormat}",
            DatagramDropReason.WrongLength => $"{bytes.Length} bytes is the wrong length for packet id {header.PacketId}",
            DatagramDropReason.UnknownEventCode => "unknown event code",
            _ => reason.ToTag(),
        };
    }
}
