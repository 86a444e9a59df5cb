using FormulaTel.Protos.V1;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Laps;

/// <summary>
/// Builds laps from the spec's frames (never from a game's own structs): the lap payload says where each car is
/// and when it crosses the line; car telemetry and motion fill the trace; car status and damage give fuel and
/// tyres at the lap's start and end; the session history payload (the game's own record) corrects the times.
/// Laps cut short (flashback, retirement, session end or silence) are handed on too, marked.
/// Not thread-safe: one reader feeds it.
/// </summary>
public sealed class LapBuilder(IHistorySink sink, HistoryMetrics metrics, IOptions<LapBuilderOptions> options, TimeProvider time)
{
    /// <summary>A session's row is refreshed (last seen) at most this often while nothing else about it changes.</summary>
    private static readonly TimeSpan SessionRefresh = TimeSpan.FromSeconds(15);

    private readonly LapBuilderOptions _options = options.Value;
    private readonly Dictionary<SessionKey, LiveSession> _sessions = [];

    public int LiveSessions => _sessions.Count;

    /// <summary>Whether the session is being built (not yet ended, evicted or idle).</summary>
    public bool Holds(SessionKey key) => _sessions.ContainsKey(key);

    public void Apply(TelemetryFrame frame)
    {
        var envelope = frame.Envelope;
        if (envelope is null || envelope.SessionUid == 0 || frame.PayloadCase == TelemetryFrame.PayloadOneofCase.None)
        {
            return; // a lobby or a frame without a session: nothing to store
        }

        var at = envelope.ReceivedAt?.ToDateTimeOffset() ?? time.GetUtcNow();
        var session = SessionFor(new SessionKey(envelope.SourceId, envelope.SessionUid), at);
        if (session is null)
        {
            return;
        }

        session.LastSeen = at;
        session.LastSeenTicks = time.GetTimestamp();
        if (session.Game.Length == 0)
        {
            session.Game = envelope.Game.DisplayName();
            session.Changed = true;
        }

        switch (frame.PayloadCase)
        {
            case TelemetryFrame.PayloadOneofCase.Session:
                ApplySession(session, frame.Session);
                break;
            case TelemetryFrame.PayloadOneofCase.Event when frame.Event.Kind == RaceEventKind.RaceEventSessionEnded:
                EndSession(session, at);
                break;
            case TelemetryFrame.PayloadOneofCase.FinalClassification:
                var result = frame.FinalClassification;
                sink.Classification(new ClassificationWrite(session.Key, envelope.CarIndex, result.Position, result.Laps, result.GridPosition,
                    result.Points, result.PitStops, ResultName(result.ResultStatus), result.BestLapTimeMs, result.TotalRaceTimeS));
                break;
            default:
                if (CarFor(session, envelope.CarIndex) is { } car)
                {
                    ApplyCar(session, car, frame, envelope, at);
                }

                break;
        }

        if (session.Changed || at - session.LastWritten >= SessionRefresh)
        {
            session.Changed = false;
            session.LastWritten = at;
            sink.Session(session.ToInfo());
        }
    }

    /// <summary>Ends sessions silent for longer than the idle timeout: their laps in progress are stored as cut short.</summary>
    public void EndIdleSessions()
    {
        var now = time.GetTimestamp();
        foreach (var session in _sessions.Values.Where(s => time.GetElapsedTime(s.LastSeenTicks, now) >= _options.SessionIdleTimeout).ToList())
        {
            EndSession(session, session.LastSeen);
            _sessions.Remove(session.Key);
            metrics.SessionEvicted("idle");
        }
    }

    /// <summary>Forgets one session without storing anything (it was deleted: its laps in progress must not bring it back).</summary>
    public bool Forget(SessionKey key) => _sessions.Remove(key);

    /// <summary>Forgets every session without storing anything (a Kafka rebalance: the frames are read again from the committed offsets).</summary>
    public void Discard() => _sessions.Clear();

