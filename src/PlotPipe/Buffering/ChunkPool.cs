using System.Diagnostics;

namespace PlotPipe.Buffering;

/// <summary>
/// The producer's bounded memory, shared by all series: a base budget in points, kept and reused forever once made,
/// and a bound it may grow to while the writer falls behind. Chunks are sized for the number of series when they
/// are rented (many series, small chunks) and created on demand, so steady streaming allocates nothing; a burst
/// makes more, up to the bound, and once the writer has drained them the ones beyond the base budget go back to the
/// runtime. The points held never exceed the bound.
/// </summary>
internal sealed class ChunkPool
{
    private const int SmallestChunk = 64;
    private readonly object _gate = new();
    private readonly int _budgetPoints;
    private readonly long _maxPoints;
    private readonly int _largestChunk;
    private readonly int _smallestChunk;
    private readonly BufferSignals _signals;
    // One free stack per chunk size ever used; a handful at most, so a linear search beats a dictionary.
    private readonly List<(int Capacity, Stack<PointChunk> Free)> _sizes = new();
    private int _chunkPoints;
    private long _reservedPoints;
    private long _freePoints;
    // When the grown pool last became drained (Stopwatch ticks), 0 while it is not.
    private long _drainedSince;
    private int _created;
    private int _waiters;
    private long _version;
    private volatile bool _closed;

    public ChunkPool(int budgetPoints, long maxPoints, int largestChunk, BufferSignals signals)
    {
        _budgetPoints = budgetPoints;
        _maxPoints = Math.Max(budgetPoints, maxPoints);
        _largestChunk = largestChunk;
        _smallestChunk = Math.Min(SmallestChunk, largestChunk);
        _signals = signals;
        _chunkPoints = largestChunk;
    }

    /// <summary>Chunks in existence.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Points of capacity in existence, free or in use; never more than the bound (times 16 is the bytes).</summary>
    public long ReservedPoints => Volatile.Read(ref _reservedPoints);

    /// <summary>The base budget in points: kept once made, and what the pool shrinks back to.</summary>
    public int BudgetPoints => _budgetPoints;

    /// <summary>The bound in points the pool may grow to while the writer falls behind.</summary>
    public long MaxPoints => _maxPoints;

    /// <summary>The capacity a chunk rented now gets.</summary>
    public int ChunkPoints => Volatile.Read(ref _chunkPoints);

    /// <summary>Changes whenever a chunk comes back; a series that found no room need not look again until it does.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Sizes chunks rented from now on so that every series can hold one and as much again waits to be sent.</summary>
    public void SetSeriesCount(int series)
    {
        int share = _budgetPoints / (2 * Math.Max(1, series));
        int size = share >= _largestChunk ? _largestChunk : Math.Max(_smallestChunk, share <= 1 ? 1 : 1 << (31 - int.LeadingZeroCount(share)));
        Volatile.Write(ref _chunkPoints, Math.Min(size, _largestChunk));
    }

    /// <summary>
    /// A free chunk of the current size, or null when the budget is spent (and <paramref name="wait"/> is false,
    /// or the pool is closed). A waiting renter asks the writer to take partial chunks, so budget always comes back.
    /// </summary>
    public PointChunk? Rent(bool wait)
    {
        int capacity = ChunkPoints;
        PointChunk? chunk = null;
        lock (_gate)
        {
            while (!_closed)
            {
                if (TryTake(capacity, out chunk)) break;
                if (!wait) break;
                _signals.WantRoom();
                _waiters++;
                // Woken by Return or Close; the timeout re-asks the writer in case its answer raced our wait.
                Monitor.Wait(_gate, 50);
                _waiters--;
            }
        }
        if (chunk is null && !wait) _signals.WantRoom();
        return chunk;
    }

    /// <summary>How long a grown pool must stay drained before it lets its extra chunks go (1 s; tests change it).</summary>
    public TimeSpan ShrinkAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Points in chunks rented out now (being filled, or waiting for the writer).</summary>
    public long InUsePoints
    {
        get { lock (_gate) return _reservedPoints - _freePoints; }
    }

    /// <summary>Takes a chunk back for reuse; its points have been copied out.</summary>
    public void Return(PointChunk chunk)
    {
        chunk.Count = 0;
        lock (_gate)
        {
            FreeStack(chunk.Capacity).Push(chunk);
            _freePoints += chunk.Capacity;
            NoteUse();
            _version++;
            if (_waiters > 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Writer side, on every pass: once a grown pool has stayed drained (at most half the base budget in use) for
    /// <see cref="ShrinkAfter"/>, the free chunks beyond the base budget go back to the runtime. A stream the viewer
    /// keeps behind for long keeps its grown chunks and reuses them, instead of making and dropping them over and
    /// over as its backlog rises and falls.
    /// </summary>
    public void ShrinkIfDrained()
    {
        if (Volatile.Read(ref _drainedSince) == 0) return;
        lock (_gate)
        {
            if (_drainedSince == 0 || Stopwatch.GetElapsedTime(_drainedSince) < ShrinkAfter) return;
            Shrink();
            _drainedSince = 0;
        }
    }

    // Under the gate, after the points in use changed: when the pool (grown) became drained, or stopped being so.
    private void NoteUse()
    {
        bool drained = _reservedPoints > _budgetPoints && _reservedPoints - _freePoints <= _budgetPoints / 2;
        if (!drained) _drainedSince = 0;
        else if (_drainedSince == 0) _drainedSince = Stopwatch.GetTimestamp();
    }

    /// <summary>No more rents succeed (finished, or the viewer is gone); waiting renters return at once.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _version++;
            Monitor.PulseAll(_gate);
        }
    }

    private bool TryTake(int capacity, out PointChunk? chunk)
    {
        var free = FreeStack(capacity);
        if (free.Count > 0)
        {
            chunk = free.Pop();
            _freePoints -= capacity;
            NoteUse();
            return true;
        }
        // Free chunks of other sizes (left from before the series count changed) give their budget up first.
        for (int i = 0; i < _sizes.Count && _reservedPoints + capacity > _budgetPoints; i++)
        {
            var (size, other) = _sizes[i];
            while (other.Count > 0 && _reservedPoints + capacity > _budgetPoints) Release(other, size);
        }
        // Within the base budget, or growing towards the bound while the writer is behind: both make a chunk here,
        // on the renter's slow path, never in Add's.
        if (_reservedPoints + capacity <= _maxPoints)
        {
            _reservedPoints += capacity;
            _created++;
            chunk = new PointChunk(capacity);
            NoteUse();
            return true;
        }
        chunk = null;
        return false;
    }

    // Lets free chunks go, of any size, until the pool is back within its base budget.
    private void Shrink()
    {
        for (int i = 0; i < _sizes.Count && _reservedPoints > _budgetPoints; i++)
        {
            var (size, free) = _sizes[i];
            while (free.Count > 0 && _reservedPoints > _budgetPoints) Release(free, size);
        }
    }

    private void Release(Stack<PointChunk> free, int size)
    {
        free.Pop();
        _freePoints -= size;
        _reservedPoints -= size;
        _created--;
    }

    private Stack<PointChunk> FreeStack(int capacity)
    {
        foreach (var (size, free) in _sizes)
        {
            if (size == capacity) return free;
        }
        var made = new Stack<PointChunk>();
        _sizes.Add((capacity, made));
        return made;
    }
}
