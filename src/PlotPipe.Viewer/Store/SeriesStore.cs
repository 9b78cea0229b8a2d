using System.Diagnostics;
using System.Runtime.CompilerServices;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// Every kept point of one series, as x and y columns in fixed chunks. One writer (ingest) appends whole
/// frames; any number of readers take snapshots. Points go into chunks of 2^<see cref="ChunkShift"/> points; a
/// full chunk is encoded (<see cref="ColumnEncoder"/>: from under a byte a point for a ramp's x to 8 for random
/// doubles, plus under half a byte of summaries), on the store's <see cref="ChunkSealer"/> thread when it has one,
/// and its plain columns take a later chunk's points, so only the chunk being filled (and those waiting to be
/// sealed) cost 16 bytes a point. The owning <see cref="PlotStore"/> may evict the oldest chunk to stay
/// within its memory budget, which counts the bytes chunks really hold.
/// </summary>
internal sealed class SeriesStore
{
    private readonly object _gate = new();
    private ColumnChunk[] _chunks = new ColumnChunk[4];
    private int _chunkCount;
    private long _count;
    private long _evicted;
    private long _received;
    private long _outOfOrder;
    private long _producerDropped;
    private readonly long _maxPoints;
    // Evicted chunks are reused for new points, so a capped series in steady state allocates (and first-touches)
    // no memory. A reader may still be walking an evicted chunk from an older snapshot; views take milliseconds,
    // so a chunk waits this long before it is written again.
    private readonly Queue<(ColumnChunk Chunk, long EvictedAt)> _evictedChunks = new();
    internal long ReuseAfterTicks { get; set; } = Stopwatch.Frequency / 4;

    private readonly PlotStore? _owner;
    private readonly ChunkSealer? _sealer;
    // For the chunks ingest seals itself: a series without a sealer, or when the sealer's queue is full.
    private ColumnEncoder? _encoder;
    // Set once the series is dropped: a chunk sealed after that gives its plain columns back to nobody.
    private bool _released;
    // Plain columns let go by sealed chunks, for the next chunks to fill: a series keeps writing into memory it has
    // touched before instead of fresh pages. A reader still reading one checks afterwards (see ColumnChunk).
    private readonly Stack<double[]> _spareColumns = new();
    private const int MaxSpareColumns = 4;
    private long _heldBytes;
    // The x of the last line point kept, which the next must not go below.
    private double _lastX = double.NegativeInfinity;

    /// <summary>
    /// Creates the store for a defined series; <paramref name="maxPoints"/> caps kept points (0: keep all), and each
    /// chunk holds 2^<paramref name="chunkShift"/> points.
    /// </summary>
    public SeriesStore(SeriesDefinition definition, int index, long maxPoints = 0, int chunkShift = ColumnChunk.MaxShift)
        : this(definition, index, maxPoints, chunkShift, null, 0)
    {
    }

    internal SeriesStore(SeriesDefinition definition, int index, long maxPoints, int chunkShift, PlotStore? owner, long evictedBefore)
    {
        if (chunkShift is < ColumnChunk.MinShift or > ColumnChunk.MaxShift)
            throw new ArgumentOutOfRangeException(nameof(chunkShift), chunkShift, $"a chunk's shift runs from {ColumnChunk.MinShift} to {ColumnChunk.MaxShift}");
        Definition = definition;
        Index = index;
        Format = PlotFormat.Parse(definition.Format, definition.Kind);
        _maxPoints = maxPoints;
        ChunkShift = chunkShift;
        _owner = owner;
        _sealer = owner?.Sealer;
        _evicted = evictedBefore;
    }

    /// <summary>For a derived series (<c>--derive</c>), its expression; null for a series a producer sends.</summary>
    public string? Expression { get; init; }

    /// <summary>Whether the viewer computes it from other series (<c>--derive</c>) rather than receiving it.</summary>
    public bool Derived => Expression is not null;

    /// <summary>For a derived series that smooths one series (<c>ema</c>, <c>mean</c> of it alone), that series, drawn faint under it; else null.</summary>
    public SeriesStore? Smooths { get; init; }

    /// <summary>For a derived series, the producer whose series it is computed from (it leaves with them); else null.</summary>
    internal ProducerStore? DerivedFrom { get; init; }

    /// <summary>The name of the producer that defined it (the series is known by producer and name).</summary>
    public string Producer { get; init; } = "";

    /// <summary>Whether a baseline's producer defined it: its run style is counted among the baselines' only.</summary>
    public bool IsBaseline { get; init; }

    /// <summary>Log2 of the points one chunk of this series holds.</summary>
    public int ChunkShift { get; }

    /// <summary>Bytes this series' chunks take (encoded columns of full ones, plain ones of the one filling), including spare columns and evicted chunks waiting to be reused.</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>The series as its producer defined it.</summary>
    public SeriesDefinition Definition { get; }

