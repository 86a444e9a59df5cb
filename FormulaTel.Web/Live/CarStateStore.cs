using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Live;

/// <summary>
/// The latest known state of every car in every live session, built from spec frames. Marks cars whose state
/// changed so the coalescer can push them.
/// </summary>
public sealed class CarStateStore
{
    /// <summary>Sessions not heard from for this long are forgotten.</summary>
    public static readonly TimeSpan SessionExpiry = TimeSpan.FromMinutes(2);

    /// <summary>Sessions held at once unless Web:MaxSessions says otherwise: a league's worth many times over.</summary>
    public const int DefaultMaxSessions = 256;

    /// <summary>Web's meter.</summary>
    public const string MeterName = "FormulaTel.Web";

    private readonly TimeProvider _time;
    private readonly int _maxSessions;
    private readonly ConcurrentDictionary<string, SessionEntry> _sessions = new();
    private long _sessionsEvicted;

    /// <summary>
    /// The cap is <paramref name="maxSessions"/>, else Web:MaxSessions, else <see cref="DefaultMaxSessions"/>;
    /// evictions are the metric formulatel.web.sessions.evicted when a meter factory is given (as DI does).
    /// </summary>
    public CarStateStore(TimeProvider time, IConfiguration? configuration = null, IMeterFactory? meters = null, int? maxSessions = null)
    {
        _time = time;
        _maxSessions = Math.Max(1, maxSessions ?? configuration?.GetValue("Web:MaxSessions", DefaultMaxSessions) ?? DefaultMaxSessions);
        meters?.Create(MeterName).CreateObservableCounter("formulatel.web.sessions.evicted", () => SessionsEvicted, "{session}",
            "Live sessions let go of before they expired because Web:MaxSessions were held (the least recently heard first).");
    }

