namespace FormulaTel.Games.Forza;

/// <summary>
/// Forza sends no session id, so each source's sessions are told apart here. A new session starts when a source
/// is first heard, when IsRaceOn goes from 0 to 1 (unless the Dash race clock shows the same race resumed after a
/// pause), when TimestampMS runs backwards, and when the source has been silent, or its clock has jumped, for
/// longer than <see cref="Gap"/>. Sources are held up to a cap; the one heard least recently makes room and is counted.
/// </summary>
public sealed class ForzaSessions(int maxSources = ForzaSessions.DefaultMaxSources, TimeSpan? gap = null)
{
    public const int DefaultMaxSources = 1024;

    private readonly Dictionary<string, SourceState> _sources = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _evicted;

    /// <summary>The silence (or clock jump) after which a source's next racing datagram starts a new session.</summary>
    public TimeSpan Gap { get; } = gap ?? TimeSpan.FromSeconds(5);

    /// <summary>Sources forgotten to make room for new ones (each comes back as a new session).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Sources held now.</summary>
    public int Sources
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>Where a racing datagram belongs.</summary>
    /// <param name="SessionUid">The session's id, never 0.</param>
    /// <param name="FrameId">The datagram's number in its session, from 0.</param>
    /// <param name="SessionTimeS">Seconds since the session's first datagram, by the game's TimestampMS.</param>
    /// <param name="IsNew">The datagram starts the session.</param>
    /// <param name="LapDistanceM">Metres since the lap began (Forza sends only the distance since the race began):
    /// DistanceTraveled less where it stood when the lap number last changed, or when the session was first heard.</param>
    public readonly record struct Place(ulong SessionUid, uint FrameId, double SessionTimeS, bool IsNew, float LapDistanceM = 0);

    /// <summary>The Dash block's lap number and distance, which give <see cref="Place.LapDistanceM"/>.</summary>
    public readonly record struct LapProgress(ushort LapNumber, float DistanceTraveledM);

    /// <summary>Records a datagram IsRaceOn 0: it belongs to no session, but it ends the one before.</summary>
    public void ObserveNotRacing(string source, uint timestampMs, DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            var state = Get(source, receivedAt, out _);
            state.RaceOn = false;
            state.LastTimestampMs = timestampMs;
            state.LastReceived = receivedAt;
        }
    }

    /// <summary>Places a racing datagram (IsRaceOn 1) in its session.</summary>
    /// <param name="raceTimeS">The Dash block's CurrentRaceTime; null for the Sled format, which has none.</param>
    /// <param name="lap">The Dash block's lap and distance; null for the Sled format.</param>
    public Place ObserveRacing(string source, uint timestampMs, float? raceTimeS, int carOrdinal, DateTimeOffset receivedAt, LapProgress? lap = null)
    {
        lock (_lock)
        {
            var state = Get(source, receivedAt, out var known);
            var resumed = raceTimeS is { } t && state.LastRaceTimeS > 0 && t >= state.LastRaceTimeS;
            var isNew = !known
                || state.SessionUid == 0
                || (!state.RaceOn && !resumed)
                || timestampMs < state.LastTimestampMs
                || timestampMs - state.LastTimestampMs > Gap.TotalMilliseconds
                || receivedAt - state.LastReceived > Gap;
            if (isNew)
            {
                state.SessionUid = SessionUid(source, timestampMs, carOrdinal);
                state.StartTimestampMs = timestampMs;
                state.Frames = 0;
                state.LapStartDistanceM = null;
            }

            var lapDistance = 0f;
            if (lap is { } progress)
            {
                if (state.LapStartDistanceM is null || progress.LapNumber != state.LapNumber)
                {
                    (state.LapNumber, state.LapStartDistanceM) = (progress.LapNumber, progress.DistanceTraveledM);
                }

                lapDistance = progress.DistanceTraveledM - state.LapStartDistanceM.Value;
            }

            state.RaceOn = true;
            state.LastTimestampMs = timestampMs;
            state.LastReceived = receivedAt;
            state.LastRaceTimeS = raceTimeS ?? 0;
            var place = new Place(state.SessionUid, state.Frames, (timestampMs - state.StartTimestampMs) / 1000.0, isNew, lapDistance);
            state.Frames++;
            return place;
        }
    }

    private SourceState Get(string source, DateTimeOffset receivedAt, out bool known)
    {
        if (_sources.TryGetValue(source, out var state))
        {
            known = true;
            return state;
        }

        if (_sources.Count >= maxSources)
        {
            var oldest = _sources.MinBy(s => s.Value.LastReceived).Key;
            _sources.Remove(oldest);
            _evicted++;
        }

        known = false;
        state = new SourceState { LastReceived = receivedAt };
        _sources[source] = state;
        return state;
    }

    /// <summary>
    /// The same datagrams give the same id (a replay of a recording keeps its sessions); two sources, or two sessions
    /// of one source, differ. FNV-1a over the source, the first TimestampMS and the car, then mixed (SplitMix64).
    /// </summary>
    public static ulong SessionUid(string source, uint firstTimestampMs, int carOrdinal)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in source)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ firstTimestampMs) * 1099511628211UL;
        hash = (hash ^ (uint)carOrdinal) * 1099511628211UL;
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return hash == 0 ? 1 : hash;
    }

    private sealed class SourceState
    {
        public ulong SessionUid;
        public uint StartTimestampMs;
        public uint LastTimestampMs;
        public DateTimeOffset LastReceived;
        public float LastRaceTimeS;
        public uint Frames;
        public bool RaceOn;
        public ushort LapNumber;
        public float? LapStartDistanceM;
    }
}
