using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// One viewer's plot: its series (<see cref="SeriesRegistry"/>), its producers (<see cref="Registry"/>), its memory
/// budget (<see cref="MemoryBudget"/>, which evicts the oldest chunks to keep within it), the stream's state, and a
/// signal for readers that wait for new data. Each concern keeps its own lock; this class composes them and answers
/// for the plot as a whole. One writer (ingest) appends to all series; any number of readers take snapshots. Full
/// chunks are encoded on the store's <see cref="ChunkSealer"/> thread, which disposing the store stops.
/// </summary>
internal sealed class PlotStore : IDisposable
{
    private readonly object _gate = new();
    private readonly SeriesRegistry _series = new();
    private readonly MemoryBudget _budget;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waiting;
    private long _version;

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
        _budget = new MemoryBudget(maxMemoryBytes, () => _series.All);
        MaxPointsPerSeries = maxPointsPerSeries;
        ChunkShift = ChunkShiftFor(maxPointsPerSeries, PointsMemoryBytes);
        Sealer = new ChunkSealer(SealerCapacityFor(ChunkShift, PointsMemoryBytes));
    }

    /// <summary>Encodes the series' full chunks off the ingest thread.</summary>
    internal ChunkSealer Sealer { get; }

    /// <summary>Most full chunks waiting to be encoded at once (see <see cref="SealerCapacityFor"/>).</summary>
    public int SealerCapacity => Sealer.Capacity;

    /// <summary>
    /// How many full chunks of 2^<paramref name="shift"/> points may wait for the sealer, plain: as many as an eighth
    /// of the points budget holds (so a sealer that falls behind costs old points no more than that), between 1 and
    /// 32 (32 MiB of the largest chunks). Beyond that, ingest seals its chunks itself.
    /// </summary>
    public static int SealerCapacityFor(int shift, long pointsMemoryBytes) =>
        pointsMemoryBytes > 0 ? (int)Math.Clamp(pointsMemoryBytes / 8 / ColumnChunk.BytesFor(shift), 1, 32) : 32;

    /// <summary>Stops the sealer's thread; full chunks not encoded by then stay plain.</summary>
    public void Dispose() => Sealer.Dispose();

    /// <summary>The cap on points kept per series (0: no cap).</summary>
    public long MaxPointsPerSeries { get; }

    /// <summary>The viewer's whole memory budget, <c>--max-memory</c> (0: no cap): kept points, views and the runtime's own.</summary>
    public long MaxMemoryBytes => _budget.MaxMemoryBytes;

    /// <summary>The cap on bytes all series' chunks take together: a quarter of the budget (0: no cap).</summary>
    public long PointsMemoryBytes => _budget.PointsMemoryBytes;

    /// <summary>The cap on bytes all views keep together (density grids, columns, send buffers): a quarter of the budget (0: no cap).</summary>
    public long ViewMemoryBytes => _budget.ViewMemoryBytes;

    /// <summary>Called once, the first time the memory budget evicts points (see <see cref="MemoryBudget.FirstEviction"/>).</summary>
    public Action? FirstEviction
    {
        get => _budget.FirstEviction;
        set => _budget.FirstEviction = value;
    }

    /// <summary>Kept points' part of a memory budget: a quarter (see <see cref="MemoryBudget.PointsShareOf"/>).</summary>
    public static long PointsShareOf(long maxMemoryBytes) => MemoryBudget.PointsShareOf(maxMemoryBytes);

    /// <summary>Views' part of a memory budget: a quarter (see <see cref="MemoryBudget.ViewShareOf"/>).</summary>
    public static long ViewShareOf(long maxMemoryBytes) => MemoryBudget.ViewShareOf(maxMemoryBytes);

    /// <summary>Log2 of the points in each chunk of every series, sized to the caps.</summary>
    public int ChunkShift { get; }

    /// <summary>Bytes the series' chunks take now (columns and summaries).</summary>
    public long HeldBytes => _budget.HeldBytes;

    /// <summary>The memory budget a viewer takes when not told one (see <see cref="MemoryBudget.DefaultMaxMemoryBytes"/>).</summary>
    public static long DefaultMaxMemoryBytes() => MemoryBudget.DefaultMaxMemoryBytes();

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

    /// <summary>The markers from every producer (Event frames, <c>--events</c> lines), the last 65,536 kept.</summary>
    public PlotEvents Events { get; } = new();

    /// <summary>The producers over the viewer's life: who is connected, who ended and stays listed, what they are called.</summary>
    public ProducerRegistry Registry { get; }

    private StreamState _state = StreamState.Streaming;
    // Set when a disconnected producer left the list, so the plot still says that one of its producers disconnected.
    private volatile bool _retiredDisconnected;
    private volatile bool _retiredAny;

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
        lock (_gate)
        {
            _retiredAny = true;
            if (gone.State == StreamState.Disconnected) _retiredDisconnected = true;
        }
        foreach (var s in _series.Retire(gone)) _budget.Release(s);
    }

    /// <summary>Points, out-of-order points and producer drops of series that left with their producer (counted as evicted).</summary>
    public (long Evicted, long OutOfOrder, long Dropped) Retired => _series.Retired;

    /// <summary>The series in order of definition.</summary>
    public IReadOnlyList<SeriesStore> Series => _series.All;

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
            long n = _series.Retired.Dropped;
            foreach (var s in Series) n += s.ProducerDropped;
            return n;
        }
    }

    /// <summary>Points evicted over all series (for the points cap, the memory budget, a replaced series, or a producer that left the list).</summary>
    public long TotalEvicted
    {
        get
        {
            long n = _series.Retired.Evicted;
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
        var all = Registry.Listed;
        return _series.Find(id, all.Length > 0 ? all[0] : null);
    }

    /// <summary>
    /// Defines a series. The same id under the same name and kind is a reconnecting producer and keeps its points;
    /// under a new name or kind it replaces the old series in its place (colour and order), so a stream never holds
    /// more series than ids: the replaced series' points are dropped and counted as evicted on the new one.
    /// </summary>
    public SeriesStore Define(SeriesDefinition definition, ProducerStore? producer = null)
    {
        string producerName = producer?.Name ?? "";
        var (store, replaced, kept) = _series.Define(definition, producer,
            (index, evictedBefore) => new SeriesStore(definition, index, MaxPointsPerSeries, ChunkShift, this, evictedBefore)
            {
                Producer = producerName,
                IsBaseline = producer?.IsBaseline == true,
            });
        if (kept) return store;
        if (replaced is not null) _budget.Release(replaced);
        Touch();
        return store;
    }

    /// <summary>
    /// Defines a series the viewer computes from <paramref name="producer"/>'s series by <paramref name="expression"/>
    /// (<c>--derive</c>): kept, capped and evicted as any other, and leaving with that producer. A smoothing of one
    /// series names it in <paramref name="smooths"/>.
    /// </summary>
    public SeriesStore DefineDerived(SeriesDefinition definition, ProducerStore? producer, string expression, SeriesStore? smooths = null)
    {
        var store = _series.DefineDerived(index => new SeriesStore(definition, index, MaxPointsPerSeries, ChunkShift, this, 0)
        {
            Producer = producer?.Name ?? "",
            Expression = expression,
            DerivedFrom = producer,
            Smooths = smooths,
        });
        Touch();
        return store;
    }

    /// <summary>Makes room for a new chunk of <paramref name="bytes"/>, evicting the oldest data over all series if it must.</summary>
    internal void Reserve(long bytes) => _budget.Reserve(bytes);

    /// <summary>Records that <paramref name="series"/> started filling <paramref name="chunk"/>, the newest chunk of all.</summary>
    internal void Arrived(SeriesStore series, ColumnChunk chunk) => _budget.Arrived(series, chunk);

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

    /// <summary>
    /// A producer for a recording shown as a baseline (<c>--baseline</c>), named <paramref name="name"/>: its series
    /// are drawn and listed, but it is not among <see cref="ProducerStates"/>, its points are not in
    /// <see cref="LivePoints"/>, and it never makes the plot streaming or finished.
    /// </summary>
    public ProducerStore AddBaseline(string name)
    {
        var producer = new ProducerStore(name, "baseline") { IsBaseline = true };
        producer.SetState(StreamState.Finished, null);
        return producer;
    }

    /// <summary>Whether <paramref name="series"/> belongs to a baseline (<see cref="AddBaseline"/>).</summary>
    public bool IsBaseline(SeriesStore series) => series.IsBaseline;

    /// <summary>Points held over the series that are not a baseline's: the live data.</summary>
    public long LivePoints
    {
        get
        {
            long n = 0;
            foreach (var s in Series)
            {
                if (!IsBaseline(s)) n += s.Count;
            }
            return n;
        }
    }

    /// <summary>
    /// Empties the series of <paramref name="baseline"/>, or with null every series that is not a baseline's, keeping
    /// each in its place (index, colour) with its counts back at 0: a recording played again from its start, or a
    /// baseline loaded again at another offset, fills them anew.
    /// </summary>
    public void Rewind(ProducerStore? baseline = null)
    {
        foreach (var s in Series)
        {
            if (baseline is null ? IsBaseline(s) : !baseline.Owns(s)) continue;
            _budget.Release(s);
            s.ResetCounts();
        }
        Touch();
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
