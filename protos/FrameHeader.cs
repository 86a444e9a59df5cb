namespace FormulaTel.Protos.V1;

/// <summary>
/// What a consumer reads of a frame to validate, key, route and thin it (rpc for every frame, web on the Kafka
/// path): the envelope's fields and which payload it carries. Read straight from the frame's bytes
/// (<see cref="FrameHeaderReader"/>); the payload is left as it came.
/// </summary>
public readonly record struct FrameHeader(
    bool HasEnvelope,
    Game Game,
    string SourceId,
    ulong SessionUid,
    uint CarIndex,
    double SessionTimeS,
    bool IsPlayerCar,
    TelemetryFrame.PayloadOneofCase Payload)
{
    /// <summary>The header of a frame built in process (tests, tools).</summary>
    public static FrameHeader From(TelemetryFrame frame) => frame.Envelope is { } e
        ? new(true, e.Game, e.SourceId, e.SessionUid, e.CarIndex, e.SessionTimeS, e.IsPlayerCar, frame.PayloadCase)
        : new(false, Game.Unspecified, "", 0, 0, 0, false, frame.PayloadCase);
}
