using FormulaTel.Protos.V1;
using Google.Protobuf;

namespace FormulaTel.Rpc.Gateway;

/// <summary>
/// A frame as its publisher sent it: parsed, so rpc can validate, measure and key it, and its encoded bytes,
/// which watchers and Kafka get unchanged (rpc never encodes a frame again).
/// </summary>
public sealed class PublishedFrame(TelemetryFrame frame, ReadOnlyMemory<byte> bytes)
{
    public TelemetryFrame Frame { get; } = frame;

    /// <summary>The frame's protobuf encoding (a formulatel.v1.TelemetryFrame), as received.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>A frame built in process (tests, tools), encoded once here.</summary>
    public static PublishedFrame From(TelemetryFrame frame) => new(frame, frame.ToByteArray());
}
