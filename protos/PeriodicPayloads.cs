namespace FormulaTel.Protos.V1;

/// <summary>
/// The payloads a game sends for every car many times a second, as opposed to the rare ones (session, participants,
/// events, results, …). What WatchRequest.max_frames_per_second thins.
/// </summary>
public static class PeriodicPayloads
{
    public static bool Contains(TelemetryFrame.PayloadOneofCase payload) => payload is TelemetryFrame.PayloadOneofCase.CarTelemetry
        or TelemetryFrame.PayloadOneofCase.Motion or TelemetryFrame.PayloadOneofCase.MotionEx or TelemetryFrame.PayloadOneofCase.Lap
        or TelemetryFrame.PayloadOneofCase.CarStatus or TelemetryFrame.PayloadOneofCase.CarDamage;
}
