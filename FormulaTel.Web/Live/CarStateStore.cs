using System.Collections.Concurrent;
using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Live;

/// <summary>
/// The latest known state of every car in every live session, built from spec frames. Marks cars whose state
/// changed so the coalescer can push them.
/// </summary>
public sealed class CarStateStore(TimeProvider time)
{
    /// <summary>Sessions not heard from for this long are forgotten.</summary>
    public static readonly TimeSpan SessionExpiry = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, SessionEntry> _sessions = new();
    private readonly Lock _dirtyLock = new();
    private HashSet<CarKey> _dirty = [];
    private int _sessionsVersion;

    /// <summary>Signalled whenever a car changes; the coalescer waits on it.</summary>
    public event Action? Changed;

    /// <summary>Bumped whenever the list of sessions or their cars changes.</summary>
    public int SessionsVersion => Volatile.Read(ref _sessionsVersion);

    public void Apply(TelemetryFrame frame)
    {
        var envelope = frame.Envelope;
        if (envelope is null || envelope.CarIndex >= 64)
        {
            return;
        }

        var key = SessionKeys.For(envelope.SourceId, envelope.SessionUid);
        var now = time.GetUtcNow();
        var session = _sessions.GetOrAdd(key, k =>
        {
            Interlocked.Increment(ref _sessionsVersion);
            return new SessionEntry(k, envelope.SourceId, envelope.SessionUid, envelope.Game, now);
        });

        var car = (int)envelope.CarIndex;
        bool carChanged;
        lock (session)
        {
            session.LastSeen = now;
            if (envelope.IsPlayerCar && session.PlayerCarIndex < 0 || envelope.IsPlayerCar && frame.PayloadCase == TelemetryFrame.PayloadOneofCase.Session)
            {
                if (session.PlayerCarIndex != car)
                {
                    session.PlayerCarIndex = car;
                    Interlocked.Increment(ref _sessionsVersion);
                }
            }

            carChanged = Update(session, car, frame);
        }

        if (carChanged)
        {
            lock (_dirtyLock)
            {
                _dirty.Add(new CarKey(key, car));
            }

            Changed?.Invoke();
        }
    }

    private bool Update(SessionEntry session, int car, TelemetryFrame frame)
    {
        var state = session.Cars.TryGetValue(car, out var s) ? s : new CarState { SessionKey = session.Key, CarIndex = car };
        var envelope = frame.Envelope;
        switch (frame.PayloadCase)
        {
            case TelemetryFrame.PayloadOneofCase.CarTelemetry:
                var t = frame.CarTelemetry;
                state = state with
                {
                    SpeedKph = t.SpeedKph,
                    EngineRpm = t.EngineRpm,
                    Gear = t.Gear,
                    Throttle = t.Throttle,
                    Brake = t.Brake,
                    Steer = t.Steer,
                    DrsOpen = t.DrsOpen,
                    RevLightsRatio = t.RevLightsRatio,
                };
                break;
            case TelemetryFrame.PayloadOneofCase.Lap:
                var l = frame.Lap;
                state = state with
                {
                    LapNumber = l.LapNumber,
                    LapDistanceM = l.LapDistanceM,
                    Position = l.Position,
                    CurrentLapTimeMs = l.CurrentLapTimeMs,
                    LastLapTimeMs = l.LastLapTimeMs,
                };
                break;
            case TelemetryFrame.PayloadOneofCase.Participant:
                var p = frame.Participant;
                var summary = new CarSummary(car, p.Name, p.Team, (int)p.RaceNumber, envelope.IsPlayerCar);
                if (!session.Participants.TryGetValue(car, out var known) || known != summary)
                {
                    session.Participants[car] = summary;
                    Interlocked.Increment(ref _sessionsVersion);
                }

                return false;
            case TelemetryFrame.PayloadOneofCase.Session:
                var track = frame.Session.Track;
                var type = frame.Session.SessionTypeName;
                if (session.Track != track || session.SessionType != type)
                {
                    session.Track = track;
                    session.SessionType = type;
                    Interlocked.Increment(ref _sessionsVersion);
                }

                return false;
            default:
                // Motion and car status are not part of the skeleton's live state yet.
                return false;
        }

        session.Cars[car] = state with
        {
            FrameId = envelope.FrameId,
            SessionTimeS = envelope.SessionTimeS,
            ReceivedAt = envelope.ReceivedAt?.ToDateTimeOffset() ?? default,
        };
        if (!session.Participants.ContainsKey(car))
        {
            session.Participants[car] = new CarSummary(car, $"Car {car}", "", 0, envelope.IsPlayerCar);
            Interlocked.Increment(ref _sessionsVersion);
        }

        return true;
    }

    /// <summary>Takes the set of cars changed since the last call.</summary>
    public HashSet<CarKey> TakeDirty()
    {
        lock (_dirtyLock)
        {
            var taken = _dirty;
            _dirty = [];
            return taken;
        }
    }

    public CarState? Get(CarKey key)
    {
        if (!_sessions.TryGetValue(key.SessionKey, out var session))
        {
            return null;
        }

        lock (session)
        {
            return session.Cars.GetValueOrDefault(key.CarIndex);
        }
    }

    /// <summary>Live sessions, most recently started first; forgets expired ones.</summary>
    public IReadOnlyList<SessionSummary> Sessions()
    {
        var now = time.GetUtcNow();
        var list = new List<SessionSummary>();
        foreach (var (key, session) in _sessions)
        {
            lock (session)
            {
                if (now - session.LastSeen > SessionExpiry)
                {
                    _sessions.TryRemove(key, out _);
                    Interlocked.Increment(ref _sessionsVersion);
                    continue;
                }

                list.Add(new SessionSummary(
                    key,
                    session.SourceId,
                    session.SessionUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    GameName(session.Game),
                    session.Track,
                    session.SessionType,
                    session.PlayerCarIndex,
                    session.Participants.Values.OrderBy(c => c.CarIndex).ToArray(),
                    session.FirstSeen,
                    session.LastSeen));
            }
        }

        return list.OrderByDescending(s => s.FirstSeen).ToArray();
    }

    /// <summary>The page's default: the player's car of the most recently started session.</summary>
    public CarKey? DefaultCar()
    {
        var latest = Sessions().FirstOrDefault();
        return latest is null ? null : new CarKey(latest.SessionKey, Math.Max(0, latest.PlayerCarIndex));
    }

    public static string GameName(Game game) => game switch
    {
        Game.F123 => "F1 23",
        Game.F124 => "F1 24",
        Game.F125 => "F1 25",
        _ => "Unknown",
    };

    private sealed class SessionEntry(string key, string sourceId, ulong sessionUid, Game game, DateTimeOffset firstSeen)
    {
        public string Key { get; } = key;
        public string SourceId { get; } = sourceId;
        public ulong SessionUid { get; } = sessionUid;
        public Game Game { get; } = game;
        public DateTimeOffset FirstSeen { get; } = firstSeen;
        public DateTimeOffset LastSeen { get; set; } = firstSeen;
        public string Track { get; set; } = "";
        public string SessionType { get; set; } = "";
        public int PlayerCarIndex { get; set; } = -1;
        public Dictionary<int, CarState> Cars { get; } = [];
        public Dictionary<int, CarSummary> Participants { get; } = [];
    }
}
