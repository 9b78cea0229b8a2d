using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// All series of one viewer, its producers (<see cref="Registry"/>), the stream's state, and a signal for readers
/// that wait for new data. It splits the viewer's memory budget (<see cref="MaxMemoryBytes"/>) and keeps its chunks
/// within their part (<see cref="PointsMemoryBytes"/>): when a new chunk would not fit, the oldest chunk over all
/// series (by arrival) is evicted and counted, so a flooding producer costs old points, never the process.
/// One writer (ingest) appends to all series; any number of readers take snapshots.
/// </summary>
internal sealed class PlotStore
{
    // Colour-cycle places handed out so far: a series with a colour of its own takes none.
    private int _cycleSlots;
    // Series defined so far: each new one's index, never reused, since series of a producer that left the list go.
    private int _seriesDefined;
    private readonly object _gate = new();
    private readonly SeriesStore?[] _byId = new SeriesStore?[ProtocolLimits.MaxSeries];
    private SeriesStore[] _series = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waiting;
    private long _version;

    // Every chunk a series started, oldest first; entries whose chunk was evicted since are skipped when met.
    private readonly Queue<(SeriesStore Series, ColumnChunk Chunk, long Arrival)> _arrivals = new();
    private readonly object _memoryGate = new();
    private long _arrival;
    private long _heldBytes;
    private int _compactAt = 4096;

    /// <summary>
    /// Creates an empty store; <paramref name="maxPointsPerSeries"/> caps each series (0: keep all),
    /// <paramref name="maxMemoryBytes"/> is the viewer's whole memory budget (0: no cap), of which the chunks take
    /// <see cref="PointsMemoryBytes"/> and the views <see cref="ViewMemoryBytes"/>, and
    /// <paramref name="maxEndedProducers"/> closed connections stay listed (see <see cref="ProducerRegistry"/>).
    /// </summary>
    public PlotStore(long maxPointsPerSeries = 0, long maxMemoryBytes = 0, int maxEndedProducers = ProducerRegistry.DefaultMaxEnded)
    {
        Registry = new ProducerRegistry(maxEndedProducers);
        if (maxPointsPerSeries < 0) throw new ArgumentException($"maxPointsPerSeries {maxPointsPerSeries} must not be negative", nameof(maxPointsPerSeries));
        if (maxMemoryBytes < 0) throw new ArgumentException($"maxMemoryBytes {maxMemoryBytes} must not be negative", nameof(maxMemoryBytes));
        MaxPointsPerSeries = maxPointsPerSeries;
        MaxMemoryBytes = maxMemoryBytes;
        PointsMemoryBytes = PointsShareOf(maxMemoryBytes);
        ViewMemoryBytes = ViewShareOf(maxMemoryBytes);
        ChunkShift = ChunkShiftFor(maxPointsPerSeries, PointsMemoryBytes);
    }

    /// <summary>The cap on points kept per series (0: no cap).</summary>
    public long MaxPointsPerSeries { get; }

    /// <summary>The viewer's whole memory budget, <c>--max-memory</c> (0: no cap): kept points, views and the runtime's own.</summary>
    public long MaxMemoryBytes { get; }

    /// <summary>The cap on bytes all series' chunks take together: a quarter of the budget (0: no cap).</summary>
    public long PointsMemoryBytes { get; }

    /// <summary>The cap on bytes all views keep together (density grids, columns, send buffers): a quarter of the budget (0: no cap).</summary>
    public long ViewMemoryBytes { get; }

    /// <summary>
    /// Kept points' part of a memory budget: a quarter. Another quarter goes to views (<see cref="ViewShareOf"/>);
    /// the other half is left to the runtime itself: its code and threads, the server, frames being decoded, and
    /// garbage not yet collected, mostly chunks evicted for newer points (under a flood, as much again as the
    /// points kept).
    /// </summary>
    public static long PointsShareOf(long maxMemoryBytes) => maxMemoryBytes / 4;

    /// <summary>Views' part of a memory budget: a quarter (see <see cref="PointsShareOf"/>).</summary>
    public static long ViewShareOf(long maxMemoryBytes) => maxMemoryBytes / 4;

