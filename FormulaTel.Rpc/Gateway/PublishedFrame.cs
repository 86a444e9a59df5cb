using FormulaTel.Protos.V1;
using Google.Protobuf;

namespace FormulaTel.Rpc.Gateway;

/// <summary>
/// A frame as its publisher sent it: its header (<see cref="FrameHeader"/>), which is all rpc needs to validate,
/// key, route and thin it, and its encoded bytes, which watchers and Kafka get unchanged (rpc never encodes a frame
/// again, and parses one only when something asks for its payload).
/// </summary>
public sealed class PublishedFrame(FrameHeader header, ReadOnlyMemory<byte> bytes)
{
    private TelemetryFrame? _frame;

    /// <summary>False when the bytes are not a well-formed frame (rejected as malformed).</summary>
    public bool WellFormed { get; private init; } = true;

    public FrameHeader Header { get; } = header;

    /// <summary>The frame's protobuf encoding (a formulatel.v1.TelemetryFrame), as received.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>The whole frame, parsed on first use (the rare payloads metrics label cars with; tests).</summary>
    public TelemetryFrame Frame => _frame ??= TelemetryFrame.Parser.ParseFrom(Bytes.Span);

    /// <summary>A frame read from the wire: its header read from its bytes.</summary>
    public static PublishedFrame Read(ReadOnlyMemory<byte> bytes) =>
        FrameHeaderReader.TryRead(bytes.Span, out var header) ? new(header, bytes) : new(header, bytes) { WellFormed = false };

    /// <summary>A frame built in process (tests, tools), encoded once here.</summary>
    public static PublishedFrame From(TelemetryFrame frame) => new(FrameHeader.From(frame), frame.ToByteArray()) { _frame = frame };
}