    /// <summary>Stores every lap in progress as cut short (the service is stopping).</summary>
    public void EndAll()
    {
        foreach (var session in _sessions.Values)
        {
            EndSession(session, session.LastSeen);
        }

        _sessions.Clear();
    }

    private LiveSession? SessionFor(SessionKey key, DateTimeOffset at)
    {
        if (_sessions.TryGetValue(key, out var session))
        {
            return session;
        }

        if (_sessions.Count >= _options.MaxSessions)
        {
            var oldest = _sessions.Values.MinBy(s => s.LastSeenTicks)!;
            if (time.GetElapsedTime(oldest.LastSeenTicks) < _options.QuietBeforeEviction)
            {
                metrics.Drop("too_many_sessions");
                return null;
            }

            EndSession(oldest, oldest.LastSeen);
            _sessions.Remove(oldest.Key);
            metrics.SessionEvicted("capacity");
        }

        session = new LiveSession(key, at);
        _sessions[key] = session;
        return session;
    }

    private CarLapState? CarFor(LiveSession session, uint carIndex)
    {
        if (session.Cars.TryGetValue(carIndex, out var car))
        {
            return car;
        }

        if (session.Cars.Count >= _options.MaxCarsPerSession)
        {
            metrics.Drop("too_many_cars");
            return null;
        }

        car = new CarLapState(carIndex);
        session.Cars[carIndex] = car;
        return car;
    }

    private static void ApplySession(LiveSession session, Protos.V1.Session s)
    {
        var type = TypeName(s.SessionType);
        if (s.Track != session.Track || s.TrackId != session.TrackId || Math.Abs(s.TrackLengthM - session.TrackLengthM) > 0.5f
            || type != session.SessionType || s.SessionTypeName != session.SessionTypeName || s.TotalLaps != session.TotalLaps)
        {
            session.Track = s.Track;
            session.TrackId = s.TrackId;
            session.TrackLengthM = s.TrackLengthM;
            session.SessionType = type;
            session.SessionTypeName = s.SessionTypeName;
            session.TotalLaps = s.TotalLaps;
            session.Changed = true;
        }
    }

    private void ApplyCar(LiveSession session, CarLapState car, TelemetryFrame frame, Envelope envelope, DateTimeOffset at)
    {
        switch (frame.PayloadCase)
        {
            case TelemetryFrame.PayloadOneofCase.CarTelemetry:
                var t = frame.CarTelemetry;
                (car.SpeedKph, car.Throttle, car.Brake, car.Steer, car.Gear) = (t.SpeedKph, t.Throttle, t.Brake, t.Steer, t.Gear);
                break;
            case TelemetryFrame.PayloadOneofCase.Motion:
                (car.X, car.Z) = (frame.Motion.WorldPositionXM, frame.Motion.WorldPositionZM);
                break;
            case TelemetryFrame.PayloadOneofCase.CarStatus:
                var status = frame.CarStatus;
                car.FuelKg = status.FuelInTankKg;
                car.Compound = status.ActualTyreCompound is { Length: > 0 } actual ? actual : CompoundName(status.VisualTyreCompound);
                car.TyreAgeLaps = status.TyreAgeLaps;
                break;
            case TelemetryFrame.PayloadOneofCase.CarDamage when frame.CarDamage.TyreWear is { } wear:
                (car.Wear[0], car.Wear[1], car.Wear[2], car.Wear[3]) = (wear.RearLeft, wear.RearRight, wear.FrontLeft, wear.FrontRight);
                break;
            case TelemetryFrame.PayloadOneofCase.Participant:
                var p = frame.Participant;
                var info = new CarInfo(session.Key, car.CarIndex, p.Name, p.Team, p.RaceNumber, p.AiControlled, envelope.IsPlayerCar);
                if (info != car.Written)
                {
                    car.Written = info;
                    sink.Car(info);
                }

                break;
            case TelemetryFrame.PayloadOneofCase.SessionHistory:
                ApplyGameRecords(session, car, frame.SessionHistory, at);
                break;
            case TelemetryFrame.PayloadOneofCase.Lap:
                ApplyLap(session, car, frame.Lap, at);
                break;
        }
    }

