using System.Text.Json;
using System.Text.Json.Serialization;
using FormulaTel.Protos.V1;
using Google.Protobuf.Reflection;

namespace FormulaTel.Protos.Tests;

/// <summary>
/// What a client of the spec depends on, read from the compiled descriptors: every message's fields (number, name,
/// type, label), reserved numbers and names, enum values, and service methods.
/// </summary>
public sealed record SpecSnapshot(
    SortedDictionary<string, MessageShape> Messages,
    SortedDictionary<string, EnumShape> Enums,
    SortedDictionary<string, string> Methods)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static FileDescriptor[] Files => [TelemetryReflection.Descriptor, GatewayReflection.Descriptor, OptionsReflection.Descriptor];

    public static SpecSnapshot Current()
    {
        var messages = new SortedDictionary<string, MessageShape>(StringComparer.Ordinal);
        var enums = new SortedDictionary<string, EnumShape>(StringComparer.Ordinal);
        var methods = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            var proto = FileDescriptorProto.Parser.ParseFrom(file.SerializedData);
            foreach (var message in proto.MessageType)
            {
                AddMessage($"{proto.Package}.{message.Name}", message, messages, enums);
            }

            foreach (var e in proto.EnumType)
            {
                enums[$"{proto.Package}.{e.Name}"] = EnumShape.Of(e);
            }

            foreach (var service in proto.Service)
            {
                foreach (var method in service.Method)
                {
                    methods[$"{proto.Package}.{service.Name}/{method.Name}"] =
                        $"{(method.ClientStreaming ? "stream " : "")}{method.InputType} -> {(method.ServerStreaming ? "stream " : "")}{method.OutputType}";
                }
            }
        }

        return new SpecSnapshot(messages, enums, methods);
    }

    private static void AddMessage(string name, DescriptorProto message, SortedDictionary<string, MessageShape> messages, SortedDictionary<string, EnumShape> enums)
    {
        var fields = new SortedDictionary<int, FieldShape>();
        foreach (var field in message.Field)
        {
            var oneof = field.HasOneofIndex && !field.Proto3Optional ? message.OneofDecl[field.OneofIndex].Name : "";
            fields[field.Number] = new FieldShape(field.Name, field.Type.ToString(), field.TypeName, field.Label.ToString(), field.Proto3Optional, oneof);
        }

        var reservedNumbers = message.ReservedRange.SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)).Order().ToList();
        messages[name] = new MessageShape(fields, reservedNumbers, [.. message.ReservedName.Order(StringComparer.Ordinal)]);
        foreach (var nested in message.NestedType)
        {
            AddMessage($"{name}.{nested.Name}", nested, messages, enums);
        }

        foreach (var e in message.EnumType)
        {
            enums[$"{name}.{e.Name}"] = EnumShape.Of(e);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SpecSnapshot FromJson(string json) => JsonSerializer.Deserialize<SpecSnapshot>(json, Json)!;
}

public sealed record MessageShape(SortedDictionary<int, FieldShape> Fields, List<int> ReservedNumbers, List<string> ReservedNames);

public sealed record FieldShape(string Name, string Type, string TypeName, string Label, bool Optional, string Oneof);

public sealed record EnumShape(SortedDictionary<int, string> Values, List<int> ReservedNumbers, List<string> ReservedNames)
{
    public static EnumShape Of(EnumDescriptorProto e) => new(
        new SortedDictionary<int, string>(e.Value.ToDictionary(v => v.Number, v => v.Name)),
        e.ReservedRange.SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start + 1)).Order().ToList(), // enum ranges are inclusive
        [.. e.ReservedName.Order(StringComparer.Ordinal)]);
}
