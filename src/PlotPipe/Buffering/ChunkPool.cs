namespace PlotPipe.Buffering;

/// <summary>
/// The producer's bounded memory, kept as a budget in points shared by all series. Chunks are sized for the
/// number of series when they are rented (many series, small chunks), created on demand within the budget and
/// reused forever after, so steady streaming allocates nothing and the points held never exceed the budget.
/// </summary>
internal sealed class ChunkPool
{
    private const int SmallestChunk = 64;
    private readonly object _gate = new();
    private readonly int _budgetPoints;
    private readonly int _largestChunk;
    private readonly int _smallestChunk;
    private readonly BufferSignals _signals;
    // One free stack per chunk size ever used; a handful at most, so a linear search beats a dictionary.
    private readonly List<(int Capacity, Stack<PointChunk> Free)> _sizes = new();
    private int _chunkPoints;
    private int _reservedPoints;
    private int _created;
    private int _waiters;
    private long _version;
    private volatile bool _closed;

    public ChunkPool(int budgetPoints, int largestChunk, BufferSignals signals)
    {
        _budgetPoints = budgetPoints;
        _largestChunk = largestChunk;
        _smallestChunk = Math.Min(SmallestChunk, largestChunk);
        _signals = signals;
        _chunkPoints = largestChunk;
    }

    /// <summary>Chunks in existence.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Points of capacity in existence, free or in use; never more than the budget (times 16 is the bytes).</summary>
    public int ReservedPoints => Volatile.Read(ref _reservedPoints);

    /// <summary>The budget in points.</summary>
    public int BudgetPoints => _budgetPoints;

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

    /// <summary>Takes a chunk back for reuse; its points have been copied out.</summary>
    public void Return(PointChunk chunk)
    {
        chunk.Count = 0;
        lock (_gate)
        {
            FreeStack(chunk.Capacity).Push(chunk);
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
            return true;
        }
        // Free chunks of other sizes (left from before the series count changed) give their budget up first.
        for (int i = 0; i < _sizes.Count && _reservedPoints + capacity > _budgetPoints; i++)
        {
            var (size, other) = _sizes[i];
            while (other.Count > 0 && _reservedPoints + capacity > _budgetPoints)
            {
                other.Pop();
                _reservedPoints -= size;
                _created--;
            }
        }
        if (_reservedPoints + capacity <= _budgetPoints)
        {
            _reservedPoints += capacity;
            _created++;
            chunk = new PointChunk(capacity);
            return true;
        }
        chunk = null;
        return false;
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