    private void ApplyLap(LiveSession session, CarLapState car, LapData lap, DateTimeOffset at)
    {
        var number = lap.LapNumber;
        if (number == 0 || car.Retired)
        {
            return;
        }

        var inPit = lap.PitStatus != PitStatus.None;
        if (car.Lap == 0)
        {
            if (number > 1 && lap.LastLapTimeMs > 0)
            {
                // Joined mid-session (or back after a restart): the lap just before this one is done, in this time.
                sink.Lap(new LapWrite
                {
                    Session = session.Key, CarIndex = car.CarIndex, LapNumber = number - 1, Status = LapStatus.Complete,
                    TimeSource = TimeSource.LastLapTime, LapTimeMs = lap.LastLapTimeMs, EndedAt = at,
                });
            }

            car.StartLap(number, inPit);
        }
        else if (number == car.Lap + 1)
        {
            // Crossed the line: the lap just finished, in the time the game gives for it.
            car.Position = lap.Position;
            Emit(session, car, LapStatus.Complete, lap.LastLapTimeMs, at, finished: true);
            car.StartLap(number, inPit);
        }
        else if (number > car.Lap + 1)
        {
            // Laps went by unseen (history was away): this one finished at some time the game's record will give.
            Emit(session, car, LapStatus.Complete, 0, at, finished: false);
            car.StartLap(number, inPit);
        }
        else if (number < car.Lap)
        {
            // A flashback to an earlier lap: the lap in progress never finished.
            Emit(session, car, LapStatus.Flashback, 0, at, finished: false);
            car.StartLap(number, inPit);
        }

        if (lap.ResultStatus is ResultStatus.Retired or ResultStatus.DidNotFinish or ResultStatus.Disqualified or ResultStatus.NotClassified)
        {
            car.Retired = true;
            Emit(session, car, LapStatus.Retired, 0, at, finished: false);
            return;
        }

        car.Position = lap.Position;
        car.PitSeen |= inPit;
        car.Invalid |= lap.CurrentLapInvalid;
        if (lap.Sector1TimeMs > 0)
        {
            car.Sector1Ms = lap.Sector1TimeMs;
        }

        if (lap.Sector2TimeMs > 0)
        {
            car.Sector2Ms = lap.Sector2TimeMs;
        }

        var distance = lap.LapDistanceM;
        if (distance < 0)
        {
            return; // before the line on the way to the first lap
        }

        if (distance < car.Trace.LastDistanceM - 100)
        {
            // Back along the same lap (a flashback within it): drive it again from here.
            car.Trace.RemoveFrom(distance);
        }
        else if (distance <= car.Trace.LastDistanceM)
        {
            return; // standing still, or a repeated frame
        }

        if (car.Trace.Count >= _options.MaxTracePointsPerLap)
        {
            metrics.Drop("trace_samples");
            return;
        }

        car.Trace.Add(new TraceSample(distance, lap.CurrentLapTimeMs, car.SpeedKph, car.Throttle, car.Brake, car.Steer, car.Gear, car.X, car.Z));
    }

    private void ApplyGameRecords(LiveSession session, CarLapState car, SessionHistory history, DateTimeOffset at)
    {
        for (var i = 0; i < history.Laps.Count; i++)
        {
            var record = history.Laps[i];
            var number = (uint)i + 1;
            // The lap in progress is in the record too, partial: only finished laps are the game's word.
            if (record.LapTimeMs == 0 || (number >= car.Lap && car.Lap != 0))
            {
                continue;
            }

            var times = (record.LapTimeMs, record.Sector1TimeMs, record.Sector2TimeMs, record.Sector3TimeMs, record.LapValid);
            if (car.GameRecords.TryGetValue(number, out var written) && written == times)
            {
                continue;
            }

            car.GameRecords[number] = times;
            sink.Lap(new LapWrite
            {
                Session = session.Key,
                CarIndex = car.CarIndex,
                LapNumber = number,
                Status = LapStatus.Complete,
                TimeSource = TimeSource.GameHistory,
                LapTimeMs = record.LapTimeMs,
                Sector1Ms = record.Sector1TimeMs,
                Sector2Ms = record.Sector2TimeMs,
                Sector3Ms = record.Sector3TimeMs,
                Valid = record.LapValid,
                EndedAt = at,
            });
        }
    }

