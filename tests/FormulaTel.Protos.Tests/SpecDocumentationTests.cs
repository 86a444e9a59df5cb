using System.Text.RegularExpressions;

namespace FormulaTel.Protos.Tests;

/// <summary>The spec is read by people: every field says what it means (and its unit and range where it has one).</summary>
public partial class SpecDocumentationTests
{
    [GeneratedRegex(@"^\s+(repeated\s+|optional\s+)?[\w.]+\s+(?<name>\w+)\s*=\s*\d+[^;]*;(?<rest>.*)$")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^(message|enum|service)\s+(?<name>\w+)")]
    private static partial Regex TypeLine();

    [Theory]
    [InlineData("telemetry.proto")]
    [InlineData("gateway.proto")]
    [InlineData("options.proto")]
    public void Every_field_has_a_comment(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root(), "protos", "formulatel", "v1", file));
        var undocumented = new List<string>();
        var type = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (TypeLine().Match(lines[i]) is { Success: true } t)
            {
                type = t.Groups["name"].Value;
                continue;
            }

            var field = FieldLine().Match(lines[i]);
            // Enum values (UPPER_CASE) name themselves; fields need a comment on their line or the line above.
            if (field.Success && !field.Groups["name"].Value.All(c => char.IsUpper(c) || char.IsDigit(c) || c == '_')
                && !field.Groups["rest"].Value.Contains("//", StringComparison.Ordinal) && !lines[i - 1].Contains("//", StringComparison.Ordinal))
            {
                undocumented.Add($"{type}.{field.Groups["name"].Value}");
            }
        }

        Assert.True(undocumented.Count == 0, $"fields without a comment in {file}: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Every_payload_field_has_its_F1_and_Forza_sources_in_docs_spec_md()
    {
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "spec.md"));
        string[] notPayloads = ["Envelope", "TelemetryFrame", "FrameBatch", "Wheels"];
        var missing = new List<string>();
        foreach (var message in V1.TelemetryReflection.Descriptor.MessageTypes.Where(m => !notPayloads.Contains(m.Name)))
        {
            var start = doc.IndexOf($"### {message.Name}\n", StringComparison.Ordinal);
            var end = start < 0 ? -1 : doc.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
            var section = start < 0 ? "" : end < 0 ? doc[start..] : doc[start..end];
            // Three columns: the spec field, its F1 source, its Forza source ("—" where the game has none).
            missing.AddRange(message.Fields.InDeclarationOrder()
                .Where(f => !System.Text.RegularExpressions.Regex.IsMatch(section, $@"(?m)^\| `{f.Name}` \| [^|]+ \| [^|]+ \|$"))
                .Select(f => $"{message.Name}.{f.Name}"));
        }

        Assert.True(missing.Count == 0, $"docs/spec.md's field lineage lacks: {string.Join(", ", missing)}");
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
