using System.Diagnostics;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// Every kept point of one series, as x and y columns in fixed chunks. One writer (ingest) appends whole
/// frames; any number of readers take snapshots. Memory is 16 bytes a point plus about 1 % of summaries.
/// </summary>
public sealed class SeriesStore
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

    /// <summary>Creates the store for a defined series; <paramref name="maxPoints"/> caps kept points (0: keep all).</summary>
    public SeriesStore(SeriesDefinition definition, int index, long maxPoints = 0)
    {
        Definition = definition;
        Index = index;
        Format = PlotFormat.Parse(definition.Format, definition.Kind);
        _maxPoints = maxPoints;
    }

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

    /// <summary>The CSS colour the series is drawn in.</summary>
    public string Color => Format.CssColor(Index);

    /// <summary>Points held now.</summary>
    public long Count { get { lock (_gate) return _count; } }

    /// <summary>Points received from the producer, kept or not.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Oldest points dropped to stay under the points cap.</summary>
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
        lock (_gate) return new SeriesSnapshot(_chunks, _count);
    }

    /// <summary>Appends points given as columns (used by tests and text ingest).</summary>
    public void Append(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length != ys.Length) throw new ArgumentException("xs and ys differ in length", nameof(ys));
        int done = 0;
        while (done < xs.Length)
        {
            var (chunk, at, room) = Room();
            int n = Math.Min(room, xs.Length - done);
            xs.Slice(done, n).CopyTo(chunk.X.AsSpan(at, n));
            ys.Slice(done, n).CopyTo(chunk.Y.AsSpan(at, n));
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
            Frame.CopyColumn(xBytes.Slice(done * 8L, n * 8L), chunk.X.AsSpan(at, n));
            Frame.CopyColumn(yBytes.Slice(done * 8L, n * 8L), chunk.Y.AsSpan(at, n));
            Commit(chunk, at, n);
            done += n;
        }
        Interlocked.Add(ref _received, total);
    }

    private (ColumnChunk Chunk, int At, int Room) Room()
    {
        if (_chunkCount == 0 || _chunks[_chunkCount - 1].Count == ColumnChunk.Capacity)
        {
            var fresh = Recycled() ?? new ColumnChunk();
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
        return (last, last.Count, ColumnChunk.Capacity - last.Count);
    }

    private ColumnChunk? Recycled()
    {
        lock (_gate)
        {
            if (_evictedChunks.Count == 0 || Stopwatch.GetTimestamp() - _evictedChunks.Peek().EvictedAt < ReuseAfterTicks) return null;
            var chunk = _evictedChunks.Dequeue().Chunk;
            chunk.Count = 0;
            return chunk;
        }
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
    }

    // A line's decimation relies on sorted x; points that break the order are removed here and counted.
    private int DropOutOfOrder(ColumnChunk chunk, int at, int n)
    {
        double last = PreviousX(chunk, at);
        var xs = chunk.X;
        var ys = chunk.Y;
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
        return keep - at;
    }

    private double PreviousX(ColumnChunk chunk, int at)
    {
        if (at > 0) return chunk.X[at - 1];
        if (_chunkCount >= 2) return _chunks[_chunkCount - 2].X[ColumnChunk.Capacity - 1];
        return double.NegativeInfinity;
    }

    private void EvictOldest()
    {
        // Whole chunks go, oldest first, so the cap may be exceeded by under one chunk.
        while (_count - ColumnChunk.Capacity >= _maxPoints && _chunkCount > 1)
        {
            _evictedChunks.Enqueue((_chunks[0], Stopwatch.GetTimestamp()));
            var rest = new ColumnChunk[_chunks.Length];
            Array.Copy(_chunks, 1, rest, 0, _chunkCount - 1);
            _chunks = rest;
            _chunkCount--;
            _count -= ColumnChunk.Capacity;
            Interlocked.Add(ref _evicted, ColumnChunk.Capacity);
        }
    }
}
