using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.History.Tests.Laps;

/// <summary>Spec frames for one session, as ingest would label them.</summary>
internal sealed class Frames(string source = Frames.Source, ulong session = 42)
{
    public const string Source = "192.168.1.20:50000";

    public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    public TelemetryFrame Envelope(uint car, Action<TelemetryFrame> payload)
    {
        var frame = new TelemetryFrame
        {
            Envelope = new Envelope { Game = Game.F124, SourceId = source, SessionUid = session, CarIndex = car, IsPlayerCar = car == 0, ReceivedAt = Timestamp.FromDateTimeOffset(Now) },
        };
        payload(frame);
        return frame;
    }

    public TelemetryFrame Session(float trackLength = 5000) => Envelope(0, f => f.Session = new Session
    {
        Track = "Silverstone", TrackId = 7, TrackLengthM = trackLength, SessionType = SessionType.Race, SessionTypeName = "R", TotalLaps = 5,
    });

    public TelemetryFrame Lap(uint car, uint lap, float distance, uint currentMs, uint lastMs = 0, uint s1 = 0, uint s2 = 0, bool invalid = false,
        PitStatus pit = PitStatus.None, ResultStatus result = ResultStatus.Active, uint position = 1) =>
        Envelope(car, f => f.Lap = new LapData
        {
            LapNumber = lap, LapDistanceM = distance, CurrentLapTimeMs = currentMs, LastLapTimeMs = lastMs, Sector1TimeMs = s1, Sector2TimeMs = s2,
            CurrentLapInvalid = invalid, PitStatus = pit, ResultStatus = result, Position = position,
        });

    public TelemetryFrame Telemetry(uint car, float speed, float throttle = 1, int gear = 7) =>
        Envelope(car, f => f.CarTelemetry = new CarTelemetry { SpeedKph = speed, Throttle = throttle, Gear = gear });

    public TelemetryFrame Status(uint car, float fuel, string compound = "C3", uint age = 2) =>
        Envelope(car, f => f.CarStatus = new CarStatus { FuelInTankKg = fuel, ActualTyreCompound = compound, TyreAgeLaps = age });

    public TelemetryFrame Damage(uint car, float wear) =>
        Envelope(car, f => f.CarDamage = new CarDamage { TyreWear = new Wheels { RearLeft = wear, RearRight = wear, FrontLeft = wear + 0.01f, FrontRight = wear } });

    public TelemetryFrame Participant(uint car, string name) =>
        Envelope(car, f => f.Participant = new Participant { Name = name, Team = "Williams", RaceNumber = 23 });

    public TelemetryFrame Event(RaceEventKind kind) => Envelope(0, f => f.Event = new RaceEvent { Kind = kind });

    public TelemetryFrame History(uint car, params (uint Time, uint S1, uint S2, uint S3, bool Valid)[] laps) => Envelope(car, f =>
    {
        f.SessionHistory = new SessionHistory();
        f.SessionHistory.Laps.AddRange(laps.Select(l => new LapRecord { LapTimeMs = l.Time, Sector1TimeMs = l.S1, Sector2TimeMs = l.S2, Sector3TimeMs = l.S3, LapValid = l.Valid }));
    });

    /// <summary>One car driving lap <paramref name="lap"/> of 5 km from <paramref name="from"/> to <paramref name="to"/> metres at 50 m/s, a sample every 10 m.</summary>
    public IEnumerable<TelemetryFrame> Drive(uint car, uint lap, float from, float to, uint s1 = 0)
    {
        for (var d = from; d < to; d += 10)
        {
            yield return Telemetry(car, 180 + d / 100);
            yield return Lap(car, lap, d, (uint)(d / 50 * 1000), s1: d > 1700 ? s1 : 0);
        }
    }
}
