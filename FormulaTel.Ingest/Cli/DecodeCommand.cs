using System.CommandLine;
using System.Text.Json;
using FormulaTel.Ingest.Games.F1;
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
            Description = "spec: the EA specification's field names and nesting; proto: FormulaTel's spec frames.",
            DefaultValueFactory = _ => "spec",
        };
        format.AcceptOnlyFromAmong("spec", "proto");
        var files = new Argument<FileInfo[]>("FILE") { Description = "Raw datagram files, one datagram each.", Arity = ArgumentArity.OneOrMore };

        var command = new Command("decode", "Decode raw F1 datagram files to JSON lines.") { format, files };
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
        // Shared across the files, as one stream would be: participants and lap data tell later files the active cars.
        var mapper = new F1FrameMapper(new F1ActiveCars());
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

            var reason = F1Decoder.Validate(bytes, out var header);
            if (reason != DatagramDropReason.None)
            {
                error.WriteLine($"{file.Name}: {Describe(reason, header, bytes.Length)}");
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
                    reason = mapper.Map(bytes, $"file:{file.Name}", Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(File.GetLastWriteTimeUtc(file.FullName)), frames);
                    if (reason != DatagramDropReason.None)
                    {
                        error.WriteLine($"{file.Name}: {Describe(reason, header, bytes.Length)}");
                        failed++;
                        continue;
                    }

                    writer.WriteStartObject();
                    writer.WriteStartArray("frames");
                    foreach (var frame in frames)
                    {
                        writer.WriteRawValue(JsonFormatter.Default.Format(frame));
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
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

    private static string Describe(DatagramDropReason reason, F1PacketHeader header, int length) => reason switch
    {
        DatagramDropReason.TooShort => $"too short for a header ({length} bytes, need {F1PacketHeader.Size})",
        DatagramDropReason.UnknownFormat => $"packet format {header.PacketFormat} is not supported (F1 23 = 2023, F1 24 = 2024, F1 25 = 2025)",
        DatagramDropReason.UnknownPacketId => $"packet id {header.PacketId} is not defined in format {header.PacketFormat}",
        DatagramDropReason.WrongLength => $"{length} bytes is the wrong length for packet id {header.PacketId}",
        DatagramDropReason.UnknownEventCode => "unknown event code",
        _ => reason.ToTag(),
    };
}
