namespace FormulaTel.Protos.Tests;

/// <summary>
/// The spec is a contract with other people's code: no field, value or method may disappear without being
/// reserved, no number may be reused, no type may change. Checked against protos/baseline/formulatel.v1.json.
/// After a compatible change, record it: FORMULATEL_UPDATE_PROTO_BASELINE=1 dotnet test tests/FormulaTel.Protos.Tests
/// </summary>
public class SpecCompatibilityTests
{
    private static string BaselinePath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FormulaTel.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir!.FullName, "protos", "baseline", "formulatel.v1.json");
        }
    }

    private static SpecSnapshot Baseline() => SpecSnapshot.FromJson(File.ReadAllText(BaselinePath));

    [Fact]
    public void No_breaking_change_against_the_baseline()
    {
        var problems = BreakingChanges(Baseline(), SpecSnapshot.Current());
        Assert.True(problems.Count == 0, "Breaking changes to the spec:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_baseline_records_the_current_spec()
    {
        var current = SpecSnapshot.Current().ToJson();
        if (Environment.GetEnvironmentVariable("FORMULATEL_UPDATE_PROTO_BASELINE") == "1")
        {
            File.WriteAllText(BaselinePath, current + "\n");
        }

        Assert.True(File.ReadAllText(BaselinePath).TrimEnd() == current.TrimEnd(),
            "protos/baseline/formulatel.v1.json does not match the compiled spec. If the change is compatible (the other " +
            "test passes), record it: FORMULATEL_UPDATE_PROTO_BASELINE=1 dotnet test tests/FormulaTel.Protos.Tests");
    }

    [Fact]
    public void The_checker_catches_removals_reuse_and_type_changes()
    {
        var baseline = SpecSnapshot.Current();
        var telemetry = "formulatel.v1.CarTelemetry";

        // A field removed without reserving its number.
        var removed = SpecSnapshot.FromJson(baseline.ToJson());
        removed.Messages[telemetry].Fields.Remove(1);
        Assert.Contains(BreakingChanges(baseline, removed), p => p.Contains("field 1 (speed_kph) removed"));

        // Removed and reserved: fine.
        removed.Messages[telemetry].ReservedNumbers.Add(1);
        Assert.Empty(BreakingChanges(baseline, removed));

        // A reserved number used again.
        var reused = SpecSnapshot.FromJson(removed.ToJson());
        reused.Messages[telemetry].Fields[1] = new FieldShape("speed_mph", "TYPE_FLOAT", "", "LABEL_OPTIONAL", false, "");
        Assert.Contains(BreakingChanges(removed, reused), p => p.Contains("reserved number 1 reused"));

        // A type change.
        var retyped = SpecSnapshot.FromJson(baseline.ToJson());
        retyped.Messages[telemetry].Fields[7] = retyped.Messages[telemetry].Fields[7] with { Type = "TYPE_FLOAT" };
        Assert.Contains(BreakingChanges(baseline, retyped), p => p.Contains("field 7 (engine_rpm) changed"));

        // An enum value and a method gone.
        var enumGone = SpecSnapshot.FromJson(baseline.ToJson());
        enumGone.Enums["formulatel.v1.Game"].Values.Remove(1);
        enumGone.Methods.Remove("formulatel.v1.TelemetryGateway/Watch");
        var problems = BreakingChanges(baseline, enumGone);
        Assert.Contains(problems, p => p.Contains("value 1 (GAME_F1_23) removed"));
        Assert.Contains(problems, p => p.Contains("TelemetryGateway/Watch removed"));
    }

    [Fact]
    public void Units_are_options_code_can_read()
    {
        string Unit(Google.Protobuf.Reflection.MessageDescriptor message, string field) =>
            message.FindFieldByName(field).GetOptions().GetExtension(V1.OptionsExtensions.Unit);

        Assert.Equal("km/h", Unit(V1.CarTelemetry.Descriptor, "speed_kph"));
        Assert.Equal("1/min", Unit(V1.CarTelemetry.Descriptor, "engine_rpm"));
        Assert.Equal("Cel", Unit(V1.CarTelemetry.Descriptor, "tyre_surface_temperature_c"));
        Assert.Equal("[psi]", Unit(V1.CarTelemetry.Descriptor, "tyre_pressure_psi"));
        Assert.Equal("1", Unit(V1.CarTelemetry.Descriptor, "throttle"));
        Assert.Equal("ms", Unit(V1.LapData.Descriptor, "last_lap_time_ms"));
        Assert.Equal("kg", Unit(V1.CarStatus.Descriptor, "fuel_in_tank_kg"));
        Assert.True(V1.LapData.Descriptor.FindFieldByName("pit_stops").GetOptions().GetExtension(V1.OptionsExtensions.Cumulative));
    }

    public static List<string> BreakingChanges(SpecSnapshot baseline, SpecSnapshot current)
    {
        var problems = new List<string>();
        foreach (var (name, was) in baseline.Messages)
        {
            if (!current.Messages.TryGetValue(name, out var now))
            {
                problems.Add($"message {name} removed");
                continue;
            }

            foreach (var (number, field) in was.Fields)
            {
                if (!now.Fields.TryGetValue(number, out var nowField))
                {
                    if (!now.ReservedNumbers.Contains(number))
                    {
                        problems.Add($"{name}: field {number} ({field.Name}) removed without `reserved {number};`");
                    }
                }
                else if (nowField with { Oneof = field.Oneof } != field)
                {
                    problems.Add($"{name}: field {number} ({field.Name}) changed: was {Describe(field)}, now {Describe(nowField)}");
                }
            }

            foreach (var number in was.ReservedNumbers.Where(now.Fields.ContainsKey))
            {
                problems.Add($"{name}: reserved number {number} reused by {now.Fields[number].Name}");
            }

            foreach (var reserved in was.ReservedNames.Where(n => now.Fields.Values.Any(f => f.Name == n)))
            {
                problems.Add($"{name}: reserved name {reserved} reused");
            }
        }

        foreach (var (name, was) in baseline.Enums)
        {
            if (!current.Enums.TryGetValue(name, out var now))
            {
                problems.Add($"enum {name} removed");
                continue;
            }

            foreach (var (number, value) in was.Values)
            {
                if (!now.Values.TryGetValue(number, out var nowValue))
                {
                    if (!now.ReservedNumbers.Contains(number))
                    {
                        problems.Add($"{name}: value {number} ({value}) removed without reserving it");
                    }
                }
                else if (nowValue != value)
                {
                    problems.Add($"{name}: value {number} renamed from {value} to {nowValue}");
                }
            }

            foreach (var number in was.ReservedNumbers.Where(now.Values.ContainsKey))
            {
                problems.Add($"{name}: reserved number {number} reused by {now.Values[number]}");
            }
        }

        foreach (var (method, signature) in baseline.Methods)
        {
            if (!current.Methods.TryGetValue(method, out var now))
            {
                problems.Add($"method {method} removed");
            }
            else if (now != signature)
            {
                problems.Add($"method {method} changed: was {signature}, now {now}");
            }
        }

        return problems;
    }

    private static string Describe(FieldShape f) =>
        $"{f.Name} {f.Label} {f.Type}{(f.TypeName.Length > 0 ? " " + f.TypeName : "")}{(f.Optional ? " optional" : "")}";
}
