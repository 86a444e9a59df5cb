using FormulaTel.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FormulaTel.Testing;

/// <summary>Spec frames with every field set, built from the descriptors (so new spec fields are covered too).</summary>
public static class SpecFrames
{
    /// <summary>Sets every scalar field (not enums, strings, lists) to a distinct value; returns them by path.</summary>
    public static List<(string Path, double Value)> Fill(IMessage message, string prefix, ref int next)
    {
        var set = new List<(string, double)>();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || field.IsMap)
            {
                continue;
            }

            var path = prefix + field.Name;
            var n = ++next;
            object? value = field.FieldType switch
            {
                FieldType.Float => n + 0.5f,
                FieldType.Double => n + 0.25,
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => -n,
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)-n,
                FieldType.UInt32 or FieldType.Fixed32 => (uint)n,
                FieldType.UInt64 or FieldType.Fixed64 => (ulong)n,
                FieldType.Bool => true,
                _ => null,
            };
            if (value is not null)
            {
                field.Accessor.SetValue(message, value);
                set.Add((path, Convert.ToDouble(value is bool ? 1 : value)));
            }
            else if (field.FieldType == FieldType.Message && field.MessageType.FullName.StartsWith("formulatel.", StringComparison.Ordinal))
            {
                var child = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                set.AddRange(Fill(child, path + ".", ref next));
                field.Accessor.SetValue(message, child);
            }
        }

        return set;
    }

    /// <summary>A frame of each payload kind for one car, every scalar field set.</summary>
    public static IEnumerable<TelemetryFrame> EveryPayload(string source, ulong session, uint car)
    {
        var next = 0;
        foreach (var payload in TelemetryFrame.Descriptor.Oneofs.Single().Fields)
        {
            var frame = new TelemetryFrame { Envelope = new Envelope { Game = Game.F124, SourceId = source, SessionUid = session, CarIndex = car, IsPlayerCar = true } };
            var message = payload.MessageType.Parser.ParseFrom(ByteString.Empty);
            Fill(message, "", ref next);
            payload.Accessor.SetValue(frame, message);
            yield return frame;
        }
    }
}
