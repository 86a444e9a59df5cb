using System.Runtime.CompilerServices;

namespace FormulaTel.Games.F1;

// Fixed-size arrays as they appear inside the game's packed structs. InlineArray keeps them unmanaged,
// so a whole packet can be viewed in place over the datagram's bytes.

/// <summary>One value per car slot: the F1 games always send 22.</summary>
[InlineArray(F1Limits.MaxCars)]
public struct CarArray<T> where T : unmanaged
{
    private T _element;
}

/// <summary>One value per wheel, in the games' order: RL, RR, FL, FR.</summary>
[InlineArray(4)]
public struct WheelArray<T> where T : unmanaged
{
    private T _element;
}

[InlineArray(F1Limits.MaxMarshalZones)]
public struct MarshalZoneArray
{
    private MarshalZone _element;
}

[InlineArray(F1Limits.MaxWeatherForecastSamples)]
public struct WeatherForecastArray
{
    private WeatherForecastSample _element;
}

/// <summary>A participant's name: UTF-8, null terminated, 48 bytes.</summary>
[InlineArray(F1Limits.NameLength)]
public struct NameBytes
{
    private byte _element;

    public readonly string Decode() => Utf8Name.Decode(this);

    public void Encode(string text) => Utf8Name.Encode(text, this);
}

/// <summary>The games' fixed-size, null-terminated UTF-8 names.</summary>
public static class Utf8Name
{
    /// <summary>The text up to the first null byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>Writes <paramref name="text"/> truncated to fit with its terminating null.</summary>
    public static void Encode(string text, Span<byte> bytes)
    {
        bytes.Clear();
        // Leaves the last byte zero; a name too long is cut where it stops fitting.
        System.Text.Unicode.Utf8.FromUtf16(text, bytes[..^1], out _, out _);
    }
}

public static class F1Limits
{
    public const int MaxCars = 22;
    public const int MaxMarshalZones = 21;
    public const int MaxWeatherForecastSamples = 56;
    public const int NameLength = 48;
    public const int DefaultPort = 20777;
}
