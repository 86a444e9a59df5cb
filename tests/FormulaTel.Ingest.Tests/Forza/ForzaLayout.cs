namespace FormulaTel.Ingest.Tests.Forza;

/// <summary>
/// The Data Out layouts written out from the documented offsets (../shared/fixtures/forza/README.md), independently
/// of the structs the decoder reads: name, offset, type (i s32, u u32, f f32, h u16, b u8, s s8).
/// </summary>
public static class ForzaLayout
{
    public readonly record struct Field(string Name, int Offset, char Type);

    private static readonly string[] Corners = ["FrontLeft", "FrontRight", "RearLeft", "RearRight"];

    public static IReadOnlyList<Field> Sled { get; } = BuildSled();

    public static IReadOnlyList<Field> Horizon { get; } = [new("CarCategory", 232, 'i'), new("Unnamed1", 236, 'u'), new("Unnamed2", 240, 'u')];

    public static IReadOnlyList<Field> Fm2023 { get; } =
        [.. Corners.Select((c, i) => new Field("TireWear" + c, 311 + (4 * i), 'f')), new("TrackOrdinal", 327, 'i')];

    /// <summary>Every field of a format, in order.</summary>
    public static IReadOnlyList<Field> Of(int size) => size switch
    {
        232 => Sled,
        311 => [.. Sled, .. Dash(232)],
        324 => [.. Sled, .. Horizon, .. Dash(244)],
        331 => [.. Sled, .. Dash(232), .. Fm2023],
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    public static IReadOnlyList<Field> Dash(int d)
    {
        var fields = new List<Field>();
        var offset = d;
        foreach (var name in new[] { "PositionX", "PositionY", "PositionZ", "Speed", "Power", "Torque" })
        {
            fields.Add(new(name, offset, 'f'));
            offset += 4;
        }

        fields.AddRange(Corners.Select((c, i) => new Field("TireTemp" + c, d + 24 + (4 * i), 'f')));
        offset = d + 40;
        foreach (var name in new[] { "Boost", "Fuel", "DistanceTraveled", "BestLap", "LastLap", "CurrentLap", "CurrentRaceTime" })
        {
            fields.Add(new(name, offset, 'f'));
            offset += 4;
        }

        fields.Add(new("LapNumber", d + 68, 'h'));
        fields.Add(new("RacePosition", d + 70, 'b'));
        string[] bytes = ["Accel", "Brake", "Clutch", "HandBrake", "Gear"];
        fields.AddRange(bytes.Select((n, i) => new Field(n, d + 71 + i, 'b')));
        string[] signed = ["Steer", "NormalizedDrivingLine", "NormalizedAIBrakeDifference"];
        fields.AddRange(signed.Select((n, i) => new Field(n, d + 76 + i, 's')));
        return fields;
    }

    /// <summary>The field's value as the documented offset and type give it (each arm cast: a switch of mixed
    /// numeric types would otherwise round them all through float).</summary>
    public static double Read(ReadOnlySpan<byte> datagram, Field field) => field.Type switch
    {
        'i' => (double)BitConverter.ToInt32(datagram[field.Offset..]),
        'u' => (double)BitConverter.ToUInt32(datagram[field.Offset..]),
        'f' => (double)BitConverter.ToSingle(datagram[field.Offset..]),
        'h' => (double)BitConverter.ToUInt16(datagram[field.Offset..]),
        'b' => (double)datagram[field.Offset],
        's' => (double)(sbyte)datagram[field.Offset],
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static List<Field> BuildSled()
    {
        var fields = new List<Field> { new("IsRaceOn", 0, 'i'), new("TimestampMS", 4, 'u') };
        var offset = 8;
        foreach (var name in new[]
        {
            "EngineMaxRpm", "EngineIdleRpm", "CurrentEngineRpm", "AccelerationX", "AccelerationY", "AccelerationZ",
            "VelocityX", "VelocityY", "VelocityZ", "AngularVelocityX", "AngularVelocityY", "AngularVelocityZ", "Yaw", "Pitch", "Roll",
        })
        {
            fields.Add(new(name, offset, 'f'));
            offset += 4;
        }

        foreach (var (group, start, type) in new[]
        {
            ("NormalizedSuspensionTravel", 68, 'f'), ("TireSlipRatio", 84, 'f'), ("WheelRotationSpeed", 100, 'f'),
            ("WheelOnRumbleStrip", 116, 'i'), ("WheelInPuddleDepth", 132, 'f'), ("SurfaceRumble", 148, 'f'),
            ("TireSlipAngle", 164, 'f'), ("TireCombinedSlip", 180, 'f'), ("SuspensionTravelMeters", 196, 'f'),
        })
        {
            fields.AddRange(Corners.Select((c, i) => new Field(group + c, start + (4 * i), type)));
        }

        string[] car = ["CarOrdinal", "CarClass", "CarPerformanceIndex", "DrivetrainType", "NumCylinders"];
        fields.AddRange(car.Select((n, i) => new Field(n, 212 + (4 * i), 'i')));
        return fields;
    }
}
