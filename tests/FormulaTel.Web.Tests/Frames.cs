using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Tests;

internal static class Frames
{
    public static Envelope Envelope(string source, ulong session, uint car, bool player = false) =>
        new() { Game = Game.F123, SourceId = source, SessionUid = session, CarIndex = car, IsPlayerCar = player, FrameId = 7, SessionTimeS = 12.5 };

    public static TelemetryFrame Telemetry(string source, ulong session, uint car, float speed, bool player = false) => new()
    {
        Envelope = Envelope(source, session, car, player),
        CarTelemetry = new CarTelemetry { SpeedKph = speed, EngineRpm = 11000, Gear = 6, Throttle = 0.9f, Brake = 0.1f },
    };

    public static TelemetryFrame Lap(string source, ulong session, uint car, uint lap, uint position) => new()
    {
        Envelope = Envelope(source, session, car),
        Lap = new LapData { LapNumber = lap, Position = position, LapDistanceM = 1234 },
    };

    public static TelemetryFrame Participant(string source, ulong session, uint car, string name, bool player = false) => new()
    {
        Envelope = Envelope(source, session, car, player),
        Participant = new Participant { Name = name, Team = "McLaren", RaceNumber = 4 },
    };

    public static TelemetryFrame Session(string source, ulong session, uint playerCar, string track) => new()
    {
        Envelope = Envelope(source, session, playerCar, player: true),
        Session = new Session { Track = track, SessionTypeName = "R" },
    };

    public static FrameBatch Batch(ulong sequence, params TelemetryFrame[] frames)
    {
        var batch = new FrameBatch { Sequence = sequence };
        batch.Frames.AddRange(frames);
        return batch;
    }
}
