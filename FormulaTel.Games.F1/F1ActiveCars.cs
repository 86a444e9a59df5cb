namespace FormulaTel.Games.F1;

/// <summary>
/// Remembers, per (source, session), which car slots hold a car, so frames are produced for every
/// active car and not for the empty slots the game always fills with zeros.
/// </summary>
/// <remarks>Lap data's result status is the best evidence; the participants' active count the next best;
/// before either arrives only the player's own car is taken as active.</remarks>
public sealed class F1ActiveCars
{
    private const int MaxTrackedSessions = 256;
    private readonly Dictionary<(string Source, ulong Session), SessionCars> _sessions = new();
    private readonly Lock _lock = new();
    private long _clock;

    public void ObserveParticipants(string source, ulong session, int numActiveCars)
    {
        lock (_lock)
        {
            Get(source, session).NumActiveCars = numActiveCars;
        }
    }

    public void ObserveResultStatus(string source, ulong session, ReadOnlySpan<byte> resultStatusPerCar)
    {
        lock (_lock)
        {
            var cars = Get(source, session);
            resultStatusPerCar.CopyTo(cars.ResultStatus);
            cars.HasLapData = true;
        }
    }

    /// <summary>Fills <paramref name="active"/> (one flag per car slot) for the session.</summary>
    public void Resolve(string source, ulong session, int playerCarIndex, Span<bool> active)
    {
        lock (_lock)
        {
            var cars = Get(source, session);
            for (var i = 0; i < active.Length; i++)
            {
                // Result status 0 = invalid, 1 = inactive; 2..7 are cars that are or were in the session.
                active[i] = cars.HasLapData ? cars.ResultStatus[i] >= 2
                    : cars.NumActiveCars >= 0 ? i < cars.NumActiveCars
                    : i == playerCarIndex;
            }
        }
    }

    private SessionCars Get(string source, ulong session)
    {
        _clock++;
        if (!_sessions.TryGetValue((source, session), out var cars))
        {
            if (_sessions.Count >= MaxTrackedSessions)
            {
                // Forget the session seen least recently; a league rotates through sessions, never back.
                var oldest = _sessions.MinBy(s => s.Value.LastSeen).Key;
                _sessions.Remove(oldest);
            }

            cars = new SessionCars();
            _sessions[(source, session)] = cars;
        }

        cars.LastSeen = _clock;
        return cars;
    }

    private sealed class SessionCars
    {
        public readonly byte[] ResultStatus = new byte[F1Limits.MaxCars];
        public bool HasLapData;
        public int NumActiveCars = -1;
        public long LastSeen;
    }
}