    /// <summary>Sessions let go of to stay within the cap.</summary>
    public long SessionsEvicted => Interlocked.Read(ref _sessionsEvicted);
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
        var now = _time.GetUtcNow();
        if (!_sessions.TryGetValue(key, out var session))
        {
            MakeRoom();
            session = _sessions.GetOrAdd(key, k =>
            {
                Interlocked.Increment(ref _sessionsVersion);
                return new SessionEntry(k, envelope.SourceId, envelope.SessionUid, envelope.Game, now);
            });
        }

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
        var trace = session.Traces.TryGetValue(car, out var r) ? r : session.Traces[car] = new LapTraceRecorder();
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
                    RevLightsBits = t.RevLightsBits,
                    Tyres = Tyres(t, state.Tyres),
                };
                trace.Add(state.LapNumber, new TracePoint(state.LapDistanceM, t.SpeedKph, t.Throttle, t.Brake, state.CurrentLapTimeMs));
                break;
            case TelemetryFrame.PayloadOneofCase.Lap:
                state = ApplyLap(session, car, state, frame.Lap, trace);
                break;
            case TelemetryFrame.PayloadOneofCase.CarStatus:
                var st = frame.CarStatus;
                state = state with
                {
                    FuelInTankKg = st.FuelInTankKg,
                    FuelRemainingLaps = st.FuelRemainingLaps,
                    FuelRatio = st.FuelRatio,
                    ErsStoreEnergyJ = st.ErsStoreEnergyJ,
                    ErsDeployMode = LiveText.Name(st.ErsDeployMode),
                    ErsDeployedThisLapJ = st.ErsDeployedThisLapJ,
                    DrsAllowed = st.DrsAllowed,
                    TyreCompound = LiveText.Name(st.VisualTyreCompound),
                    TyreCompoundActual = st.ActualTyreCompound,
                    TyreAgeLaps = st.TyreAgeLaps,
                };
                break;
            case TelemetryFrame.PayloadOneofCase.CarDamage when frame.CarDamage.TyreWear is { } wear:
                var tyres = state.Tyres ?? [new(0, 0, 0, 0, 0), new(0, 0, 0, 0, 0), new(0, 0, 0, 0, 0), new(0, 0, 0, 0, 0)];
                state = state with
                {
                    Tyres = [tyres[0] with { Wear = wear.RearLeft }, tyres[1] with { Wear = wear.RearRight }, tyres[2] with { Wear = wear.FrontLeft }, tyres[3] with { Wear = wear.FrontRight }],
                };
                break;
            case TelemetryFrame.PayloadOneofCase.Motion:
                var m = frame.Motion;
                session.Outline.Add(state.LapDistanceM, m.WorldPositionXM, m.WorldPositionZM);
                state = state with { WorldX = m.WorldPositionXM, WorldZ = m.WorldPositionZM };
                break;
            case TelemetryFrame.PayloadOneofCase.Participant:
                var p = frame.Participant;
                // Forza sends no names: its one car is the player's.
                var name = p.Name.Length > 0 ? p.Name : envelope.IsPlayerCar ? "You" : $"Car {car + 1}";
                var summary = new CarSummary(car, name, p.Team, (int)p.RaceNumber, envelope.IsPlayerCar);
                if (!session.Participants.TryGetValue(car, out var known) || known != summary)
                {
                    session.Participants[car] = summary;
                    Interlocked.Increment(ref _sessionsVersion);
                }

                return false;
            case TelemetryFrame.PayloadOneofCase.Session:
                var info = LiveText.Session(frame.Session);
                session.Info = info;
                session.Outline.SetLength(info.TrackLengthM);
                if (session.Track != info.Track || session.SessionType != info.SessionType)
                {
                    session.Track = info.Track;
                    session.SessionType = info.SessionType;
                    Interlocked.Increment(ref _sessionsVersion);
                }

                return false;
            case TelemetryFrame.PayloadOneofCase.Event:
                if (LiveText.Event(frame.Event, envelope, c => session.Participants.GetValueOrDefault(c)?.Name) is { } live)
                {
                    session.Events.Insert(0, live);
                    if (session.Events.Count > MaxEvents)
                    {
                        session.Events.RemoveAt(session.Events.Count - 1);
                    }
                }

                return false;
            default:
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

    /// <summary>Most events the ticker keeps per session.</summary>
    public const int MaxEvents = 20;

    private static IReadOnlyList<TyreState> Tyres(CarTelemetry t, IReadOnlyList<TyreState>? previous)
    {
        static float W(Wheels? w, int i) => w is null ? 0 : i switch { 0 => w.RearLeft, 1 => w.RearRight, 2 => w.FrontLeft, _ => w.FrontRight };
        var tyres = new TyreState[4];
        for (var i = 0; i < 4; i++)
        {
            tyres[i] = new TyreState(W(t.TyreSurfaceTemperatureC, i), W(t.TyreInnerTemperatureC, i), W(t.TyrePressurePsi, i), W(t.BrakeTemperatureC, i), previous?[i].Wear ?? 0);
        }

        return tyres;
    }

    private static CarState ApplyLap(SessionEntry session, int car, CarState state, LapData l, LapTraceRecorder trace)
    {
        var completed = state.LapNumber > 0 && l.LapNumber == state.LapNumber + 1 && l.LastLapTimeMs > 0;
        StrategySample(session, car, state, l);
        if (completed)
        {
            trace.Complete(state.LapNumber, l.LastLapTimeMs, session.Info.TrackLengthM);
            uint s1 = state.Sector1TimeMs, s2 = state.Sector2TimeMs;
            var s3 = s1 > 0 && s2 > 0 && l.LastLapTimeMs > s1 + s2 ? l.LastLapTimeMs - s1 - s2 : 0;
            static uint Best(uint best, uint value) => value == 0 ? best : best == 0 ? value : Math.Min(best, value);
            state = state with
            {
                LastSector1Ms = s1,
                LastSector2Ms = s2,
                LastSector3Ms = s3,
                BestLapTimeMs = Best(state.BestLapTimeMs, l.LastLapTimeMs),
                BestSector1Ms = Best(state.BestSector1Ms, s1),
                BestSector2Ms = Best(state.BestSector2Ms, s2),
                BestSector3Ms = Best(state.BestSector3Ms, s3),
            };
        }

        return state with
        {
            LapNumber = l.LapNumber,
            LapDistanceM = l.LapDistanceM,
            Position = l.Position,
            CurrentLapTimeMs = l.CurrentLapTimeMs,
            LastLapTimeMs = l.LastLapTimeMs,
            Sector = l.Sector,
            Sector1TimeMs = l.Sector1TimeMs,
            Sector2TimeMs = l.Sector2TimeMs,
            GapToLeaderMs = l.DeltaToRaceLeaderMs,
            IntervalMs = l.DeltaToCarInFrontMs,
            PitStatus = l.PitStatus switch { PitStatus.Pitting => "PIT", PitStatus.InPitArea => "BOX", _ => "" },
            PitStops = l.PitStops,
            PenaltiesS = l.PenaltiesS,
            Warnings = l.Warnings,
            ResultStatus = LiveText.Name(l.ResultStatus),
            DeltaToBestMs = trace.DeltaToBest(l.LapDistanceM, l.CurrentLapTimeMs),
        };
    }

    /// <summary>
    /// Notes how the car's lap is going (pits, safety car) and, when a lap ends (or the game went back to an earlier
    /// one: a flashback), the lap's sample for the strategy estimates.
    /// </summary>
    private static void StrategySample(SessionEntry session, int car, CarState state, LapData l)
    {
        var kind = session.LapKinds.GetValueOrDefault(car);
        if (l.PitStatus != PitStatus.None)
        {
            kind = FormulaTel.Insights.LapKind.Pit;
        }
        else if (kind == FormulaTel.Insights.LapKind.Racing && session.Info.SafetyCar is "SC" or "VSC")
        {
            kind = FormulaTel.Insights.LapKind.SafetyCar;
        }

        session.LapKinds[car] = kind;
        if (state.LapNumber == 0 || l.LapNumber == state.LapNumber || state.Tyres is not { Count: 4 } tyres)
        {
            return;
        }

        var stints = session.Stints.TryGetValue(car, out var tracker) ? tracker : session.Stints[car] = new FormulaTel.Insights.StintTracker();
        if (l.LapNumber == state.LapNumber + 1)
        {
            stints.Add(new FormulaTel.Insights.LapSample((int)state.LapNumber, [.. tyres.Select(t => (double)t.Wear)], (int)state.TyreAgeLaps, state.FuelInTankKg, kind));
            // The tyre fits change only when a lap is added: made here, once, and read by the pages as often as they refresh.
            session.TyreEstimates[car] = FormulaTel.Insights.TyreLife.Predict(stints.Stint);
            if (car == session.PlayerCarIndex)
            {
                CallOut(session, stints, session.TyreEstimates[car], state.SessionTimeS);
            }
        }

        session.LapKinds[car] = FormulaTel.Insights.LapKind.Racing;
    }

    /// <summary>The player's race engineer in the ticker: what the estimates say is worth saying, each thing once.</summary>
    private static void CallOut(SessionEntry session, FormulaTel.Insights.StintTracker stints, IReadOnlyList<FormulaTel.Insights.TyreLifeEstimate> tyres, double sessionTimeS)
    {
        var stint = stints.Stint;
        var total = (int)session.Info.TotalLaps;
        var lap = stints.Laps[^1].Lap;
        var fuel = total > 0 ? FormulaTel.Insights.Fuel.Predict(stints.Laps, total) : null;
        var window = total > 0 ? FormulaTel.Insights.PitWindow.Predict(tyres, lap, total) : null;
        foreach (var callout in FormulaTel.Insights.Callouts.For(lap, stint[0].Lap, FormulaTel.Insights.TyreLife.DefaultLimit, tyres, fuel, window))
        {
            // Said once; a long session's keys are forgotten past a bound, which at worst says one again.
            if (session.CalledOut.Count >= 512)
            {
                session.CalledOut.Clear();
            }

            if (session.CalledOut.Add(callout.Key))
            {
                session.Events.Insert(0, new LiveEvent(sessionTimeS, "Strategy", callout.Text));
                if (session.Events.Count > MaxEvents)
                {
                    session.Events.RemoveAt(session.Events.Count - 1);
                }
            }
        }
    }

    /// <summary>The strategy estimates for a car, from its finished laps; null until it has finished one.</summary>
    public StrategyView? Strategy(CarKey key)
    {
        if (!_sessions.TryGetValue(key.SessionKey, out var session))
        {
            return null;
        }

        lock (session)
        {
            if (!session.Stints.TryGetValue(key.CarIndex, out var stints) || stints.Laps.Count == 0)
            {
                return null;
            }

            var lap = stints.Laps[^1].Lap;
            var total = (int)session.Info.TotalLaps;
            var tyres = session.TyreEstimates.GetValueOrDefault(key.CarIndex) ?? [];
            return new StrategyView(lap, total, stints.Stint.Count, FormulaTel.Insights.TyreLife.DefaultLimit, tyres,
                total > 0 ? FormulaTel.Insights.Fuel.Predict(stints.Laps, total) : null,
                total > 0 ? FormulaTel.Insights.PitWindow.Predict(tyres, lap, total) : null);
        }
    }

    /// <summary>
    /// For the timing tower: each car's soonest tyre to reach the wear limit, as laps left from its last finished lap
    /// (with the band); cars without an estimate yet are left out.
    /// </summary>
    public IReadOnlyDictionary<int, TyreOutlook> TyreOutlooks(string sessionKey)
    {
        if (!_sessions.TryGetValue(sessionKey, out var session))
        {
            return new Dictionary<int, TyreOutlook>();
        }

        lock (session)
        {
            var outlooks = new Dictionary<int, TyreOutlook>();
            foreach (var (car, tyres) in session.TyreEstimates)
            {
                if (tyres.Count > 0 && tyres.MinBy(t => t.ReachesLimit.Lap)!.ReachesLimit is { Lap: < int.MaxValue } soonest)
                {
                    var lap = session.Stints[car].Laps[^1].Lap;
                    outlooks[car] = new TyreOutlook(soonest.Lap - lap, Math.Max(0, soonest.Earliest - lap), soonest.Latest - lap);
                }
            }

            return outlooks;
        }
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

    /// <summary>Everything the live page shows about a session; null when it is not live.</summary>
    /// <summary>The source and session uid behind a session key, once the session has been heard from.</summary>
    public (string SourceId, ulong SessionUid)? Identity(string sessionKey) =>
        _sessions.TryGetValue(sessionKey, out var session) ? (session.SourceId, session.SessionUid) : null;

    public SessionView? View(string sessionKey)
    {
        if (!_sessions.TryGetValue(sessionKey, out var session))
        {
            return null;
        }

        lock (session)
        {
            return new SessionView(
                session.Key,
                session.Info,
                session.Cars.Values.OrderBy(c => c.Position == 0 ? 99 : c.Position).ThenBy(c => c.CarIndex).ToArray(),
                session.Participants.Values.OrderBy(c => c.CarIndex).ToArray(),
                session.Events.ToArray(),
                session.Outline.Points());
        }
    }

    /// <summary>A car's current and best lap traces.</summary>
    public (LapTrace? Current, LapTrace? Best) Traces(CarKey key)
    {
        if (!_sessions.TryGetValue(key.SessionKey, out var session))
        {
            return (null, null);
        }

        lock (session)
        {
            return session.Traces.TryGetValue(key.CarIndex, out var trace) ? (trace.Current, trace.Best) : (null, null);
        }
    }

    /// <summary>Whether the session is live and has heard of the car (any frame for it, or its participant entry).</summary>
    public bool Knows(CarKey key)
    {
        if (!_sessions.TryGetValue(key.SessionKey, out var session))
        {
            return false;
        }

        lock (session)
        {
            return session.Cars.ContainsKey(key.CarIndex) || session.Participants.ContainsKey(key.CarIndex);
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

    /// <summary>At the cap, lets go of the session heard from least recently (a flood of new sessions cannot grow web).</summary>
    private void MakeRoom()
    {
        while (_sessions.Count >= _maxSessions)
        {
            var oldest = _sessions.MinBy(s => s.Value.LastSeen);
            if (oldest.Key is null || !_sessions.TryRemove(oldest.Key, out _))
            {
                return;
            }

            Interlocked.Increment(ref _sessionsEvicted);
            Interlocked.Increment(ref _sessionsVersion);
        }
    }

    /// <summary>Live sessions, most recently started first; forgets expired ones.</summary>
    public IReadOnlyList<SessionSummary> Sessions()
    {
        var now = _time.GetUtcNow();
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
                    session.Game.DisplayName(),
                    session.Track,
                    session.SessionType,
                    session.PlayerCarIndex,
                    session.Participants.Values.OrderBy(c => c.CarIndex).ToArray(),
                    session.FirstSeen,
                    session.LastSeen)
                {
                    NotSent = GameFeatures.NotSent(session.Game),
                });
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
        public SessionInfo Info { get; set; } = new();
        public List<LiveEvent> Events { get; } = [];
        public TrackOutline Outline { get; } = new();
        public Dictionary<int, LapTraceRecorder> Traces { get; } = [];

        /// <summary>Each car's finished laps, cut into stints, for the strategy estimates.</summary>
        public Dictionary<int, FormulaTel.Insights.StintTracker> Stints { get; } = [];

        /// <summary>Each car's tyre estimates for its current stint, as of its last finished lap.</summary>
        public Dictionary<int, IReadOnlyList<FormulaTel.Insights.TyreLifeEstimate>> TyreEstimates { get; } = [];

        /// <summary>The strategy callouts already put in the ticker (their keys).</summary>
        public HashSet<string> CalledOut { get; } = [];

        /// <summary>How each car's current lap is going: raced, behind the safety car, or through the pits.</summary>
        public Dictionary<int, FormulaTel.Insights.LapKind> LapKinds { get; } = [];
    }
}