    /// <summary>Order of definition among all series (picks the default colour).</summary>
    public int Index { get; }

    /// <summary>The parsed format string.</summary>
    public PlotFormat Format { get; }

    /// <summary>The series' name.</summary>
    public string Name => Definition.Name;

    /// <summary>Scatter or line.</summary>
    public SeriesKind Kind => Definition.Kind;

    /// <summary>The CSS colour the series is drawn in on the light theme and in pictures.</summary>
    public string Color => SeriesPalette.Light(Format, CycleSlot);

    /// <summary>The CSS colour the series is drawn in on the dark theme.</summary>
    public string DarkColor => SeriesPalette.Dark(Format, CycleSlot);

    /// <summary>Which of the runs carrying a series of this name this one is (0: the first); later runs draw in their own style.</summary>
    public int RunStyle { get; internal set; }

    /// <summary>How the series is drawn: its format with its run's style (<see cref="SeriesPalette.ForRun"/>).</summary>
    public PlotFormat Look => SeriesPalette.ForRun(Format, RunStyle);

    /// <summary>This series' place in the colour cycle: only series without a colour of their own take one, as in matplotlib.</summary>
    public int CycleSlot { get; internal set; }

    /// <summary>Points held now.</summary>
    public long Count { get { lock (_gate) return _count; } }

    /// <summary>Points received from the producer, kept or not.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Oldest points dropped to stay under the points cap or the memory budget, or held by a series this one replaced.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Line points rejected because their x was NaN or went backwards.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    /// <summary>Points the producer reported it dropped before sending.</summary>
    public long ProducerDropped => Interlocked.Read(ref _producerDropped);

    /// <summary>Records the producer's running total of dropped points.</summary>
    public void SetProducerDropped(long total) => Interlocked.Exchange(ref _producerDropped, total);

    /// <summary>The points visible now; later appends do not change it.</summary>
    public SeriesSnapshot Snapshot()
    {
        lock (_gate) return new SeriesSnapshot(_chunks, _count, ChunkShift);
    }

    /// <summary>
    /// The points visible now, and <see cref="Evicted"/> at that moment: a reader that takes longer than an evicted
    /// chunk waits before reuse compares it with <see cref="Evicted"/> after copying a chunk (see <see cref="StillHeld"/>).
    /// </summary>
    public SeriesSnapshot Snapshot(out long evictedBefore)
    {
        lock (_gate)
        {
            evictedBefore = _evicted;
            return new SeriesSnapshot(_chunks, _count, ChunkShift);
        }
    }

    /// <summary>
    /// Whether chunk <paramref name="chunk"/> of a snapshot taken when <paramref name="evictedBefore"/> points had
    /// been evicted is still held. Asked after copying from it: a chunk is only reused some time after its eviction,
    /// so one still held after the copy was not written to during it.
    /// </summary>
    public bool StillHeld(long evictedBefore, int chunk, int shift) => Evicted - evictedBefore <= (long)chunk << shift;

