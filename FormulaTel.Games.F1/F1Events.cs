namespace FormulaTel.Games.F1;

/// <summary>The F1 23/24/25 event codes and which member of <see cref="EventDataDetails"/> each one fills.</summary>
public static class F1Events
{
    public enum Details
    {
        None,
        FastestLap,
        Vehicle,
        Penalty,
        SpeedTrap,
        StartLights,
        Flashback,
        Buttons,
        Overtake,
        SafetyCar,
        Collision,
        Retirement,
        DrsDisabled,
        StopGoServed,
    }

    private static readonly Dictionary<string, Details> Codes2023 = new()
    {
        ["SSTA"] = Details.None,        // session started
        ["SEND"] = Details.None,        // session ended
        ["FTLP"] = Details.FastestLap,
        ["RTMT"] = Details.Vehicle,     // retirement
        ["DRSE"] = Details.None,        // DRS enabled
        ["DRSD"] = Details.None,        // DRS disabled
        ["TMPT"] = Details.Vehicle,     // team mate in pits
        ["CHQF"] = Details.None,        // chequered flag
        ["RCWN"] = Details.Vehicle,     // race winner
        ["PENA"] = Details.Penalty,
        ["SPTP"] = Details.SpeedTrap,
        ["STLG"] = Details.StartLights,
        ["LGOT"] = Details.None,        // lights out
        ["DTSV"] = Details.Vehicle,     // drive through served
        ["SGSV"] = Details.Vehicle,     // stop go served
        ["FLBK"] = Details.Flashback,
        ["BUTN"] = Details.Buttons,
        ["RDFL"] = Details.None,        // red flag
        ["OVTK"] = Details.Overtake,
    };

    // F1 24 added the safety car and collision events.
    private static readonly Dictionary<string, Details> Codes2024 = new(Codes2023)
    {
        ["SCAR"] = Details.SafetyCar,
        ["COLL"] = Details.Collision,
    };

    // F1 25 gave the retirement a reason, DRS disabled a reason and the stop-go its time.
    private static readonly Dictionary<string, Details> Codes2025 = new(Codes2024)
    {
        ["RTMT"] = Details.Retirement,
        ["DRSD"] = Details.DrsDisabled,
        ["SGSV"] = Details.StopGoServed,
    };

    private static Dictionary<string, Details> For(ushort format) =>
        format >= 2025 ? Codes2025 : format >= 2024 ? Codes2024 : Codes2023;

    public static IReadOnlyCollection<string> Codes(ushort format) => For(format).Keys;

    /// <summary>Which details an event code carries in a format; null for a code the format does not define.</summary>
    public static Details? DetailsOf(ReadOnlySpan<byte> code, ushort format)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = (char)code[i];
        }

        return For(format).GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var details) ? details : null;
    }

    /// <summary>Bytes of details the code needs after the 4-byte code; -1 for an unknown code.</summary>
    public static int DetailsSize(ReadOnlySpan<byte> code, ushort format) => DetailsOf(code, format) switch
    {
        null => -1,
        Details.None => 0,
        Details.FastestLap => 5,
        Details.Vehicle => 1,
        Details.Penalty => 7,
        Details.SpeedTrap => 12,
        Details.StartLights => 1,
        Details.Flashback => 8,
        Details.Buttons => 4,
        Details.Overtake => 2,
        Details.SafetyCar => 2,
        Details.Collision => 2,
        Details.Retirement => 2,
        Details.DrsDisabled => 1,
        Details.StopGoServed => 5,
        _ => -1,
    };
}
