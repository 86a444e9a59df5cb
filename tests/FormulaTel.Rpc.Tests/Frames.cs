using FormulaTel.Protos.V1;

namespace FormulaTel.Rpc.Tests;

internal static class Frames
{
    public static TelemetryFrame Telemetry(string source, ulong session, uint car, float speed, int gear = 5) => new()
    {
        Envelope = new Envelope { Game = Game.F123, SourceId = source, SessionUid = session, CarIndex = car, FrameId = 1 },
        CarTelemetry = new CarTelemetry { SpeedKph = speed, EngineRpm = (uint)(speed * 40), Gear = gear, Throttle = 0.75f, Brake = 0.25f },
    };

    public static FrameBatch Batch(ulong sequence, params TelemetryFrame[] frames)
    {
        var batch = new FrameBatch { Sequence = sequence };
        batch.Frames.AddRange(frames);
        return batch;
    }
}