    /// <summary>Log2 of the points in each chunk of every series, sized to the caps.</summary>
    public int ChunkShift { get; }

    /// <summary>Bytes the series' chunks take now (columns and summaries).</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>
    /// The memory budget a viewer takes when not told one: half of what the runtime may use (which honours
    /// DOTNET_GCHeapHardLimit and container limits), leaving the rest to the machine; at least 128 MiB.
    /// </summary>
    public static long DefaultMaxMemoryBytes() =>
        Math.Max(128L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>
    /// The chunk size for the caps: at most a quarter of the points cap, so a capped series holds at most a
    /// quarter more than its cap, and small enough that one chunk for each of the 1,024 series a stream may
    /// define fits in half the memory budget; never below one group of 4,096 points.
    /// </summary>
    public static int ChunkShiftFor(long maxPointsPerSeries, long maxMemoryBytes)
    {
        int shift = ColumnChunk.MaxShift;
        while (shift > ColumnChunk.MinShift && maxPointsPerSeries > 0 && (1L << shift) > maxPointsPerSeries / 4) shift--;
        while (shift > ColumnChunk.MinShift && maxMemoryBytes > 0 && ColumnChunk.BytesFor(shift) * 2 * ProtocolLimits.MaxSeries > maxMemoryBytes) shift--;
        return shift;
    }

    /// <summary>The plot's title and panels as the stream defined them.</summary>
    public PlotDefinition Plot { get; } = new();

    /// <summary>The producers over the viewer's life: who is connected, who ended and stays listed, what they are called.</summary>
    public ProducerRegistry Registry { get; }

    private StreamState _state = StreamState.Streaming;
    // Set when a disconnected producer left the list, so the plot still says that one of its producers disconnected.
    private volatile bool _retiredDisconnected;
    private volatile bool _retiredAny;
    private long _retiredEvicted;
    private long _retiredOutOfOrder;
    private long _retiredDropped;

    /// <summary>The producers' names, in order of arrival.</summary>
    public IReadOnlyList<string> Producers
    {
        get
        {
            var all = Registry.Listed;
            var names = new string[all.Length];
            for (int i = 0; i < all.Length; i++) names[i] = all[i].Name;
            return names;
        }
    }

    /// <summary>The producers with their state and counts, in order of arrival.</summary>
    public IReadOnlyList<ProducerStore> ProducerStates => Registry.Listed;

    /// <summary>
    /// Registers the producer of an input read to its end (standard input, a file, a recording's producer) and returns
    /// it, named by <paramref name="name"/> (see <see cref="ProducerRegistry"/> for how names are made unique).
    /// </summary>
    public ProducerStore AddProducer(string? name, string address)
    {
        var producer = Registry.Add(name, address);
        Touch();
        return producer;
    }

    /// <summary>
    /// Registers the producer of a TCP connection from <paramref name="address"/>, stalled after
    /// <paramref name="idleTimeout"/> without bytes (zero: never); null when
    /// <see cref="ProducerRegistry.MaxConnected"/> are connected. Call <see cref="ProducerClosed"/> when it closes.
    /// </summary>
    public ProducerStore? TryConnectProducer(string? name, string address, TimeSpan idleTimeout)
    {
        var producer = Registry.TryConnect(name, address, idleTimeout);
        if (producer is not null) Touch();
        return producer;
    }

    /// <summary>
    /// A connection's producer closed: its place is free, and it stays listed among the closed ones. The one that
    /// closed longest ago leaves the list beyond <see cref="ProducerRegistry.MaxEnded"/>, and its series with it:
    /// their points are dropped and counted as evicted.
    /// </summary>
    public void ProducerClosed(ProducerStore producer)
    {
        if (Registry.Close(producer) is { } gone) Retire(gone);
        Touch();
    }

    // Its connection is closed, so nothing defines or appends to its series any more.
    private void Retire(ProducerStore gone)
    {
        var leaving = new List<SeriesStore>();
        lock (_gate)
        {
            var kept = new List<SeriesStore>(_series.Length);
            foreach (var s in _series) (gone.Owns(s) ? leaving : kept).Add(s);
            // Readers may hold the old array; the others keep their index (the page's key) and colour.
            _series = [.. kept];
            _retiredAny = true;
            if (gone.State == StreamState.Disconnected) _retiredDisconnected = true;
        }
        foreach (var s in leaving)
        {
            Interlocked.Add(ref _retiredEvicted, s.Count + s.Evicted);
            Interlocked.Add(ref _retiredOutOfOrder, s.OutOfOrder);
            Interlocked.Add(ref _retiredDropped, s.ProducerDropped);
            lock (_memoryGate) _heldBytes -= s.Release();
        }
    }

    /// <summary>Points, out-of-order points and producer drops of series that left with their producer (counted as evicted).</summary>
    public (long Evicted, long OutOfOrder, long Dropped) Retired =>
        (Interlocked.Read(ref _retiredEvicted), Interlocked.Read(ref _retiredOutOfOrder), Interlocked.Read(ref _retiredDropped));

    /// <summary>The series in order of definition.</summary>
    public IReadOnlyList<SeriesStore> Series => Volatile.Read(ref _series);

    /// <summary>
    /// The plot's state: streaming while any producer streams; else stalled while any connected producer has sent
    /// nothing for its idle timeout; once all are done, disconnected if any of them disconnected, else finished.
    /// Before any producer arrives (or for text input, which has none), the input's own.
    /// </summary>
    public StreamState State
    {
        get
        {
            var all = Registry.Listed;
            if (all.Length == 0 && !_retiredAny) return _state;
            var state = _state == StreamState.Disconnected || _retiredDisconnected ? StreamState.Disconnected : StreamState.Finished;
            bool stalled = false;
            foreach (var p in all)
            {
                var own = p.State;
                if (own == StreamState.Streaming) return StreamState.Streaming;
                if (own == StreamState.Stalled) stalled = true;
                else if (own == StreamState.Disconnected) state = StreamState.Disconnected;
            }
            return stalled ? StreamState.Stalled : state;
        }
    }

    /// <summary>The last problem with the input, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Bumped on every change; readers compare it to know whether to redraw.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Points held over all series.</summary>
    public long TotalPoints
    {
        get
        {
            long n = 0;
            foreach (var s in Series) n += s.Count;
            return n;
        }
    }

    /// <summary>Points the producer dropped, over all series.</summary>
    public long TotalDropped
    {
        get
        {
            long n = Interlocked.Read(ref _retiredDropped);
            foreach (var s in Series) n += s.ProducerDropped;
            return n;
        }
    }

    /// <summary>Points evicted over all series (for the points cap, the memory budget, a replaced series, or a producer that left the list).</summary>
    public long TotalEvicted
    {
        get
        {
            long n = Interlocked.Read(ref _retiredEvicted);
            foreach (var s in Series) n += s.Evicted;
            return n;
        }
    }

    /// <summary>
    /// The series with wire id <paramref name="id"/> defined without a producer (text input, tests), else the first
    /// producer's (a spawned viewer's only one); null when it was never defined.
    /// </summary>
    public SeriesStore? Find(int id)
    {
        if ((uint)id >= (uint)_byId.Length) return null;
        var all = Registry.Listed;
        return _byId[id] ?? (all.Length > 0 ? all[0].Find(id) : null);
    }

    /// <summary>
    /// Defines a series. The same id under the same name and kind is a reconnecting producer and keeps its points;
    /// under a new name or kind it replaces the old series in its place (colour and order), so a stream never holds
    /// more series than ids: the replaced series' points are dropped and counted as evicted on the new one.
    /// </summary>
    public SeriesStore Define(SeriesDefinition definition, ProducerStore? producer = null)
    {
        SeriesStore store;
        SeriesStore? replaced;
        // Each producer has its own ids: a series is known by producer and name.
        var byId = producer?.ById ?? _byId;
        string producerName = producer?.Name ?? "";
        lock (_gate)
        {
            replaced = byId[definition.Id];
            if (replaced is not null && replaced.Name == definition.Name && replaced.Kind == definition.Kind) return replaced;
            if (replaced is null)
            {
                store = new SeriesStore(definition, _seriesDefined++, MaxPointsPerSeries, ChunkShift, this, 0) { Producer = producerName };
                if (store.Format.Color is null) store.CycleSlot = _cycleSlots++;
                _series = [.. _series, store];
            }
            else
            {
                store = new SeriesStore(definition, replaced.Index, MaxPointsPerSeries, ChunkShift, this, replaced.Evicted + replaced.Count) { Producer = producerName };
                if (store.Format.Color is null) store.CycleSlot = replaced.Format.Color is null ? replaced.CycleSlot : _cycleSlots++;
                // Readers may hold the old array: replace in a copy.
                SeriesStore[] series = [.. _series];
                series[Array.IndexOf(series, replaced)] = store;
                _series = series;
            }
            Volatile.Write(ref byId[definition.Id], store);
        }
        if (replaced is not null)
        {
            lock (_memoryGate) _heldBytes -= replaced.Release();
        }
        Touch();
        return store;
    }

    /// <summary>Makes room for a new chunk of <paramref name="bytes"/>, evicting the oldest data over all series if it must.</summary>
    internal void Reserve(long bytes)
    {
        lock (_memoryGate)
        {
            // Spare chunks (evicted for a points cap, waiting for reuse) hold no points: they go first.
            while (PointsMemoryBytes > 0 && _heldBytes + bytes > PointsMemoryBytes && (ReleaseSpare() || EvictOldest())) { }
            _heldBytes += bytes;
        }
    }

    /// <summary>Records that <paramref name="series"/> started filling <paramref name="chunk"/>, the newest chunk of all.</summary>
    internal void Arrived(SeriesStore series, ColumnChunk chunk)
    {
        lock (_memoryGate)
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

    // Under the memory gate.
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

    // Under the memory gate.
    private bool ReleaseSpare()
    {
        foreach (var s in Series)
        {
            long freed = s.ReleaseSpare();
            if (freed == 0) continue;
            _heldBytes -= freed;
            return true;
        }
        return false;
    }

    /// <summary>Marks the input (or, given, one producer) finished, disconnected or back to streaming, with an optional error.</summary>
    public void SetState(StreamState state, string? error = null, ProducerStore? producer = null)
    {
        lock (_gate)
        {
            if (producer is null) _state = state;
            else producer.SetState(state, error);
            if (error is not null) Error = error;
        }
        Touch();
    }

    /// <summary>Tells waiting readers that something changed.</summary>
    public void Touch()
    {
        Interlocked.Increment(ref _version);
        TaskCompletionSource? fire = null;
        lock (_gate)
        {
            // Only swap the signal when somebody waits, so a busy ingest allocates nothing.
            if (_waiting)
            {
                fire = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting = false;
            }
        }
        fire?.TrySetResult();
    }

    /// <summary>Completes when the store changes after version <paramref name="seen"/>.</summary>
    public Task WaitForChangeAsync(long seen, CancellationToken cancel)
    {
        lock (_gate)
        {
            if (Version != seen) return Task.CompletedTask;
            _waiting = true;
            return _changed.Task.WaitAsync(cancel);
        }
    }

    private long _badLines;

    /// <summary>Lines of text input that were skipped as bad (text input only).</summary>
    public long BadLines => Interlocked.Read(ref _badLines);

    private string? _firstBadLine;

    /// <summary>The first bad line of text input, its number and reason (<c>badLine</c> in the status), or null.</summary>
    public string? FirstBadLine => Volatile.Read(ref _firstBadLine);

    /// <summary>Counts one skipped bad line of text input; the first one's <paramref name="shown"/> text is kept for the status.</summary>
    public void CountBadLine(string? shown = null)
    {
        if (shown is not null && _firstBadLine is null) Interlocked.CompareExchange(ref _firstBadLine, shown, null);
        Interlocked.Increment(ref _badLines);
    }
}
