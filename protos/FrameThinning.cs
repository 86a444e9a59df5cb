namespace FormulaTel.Protos.V1;

/// <summary>
/// "At most N frames a second" (WatchRequest.max_frames_per_second): per car and periodic payload, a frame passes
/// when at least 1/N s of session time has gone by since the last one that passed (or the session clock went back:
/// a flashback, a restart). Rare payloads (session, participants, events, …) always pass. rpc thins a watcher's
/// stream with it, and web the overview it reads from Kafka.
/// </summary>
public sealed class FrameThinning(uint framesPerSecond, Action? cleared = null)
{
    /// <summary>Cars × payloads remembered; past it the memory starts again (counted), so a flood of sessions cannot grow it.</summary>
    public const int MaxTracked = 65_536;

    // A tenth of a millisecond short of 1/N, so frames exactly 1/N apart (the game's own ticks) are not lost to rounding.
    private readonly double _interval = 1.0 / framesPerSecond - 1e-4;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Source, ulong Session, uint Car, TelemetryFrame.PayloadOneofCase Payload), double> _lastPassed = [];

    public bool Pass(FrameHeader frame)
    {
        if (!PeriodicPayloads.Contains(frame.Payload))
        {
            return true;
        }

        var key = (frame.SourceId, frame.SessionUid, frame.CarIndex, frame.Payload);
        lock (_lock)
        {
            if (_lastPassed.TryGetValue(key, out var last) && frame.SessionTimeS >= last && frame.SessionTimeS - last < _interval)
            {
                return false;
            }

            if (_lastPassed.Count >= MaxTracked && !_lastPassed.ContainsKey(key))
            {
                _lastPassed.Clear();
                cleared?.Invoke();
            }

            _lastPassed[key] = frame.SessionTimeS;
            return true;
        }
    }
}
