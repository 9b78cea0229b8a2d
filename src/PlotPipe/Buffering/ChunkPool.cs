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

    /// <summary>
    /// Takes a chunk back for reuse; its points have been copied out. Once a burst has drained (at most half the
    /// base budget still in use), the free chunks beyond the base budget are let go.
    /// </summary>
    public void Return(PointChunk chunk)
    {
        chunk.Count = 0;
        lock (_gate)
        {
            FreeStack(chunk.Capacity).Push(chunk);
            _freePoints += chunk.Capacity;
            // Half, not all: a stream hovering at the base budget must not make and drop a chunk on every batch.
            if (_reservedPoints > _budgetPoints && _reservedPoints - _freePoints <= _budgetPoints / 2) Shrink();
            _version++;
            if (_waiters > 0) Monitor.PulseAll(_gate);
        }
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