    /// <summary>Appends points given as columns (used by tests and text ingest).</summary>
    public void Append(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length != ys.Length) throw new ArgumentException("xs and ys differ in length", nameof(ys));
        int done = 0;
        while (done < xs.Length)
        {
            var (chunk, at, room) = Room();
            int n = Math.Min(room, xs.Length - done);
            xs.Slice(done, n).CopyTo(chunk.RawX.AsSpan(at, n));
            ys.Slice(done, n).CopyTo(chunk.RawY.AsSpan(at, n));
            Commit(chunk, at, n);
            done += n;
        }
        Interlocked.Add(ref _received, xs.Length);
    }

    /// <summary>Appends the columns of a Points frame straight from the wire bytes: block copies, no per-point decoding.</summary>
    public void Append(in Frame frame)
    {
        int total = frame.PointCount;
        var xBytes = frame.XBytes;
        var yBytes = frame.YBytes;
        int done = 0;
        while (done < total)
        {
            var (chunk, at, room) = Room();
            int n = Math.Min(room, total - done);
            Frame.CopyColumn(xBytes.Slice(done * 8L, n * 8L), chunk.RawX.AsSpan(at, n));
            Frame.CopyColumn(yBytes.Slice(done * 8L, n * 8L), chunk.RawY.AsSpan(at, n));
            Commit(chunk, at, n);
            done += n;
        }
        Interlocked.Add(ref _received, total);
    }

    private (ColumnChunk Chunk, int At, int Room) Room()
    {
        int capacity = 1 << ChunkShift;
        if (_chunkCount == 0 || _chunks[_chunkCount - 1].Count == capacity)
        {
            var fresh = Recycled() ?? Allocate();
            fresh.Held = true;
            _owner?.Arrived(this, fresh);
            lock (_gate)
            {
                if (_chunkCount == _chunks.Length)
                {
                    // Readers may hold the old array: grow by copying, never in place.
                    var grown = new ColumnChunk[_chunks.Length * 2];
                    Array.Copy(_chunks, grown, _chunkCount);
                    _chunks = grown;
                }
                _chunks[_chunkCount++] = fresh;
            }
        }
        var last = _chunks[_chunkCount - 1];
        return (last, last.Count, capacity - last.Count);
    }

    // The budget is settled before an allocation, so the store never asks the runtime for memory it has not got
    // room for (an encoded column, whose size is known only once encoded, is settled just after).
    private ColumnChunk Allocate()
    {
        var xs = SpareColumn();
        var ys = SpareColumn();
        long fresh = ColumnChunk.SummaryBytesFor(ChunkShift) + (xs is null ? ColumnChunk.ColumnBytesFor(ChunkShift) : 0)
            + (ys is null ? ColumnChunk.ColumnBytesFor(ChunkShift) : 0);
        Change(fresh);
        int capacity = 1 << ChunkShift;
        return new ColumnChunk(ChunkShift, xs ?? GC.AllocateUninitializedArray<double>(capacity), ys ?? GC.AllocateUninitializedArray<double>(capacity));
    }

    private ColumnChunk? Recycled()
    {
        ColumnChunk chunk;
        lock (_gate)
        {
            if (_evictedChunks.Count == 0) return null;
            var (oldest, evictedAt) = _evictedChunks.Peek();
            // Its plain columns are still the sealer's to read.
            if (oldest.SealPending || Stopwatch.GetTimestamp() - evictedAt < ReuseAfterTicks) return null;
            chunk = _evictedChunks.Dequeue().Chunk;
        }
        long before = chunk.HeldBytes;
        // A column the chunk kept plain (nothing encoded it smaller) is filled again in place, as before encoding.
        var xs = chunk.PackedX?.Values;
        var ys = chunk.PackedY?.Values;
        long spares = 0;
        if (xs is null && (xs = SpareColumn()) is not null) spares += ColumnChunk.ColumnBytesFor(ChunkShift);
        if (ys is null && (ys = SpareColumn()) is not null) spares += ColumnChunk.ColumnBytesFor(ChunkShift);
        // Spare columns were counted already; the chunk's encoded columns go, plain ones come.
        chunk.Refill(xs ?? GC.AllocateUninitializedArray<double>(1 << ChunkShift), ys ?? GC.AllocateUninitializedArray<double>(1 << ChunkShift));
        Change(chunk.HeldBytes - before - spares);
        return chunk;
    }

    private double[]? SpareColumn()
    {
        lock (_gate) return _spareColumns.Count > 0 ? _spareColumns.Pop() : null;
    }

    // Settles a change in the bytes this series holds with the owner's budget. Never under the gate: the owner may
    // evict, which takes it.
    private void Change(long bytes)
    {
        if (bytes == 0) return;
        _owner?.Reserve(bytes);
        Interlocked.Add(ref _heldBytes, bytes);
    }

    /// <summary>
    /// What <see cref="HeldBytes"/> should say, counted afresh from the chunks, spare columns and evicted chunks
    /// waiting for reuse (tests: the running count must match it once the sealer is idle).
    /// </summary>
    internal long RecountHeldBytes()
    {
        lock (_gate)
        {
            long bytes = _spareColumns.Count * ColumnChunk.ColumnBytesFor(ChunkShift);
            for (int i = 0; i < _chunkCount; i++) bytes += _chunks[i].HeldBytes;
            foreach (var (chunk, _) in _evictedChunks) bytes += chunk.HeldBytes;
            return bytes;
        }
    }

    /// <summary>Lets go of spare plain columns or one evicted chunk waiting for reuse; returns the bytes freed (0 when none waits).</summary>
    internal long ReleaseSpare()
    {
        lock (_gate)
        {
            long freed = 0;
            if (_spareColumns.Count > 0)
            {
                freed = _spareColumns.Count * ColumnChunk.ColumnBytesFor(ChunkShift);
                _spareColumns.Clear();
            }
            else if (_evictedChunks.Count > 0)
            {
                freed = _evictedChunks.Dequeue().Chunk.HeldBytes;
            }
            Interlocked.Add(ref _heldBytes, -freed);
            return freed;
        }
    }

    /// <summary>
    /// Evicts <paramref name="chunk"/> for the memory budget if it is still this series' oldest; returns the bytes
    /// freed, or 0 when it is gone already. The chunk is not reused: its memory goes back to the runtime.
    /// </summary>
    internal long EvictFirst(ColumnChunk chunk)
    {
        lock (_gate)
        {
            if (_chunkCount == 0 || !ReferenceEquals(_chunks[0], chunk)) return 0;
            long freed = RemoveFirst().HeldBytes;
            Interlocked.Add(ref _heldBytes, -freed);
            return freed;
        }
    }

    /// <summary>Drops every chunk, as when the series is replaced; returns the bytes freed.</summary>
    internal long Release()
    {
        lock (_gate)
        {
            long bytes = Interlocked.Exchange(ref _heldBytes, 0);
            for (int i = 0; i < _chunkCount; i++) _chunks[i].Held = false;
            _chunks = new ColumnChunk[4];
            _chunkCount = 0;
            _count = 0;
            _evictedChunks.Clear();
            _spareColumns.Clear();
            _released = true;
            _lastX = double.NegativeInfinity;
            return bytes;
        }
    }

    /// <summary>Sets its counts of received, evicted, out-of-order and dropped points back to 0 once its points are released (a rewind).</summary>
    internal void ResetCounts()
    {
        Interlocked.Exchange(ref _evicted, 0);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _outOfOrder, 0);
        Interlocked.Exchange(ref _producerDropped, 0);
    }

    // Under the gate. Readers may hold the old array: shift into a copy, never in place.
    private ColumnChunk RemoveFirst()
    {
        var first = _chunks[0];
        var rest = new ColumnChunk[_chunks.Length];
        Array.Copy(_chunks, 1, rest, 0, _chunkCount - 1);
        _chunks = rest;
        _chunkCount--;
        _count -= first.Count;
        Interlocked.Add(ref _evicted, first.Count);
        first.Held = false;
        return first;
    }

    private void Commit(ColumnChunk chunk, int at, int n)
    {
        if (Kind == SeriesKind.Line) n = DropOutOfOrder(chunk, at, n);
        int end = at + n;
        for (int b = at / ColumnChunk.BlockPoints; b < end / ColumnChunk.BlockPoints; b++)
            chunk.Summarize(b);
        chunk.Count = end;
        lock (_gate)
        {
            _count += n;
            if (_maxPoints > 0) EvictOldest();
        }
        // Handed to the sealer, ingest goes straight on; it seals the chunk itself only when the sealer's queue is full.
        if (end == chunk.Capacity && !(_sealer?.TryHandOver(this, chunk) ?? false)) Seal(chunk, _encoder ??= new());
    }

    /// <summary>
    /// Encodes a full chunk, swaps the encoded columns in and keeps its plain ones for later chunks; the budget learns
    /// what the chunk holds now. On ingest, or on the sealer's thread while ingest fills later chunks.
    /// </summary>
    internal void Seal(ColumnChunk chunk, ColumnEncoder encoder)
    {
        var (packedX, packedY) = chunk.Encode(encoder);
        long change = 0;
        lock (_gate)
        {
            // Under the gate, so the budget's eviction of this chunk (which frees what it holds at that moment) sees
            // it either plain or encoded, and the change settled below matches.
            long before = chunk.HeldBytes;
            var (xs, ys) = chunk.Publish(packedX, packedY);
            // A chunk the budget evicted (or the series dropped) before it was sealed was uncounted then: only its spare
            // columns are held again. One evicted for the points cap is counted until it is reused or given up.
            if (chunk.Held || WaitsForReuse(chunk)) change = chunk.HeldBytes - before;
            foreach (var column in (ReadOnlySpan<double[]?>)[xs, ys])
            {
                if (column is null || _released || _spareColumns.Count == MaxSpareColumns) continue;
                _spareColumns.Push(column);
                change += ColumnChunk.ColumnBytesFor(ChunkShift);
            }
        }
        Change(change);
    }

    // Under the gate.
    private bool WaitsForReuse(ColumnChunk chunk)
    {
        foreach (var (waiting, _) in _evictedChunks)
        {
            if (ReferenceEquals(waiting, chunk)) return true;
        }
        return false;
    }

    // A line's decimation relies on sorted x; points that break the order are removed here and counted. Compiled
    // optimized at once, as the encoder's per-value code is (ColumnEncoder).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DropOutOfOrder(ColumnChunk chunk, int at, int n)
    {
        double last = _lastX;
        var xs = chunk.RawX;
        var ys = chunk.RawY;
        int keep = at;
        for (int i = at; i < at + n; i++)
        {
            double x = xs[i];
            if (x >= last)
            {
                last = x;
                xs[keep] = x;
                ys[keep] = ys[i];
                keep++;
            }
        }
        int rejected = at + n - keep;
        if (rejected > 0) Interlocked.Add(ref _outOfOrder, rejected);
        _lastX = last;
        return keep - at;
    }

    private void EvictOldest()
    {
        // Whole chunks go, oldest first, so the cap may be exceeded by under one chunk.
        while (_count - (1 << ChunkShift) >= _maxPoints && _chunkCount > 1)
            _evictedChunks.Enqueue((RemoveFirst(), Stopwatch.GetTimestamp()));
    }
}
