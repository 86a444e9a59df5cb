using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

/// <summary>
/// Turns one validated F1 23, F1 24 or F1 25 datagram into spec frames, one per active car (Session: one, for the player's
/// car). Which method maps which packet of which format is <see cref="F1Packets"/>' table; the methods live with their
/// packet family (F1FrameMapper.Motion.cs, .Lap.cs, .Session.cs, .Participants.cs, .Car.cs, .Results.cs, .Events.cs),
/// and the envelope and unit helpers they share here.
/// </summary>
public sealed partial class F1FrameMapper(F1ActiveCars activeCars)
{
    /// <summary>
    /// Validates and maps <paramref name="datagram"/>, appending frames to <paramref name="output"/>.
    /// Returns why it was dropped, or <see cref="DatagramDropReason.None"/>.
    /// </summary>
    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var reason = F1Decoder.Validate(datagram, out var header);
        if (reason != DatagramDropReason.None)
        {
            return reason;
        }

        // Validation found the packet in the registry; its entry maps it.
        F1Packets.Find(header.PacketFormat, header.PacketId)!.Map(this, datagram, sourceId, receivedAt, output);
        return DatagramDropReason.None;
    }

    private static Envelope Envelope(in F1PacketHeader header, int carIndex, string sourceId, Timestamp receivedAt) => new()
    {
        Game = F1Decoder.Game(header.PacketFormat),
        SourceId = sourceId,
        SessionUid = header.SessionUID,
        CarIndex = (uint)carIndex,
        FrameId = header.FrameIdentifier,
        SessionTimeS = header.SessionTime,
        ReceivedAt = receivedAt,
        IsPlayerCar = carIndex == header.PlayerCarIndex || carIndex == header.SecondaryPlayerCarIndex,
    };

    private Span<bool> ActiveCars(in F1PacketHeader header, string sourceId, Span<bool> active)
    {
        activeCars.Resolve(sourceId, header.SessionUID, header.PlayerCarIndex, active);
        return active;
    }

    /// <summary>The spec sends direction components as int16 scaled by 32767.</summary>
    public static float Normalised(short value) => value / 32767f;

    private static Wheels Wheels<T>(WheelArray<T> values) where T : unmanaged, System.Numerics.INumberBase<T> => new()
    {
        RearLeft = float.CreateTruncating(values[0]),
        RearRight = float.CreateTruncating(values[1]),
        FrontLeft = float.CreateTruncating(values[2]),
        FrontRight = float.CreateTruncating(values[3]),
    };

    private static TelemetryFrame Frame(in F1PacketHeader header, int car, string sourceId, Timestamp receivedAt) =>
        new() { Envelope = Envelope(in header, car, sourceId, receivedAt) };

    private static float Ratio(byte percent) => percent / 100f;

    private static Wheels RatioWheels(WheelArray<byte> percent) => new()
    {
        RearLeft = Ratio(percent[0]),
        RearRight = Ratio(percent[1]),
        FrontLeft = Ratio(percent[2]),
        FrontRight = Ratio(percent[3]),
    };

    private static Wheels RatioWheels(WheelArray<float> percent) => new()
    {
        RearLeft = percent[0] / 100f,
        RearRight = percent[1] / 100f,
        FrontLeft = percent[2] / 100f,
        FrontRight = percent[3] / 100f,
    };

    private static Wheels Pressures(float rl, float rr, float fl, float fr) => new() { RearLeft = rl, RearRight = rr, FrontLeft = fl, FrontRight = fr };
}