    private void EndSession(LiveSession session, DateTimeOffset at)
    {
        foreach (var car in session.Cars.Values.Where(c => c.Lap != 0 && !c.Retired))
        {
            Emit(session, car, LapStatus.SessionEnded, 0, at, finished: false);
            car.Lap = 0;
            car.Trace.Clear();
        }
    }

    private void Emit(LiveSession session, CarLapState car, LapStatus status, uint lapTimeMs, DateTimeOffset at, bool finished)
    {
        if (status != LapStatus.Complete && car.Trace.IsEmpty)
        {
            return; // nothing of the lap was seen
        }

        if (finished && lapTimeMs > 0 && session.TrackLengthM > 0 && car.Trace.LastDistanceM < session.TrackLengthM)
        {
            // The line itself: the trace ends where the lap does, at the lap's time.
            car.Trace.Add(new TraceSample(session.TrackLengthM, lapTimeMs, car.SpeedKph, car.Throttle, car.Brake, car.Steer, car.Gear, car.X, car.Z));
        }

        var trace = car.Trace.ToTrace();
        var s3 = lapTimeMs > car.Sector1Ms + car.Sector2Ms && car.Sector1Ms > 0 && car.Sector2Ms > 0 ? lapTimeMs - car.Sector1Ms - car.Sector2Ms : 0;
        sink.Lap(new LapWrite
        {
            Session = session.Key,
            CarIndex = car.CarIndex,
            LapNumber = car.Lap,
            Status = status,
            TimeSource = lapTimeMs > 0 ? TimeSource.LapData : TimeSource.None,
            LapTimeMs = lapTimeMs,
            Sector1Ms = car.Sector1Ms,
            Sector2Ms = car.Sector2Ms,
            Sector3Ms = s3,
            Valid = lapTimeMs > 0 && !car.Invalid,
            HasDetail = true,
            Position = car.Position,
            TyreCompound = car.Compound,
            TyreAgeLaps = car.TyreAgeLaps,
            WearStart = car.WearStart,
            WearEnd = [.. car.Wear],
            FuelStartKg = car.FuelStartKg,
            FuelEndKg = car.FuelKg,
            PitIn = car.PitSeen && !car.StartedInPit,
            PitOut = car.StartedInPit,
            EndedAt = at,
            Trace = trace,
            // The track's length once the session's details are in; before that (a reader that started mid-session
            // and has not seen them yet) a finished lap's own length, the distance it reached.
            TraceCoverage = trace.Coverage(session.TrackLengthM > 0 ? session.TrackLengthM : finished && trace.Points.Length > 0 ? trace.Points[^1].DistanceM + trace.Step : 0),
        });
    }

    private static string TypeName(Protos.V1.SessionType type) => type switch
    {
        Protos.V1.SessionType.Practice => "practice",
        Protos.V1.SessionType.Qualifying => "qualifying",
        Protos.V1.SessionType.SprintShootout => "sprint_shootout",
        Protos.V1.SessionType.Race => "race",
        Protos.V1.SessionType.TimeTrial => "time_trial",
        _ => "unknown",
    };

    private static string CompoundName(TyreCompound compound) => compound switch
    {
        TyreCompound.Soft => "soft",
        TyreCompound.Medium => "medium",
        TyreCompound.Hard => "hard",
        TyreCompound.Intermediate => "intermediate",
        TyreCompound.Wet => "wet",
        _ => "",
    };

    private static string ResultName(ResultStatus status) => status switch
    {
        ResultStatus.Finished => "finished",
        ResultStatus.DidNotFinish => "dnf",
        ResultStatus.Disqualified => "dsq",
        ResultStatus.NotClassified => "not_classified",
        ResultStatus.Retired => "retired",
        ResultStatus.Active => "active",
        _ => "unknown",
    };
}
