namespace PlotPipe.Viewer.Store;

/// <summary>
/// The viewer's memory budget (<c>--max-memory</c>) and the eviction that keeps the kept points within their part of
/// it: when a new chunk would not fit in <see cref="PointsMemoryBytes"/>, spare chunks go first, then the oldest
/// chunk over all series (by arrival), counted as evicted on its series; so a flooding producer costs old points,
/// never the process. Its own lock; called by the series as they take and drop chunks.
/// </summary>
internal sealed class MemoryBudget
{
    private readonly object _gate = new();
    // Every chunk a series started, oldest first; entries whose chunk was evicted since are skipped when met.
    private readonly Queue<(SeriesStore Series, ColumnChunk Chunk, long Arrival)> _arrivals = new();
    private readonly Func<SeriesStore[]> _series;
    private long _arrival;
    private long _heldBytes;
    private int _compactAt = 4096;
    private bool _evictedOnce;

    /// <summary>
    /// A budget of <paramref name="maxMemoryBytes"/> (0: no cap) over the chunks of the series <paramref name="series"/>
    /// lists now (asked for spare chunks to release).
    /// </summary>
    public MemoryBudget(long maxMemoryBytes, Func<SeriesStore[]> series)
    {
        if (maxMemoryBytes < 0) throw new ArgumentException($"maxMemoryBytes {maxMemoryBytes} must not be negative", nameof(maxMemoryBytes));
        MaxMemoryBytes = maxMemoryBytes;
        PointsMemoryBytes = PointsShareOf(maxMemoryBytes);
        ViewMemoryBytes = ViewShareOf(maxMemoryBytes);
        _series = series;
    }

    /// <summary>The viewer's whole memory budget (0: no cap): kept points, views and the runtime's own.</summary>
    public long MaxMemoryBytes { get; }

    /// <summary>The cap on bytes all series' chunks take together: a quarter of the budget (0: no cap).</summary>
    public long PointsMemoryBytes { get; }

    /// <summary>The cap on bytes all views keep together (density grids, columns, send buffers): a quarter of the budget (0: no cap).</summary>
    public long ViewMemoryBytes { get; }

    /// <summary>Bytes the series' chunks take now (columns and summaries).</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>
    /// Kept points' part of a memory budget: a quarter. Another quarter goes to views (<see cref="ViewShareOf"/>);
    /// the other half is left to the runtime itself: its code and threads, the server, frames being decoded, and
    /// garbage not yet collected, mostly chunks evicted for newer points (under a flood, as much again as the
    /// points kept).
    /// </summary>
    public static long PointsShareOf(long maxMemoryBytes) => maxMemoryBytes / 4;

    /// <summary>Views' part of a memory budget: a quarter (see <see cref="PointsShareOf"/>).</summary>
    public static long ViewShareOf(long maxMemoryBytes) => maxMemoryBytes / 4;

    /// <summary>
    /// The memory budget a viewer takes when not told one: half of what the runtime may use (which honours
    /// DOTNET_GCHeapHardLimit and container limits), leaving the rest to the machine; at least 128 MiB.
    /// </summary>
    public static long DefaultMaxMemoryBytes() =>
        Math.Max(128L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>
    /// Called once, on the thread that made room, the first time points were evicted for the budget: a viewer says so,
    /// since a picture of the newest points alone is not what a user who did not ask for it expects.
    /// </summary>
    public Action? FirstEviction { get; set; }

    /// <summary>A size as a user reads it in a message: whole GiB, else MiB.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : $"{bytes >> 20} MiB";

    /// <summary>Makes room for a new chunk of <paramref name="bytes"/>, evicting the oldest data over all series if it must.</summary>
    public void Reserve(long bytes)
    {
        bool first;
        lock (_gate)
        {
            bool evicted = false;
            // Spare chunks (evicted for a points cap, waiting for reuse) hold no points: they go first.
            while (PointsMemoryBytes > 0 && _heldBytes + bytes > PointsMemoryBytes)
            {
                if (ReleaseSpare()) continue;
                if (!EvictOldest()) break;
                evicted = true;
            }
            _heldBytes += bytes;
            first = evicted && !_evictedOnce;
            _evictedOnce |= evicted;
        }
        if (first) FirstEviction?.Invoke();
    }

    /// <summary>Gives back the chunks of <paramref name="series"/>, which was replaced or left with its producer.</summary>
    public void Release(SeriesStore series)
    {
        lock (_gate) _heldBytes -= series.Release();
    }

    /// <summary>Records that <paramref name="series"/> started filling <paramref name="chunk"/>, the newest chunk of all.</summary>
    public void Arrived(SeriesStore series, ColumnChunk chunk)
    {
        lock (_gate)
        {
            chunk.Arrival = ++_arrival;
            _arrivals.Enqueue((series, chunk, chunk.Arrival));
            // Chunks evicted for a points cap or by a redefinition leave stale entries; sweep them out now and then
            // so a long capped stream does not grow this queue (amortised O(1) per chunk, no allocation).
            if (_arrivals.Count >= _compactAt)
            {
                for (int n = _arrivals.Count; n > 0; n--)
                {
                    var entry = _arrivals.Dequeue();
                    if (entry.Chunk.Held && entry.Chunk.Arrival == entry.Arrival) _arrivals.Enqueue(entry);
                }
                _compactAt = Math.Max(4096, 2 * _arrivals.Count);
            }
        }
    }

    // Under the gate.
    private bool EvictOldest()
    {
        while (_arrivals.TryDequeue(out var entry))
        {
            if (entry.Chunk.Arrival != entry.Arrival) continue;
            long freed = entry.Series.EvictFirst(entry.Chunk);
            if (freed == 0) continue;
            _heldBytes -= freed;
            return true;
        }
        return false;
    }

    // Under the gate.
    private bool ReleaseSpare()
    {
        foreach (var s in _series())
        {
            long freed = s.ReleaseSpare();
            if (freed == 0) continue;
            _heldBytes -= freed;
            return true;
        }
        return false;
    }
}
