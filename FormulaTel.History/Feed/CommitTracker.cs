namespace FormulaTel.History.Feed;

/// <summary>
/// Which Kafka offsets history may commit without losing a lap (at-least-once). Each car's frames are needed from
/// the first frame of its lap in progress until that lap is in the store; a partition is committed up to the
/// oldest frame any of its cars still needs. After a restart or a rebalance the reader starts there and builds the
/// lap in progress again; the store's idempotent writes make the frames read twice harmless.
/// </summary>
public sealed class CommitTracker(int maxCars)
{
    private readonly Dictionary<CarRef, (int Partition, long Offset)> _needed = [];
    private readonly Dictionary<int, long> _next = [];
    private readonly Queue<(long Sequence, CarRef Car, long? From)> _releases = new();
    private readonly HashSet<CarRef> _ending = [];

    /// <summary>Cars not tracked because <c>maxCars</c> were: their frames may be committed before their lap is stored.</summary>
    public long Untracked { get; private set; }

    public int Cars => _needed.Count;

    /// <summary>A frame of <paramref name="car"/> read at <paramref name="offset"/>.</summary>
    public void Read(CarRef car, int partition, long offset)
    {
        _next[partition] = Math.Max(_next.GetValueOrDefault(partition), offset + 1);
        if (_needed.ContainsKey(car))
        {
            return;
        }

        if (_needed.Count >= maxCars)
        {
            Untracked++;
            return;
        }

        _needed[car] = (partition, offset);
    }

    /// <summary>
    /// The car completed a lap on the frame at <paramref name="offset"/>, handed to the writer as item
    /// <paramref name="sequence"/>: once that is written, the car's frames are needed from this one (its next lap's first).
    /// </summary>
    public void LapHandedOn(CarRef car, long offset, long sequence) => _releases.Enqueue((sequence, car, offset));

    /// <summary>The car's session ended (its last laps handed on as item <paramref name="sequence"/>): once written, nothing of it is needed.</summary>
    public void Ended(CarRef car, long sequence)
    {
        if (_needed.ContainsKey(car) && _ending.Add(car))
        {
            _releases.Enqueue((sequence, car, null));
        }
    }

    /// <summary>The writer has written items up to <paramref name="written"/>.</summary>
    public void Written(long written)
    {
        while (_releases.TryPeek(out var release) && release.Sequence <= written)
        {
            _releases.Dequeue();
            if (release.From is null)
            {
                _ending.Remove(release.Car);
            }

            if (!_needed.TryGetValue(release.Car, out var needed))
            {
                continue;
            }

            if (release.From is not { } from)
            {
                _needed.Remove(release.Car);
            }
            else if (from > needed.Offset)
            {
                _needed[release.Car] = (needed.Partition, from);
            }
        }
    }

    /// <summary>The cars tracked now (the reader ends those whose session has ended).</summary>
    public IReadOnlyList<CarRef> TrackedCars() => [.. _needed.Keys];

    /// <summary>Per partition read here: the offset to commit (the next one to read after a restart).</summary>
    public IReadOnlyDictionary<int, long> Committable()
    {
        var offsets = new Dictionary<int, long>(_next);
        foreach (var (partition, offset) in _needed.Values)
        {
            if (offset < offsets[partition])
            {
                offsets[partition] = offset;
            }
        }

        return offsets;
    }

    /// <summary>Partitions taken away (a rebalance): their cars are another reader's now.</summary>
    public void Revoked(IEnumerable<int> partitions)
    {
        var gone = partitions.ToHashSet();
        foreach (var car in _needed.Where(n => gone.Contains(n.Value.Partition)).Select(n => n.Key).ToList())
        {
            _needed.Remove(car);
            _ending.Remove(car);
        }

        foreach (var partition in gone)
        {
            _next.Remove(partition);
        }
    }
}
