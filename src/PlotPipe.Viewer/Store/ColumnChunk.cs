using System.Runtime.CompilerServices;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// A block of 2^<see cref="Shift"/> points held as an x column and a y column, with per-block and per-group summaries
/// so a query can skip whole runs. While it fills, its columns are plain doubles written by ingest; once full, it is
/// sealed, mostly on the store's <see cref="ChunkSealer"/> thread: each column is encoded (<see cref="ColumnEncoder"/>),
/// the encoded form swapped in, and the plain buffers go back to the series for a later chunk. Readers look at points
/// below the count they took from a snapshot, through <see cref="X"/>,
/// <see cref="Y"/>, <see cref="Xs"/>, <see cref="Ys"/> and <see cref="Read"/>, which see the same values before,
/// during and after the seal.
/// </summary>
internal sealed class ColumnChunk
{
    /// <summary>Shift of the smallest chunk: one group of 4,096 points, so block and group summaries still apply.</summary>
    public const int MinShift = 12;

    /// <summary>Shift of the largest (and default) chunk: 65,536 points, 1 MiB of columns while it fills.</summary>
    public const int MaxShift = 16;

    /// <summary>Points the largest chunk holds.</summary>
    public const int MaxCapacity = 1 << MaxShift;

    /// <summary>Points a summary block covers (and an encoded block: one decodes what one summary describes).</summary>
    public const int BlockPoints = PackedColumn.BlockPoints;

    /// <summary>Blocks a group summary covers (a group is 4,096 points).</summary>
    public const int BlocksPerGroup = 16;

    /// <summary>Points a group summary covers.</summary>
    public const int GroupPoints = BlockPoints * BlocksPerGroup;

    /// <summary>Most points one span read (<see cref="Xs"/>, <see cref="Ys"/>) returns: a group.</summary>
    public const int MaxReadPoints = GroupPoints;

    // An array's header and length on a 64-bit runtime.
    private const int ArrayOverheadBytes = 24;

    private double[]? _x;
    private double[]? _y;
    private PackedColumn? _packedX;
    private PackedColumn? _packedY;

    /// <summary>Creates a chunk of 2^<paramref name="shift"/> points with fresh columns.</summary>
    public ColumnChunk(int shift = MaxShift)
        : this(shift, GC.AllocateUninitializedArray<double>(1 << shift), GC.AllocateUninitializedArray<double>(1 << shift))
    {
    }

    /// <summary>Creates a chunk of 2^<paramref name="shift"/> points that fills the given columns (spares of a sealed chunk).</summary>
    public ColumnChunk(int shift, double[] xs, double[] ys)
    {
        if (shift is < MinShift or > MaxShift)
            throw new ArgumentOutOfRangeException(nameof(shift), shift, $"a chunk's shift runs from {MinShift} to {MaxShift}");
        Shift = shift;
        int capacity = 1 << shift;
        Blocks = new ChunkSummary[capacity / BlockPoints];
        Groups = new ChunkSummary[capacity / GroupPoints];
        _x = xs;
        _y = ys;
    }

    /// <summary>Point index i lives in chunk i &gt;&gt; Shift of its series.</summary>
    public int Shift { get; }

    /// <summary>Points this chunk holds.</summary>
    public int Capacity => 1 << Shift;

    /// <summary>Bytes a filling chunk of 2^<paramref name="shift"/> points takes: plain columns, summaries and array headers.</summary>
    public static long BytesFor(int shift) => 2 * ColumnBytesFor(shift) + SummaryBytesFor(shift);

    /// <summary>Bytes one plain column of a chunk of 2^<paramref name="shift"/> points takes.</summary>
    public static long ColumnBytesFor(int shift) => (1L << shift) * sizeof(double) + ArrayOverheadBytes;

    /// <summary>Bytes the summaries of a chunk of 2^<paramref name="shift"/> points take, with the chunk object itself.</summary>
    public static long SummaryBytesFor(int shift) =>
        ((1L << shift) / BlockPoints + (1L << shift) / GroupPoints) * Unsafe.SizeOf<ChunkSummary>() + 2 * ArrayOverheadBytes + 64;

    /// <summary>Bytes this chunk holds now: encoded columns once sealed, plain ones while filling.</summary>
    public long HeldBytes
    {
        get
        {
            long bytes = SummaryBytesFor(Shift);
            var px = Volatile.Read(ref _packedX);
            var py = Volatile.Read(ref _packedY);
            bytes += px?.HeldBytes ?? ColumnBytesFor(Shift);
            bytes += py?.HeldBytes ?? ColumnBytesFor(Shift);
            return bytes;
        }
    }

    /// <summary>Whether the chunk is full and its columns encoded.</summary>
    public bool IsSealed => Volatile.Read(ref _packedX) is not null;

    /// <summary>The encoded x column once sealed, else null (tests and benchmarks look at what was chosen).</summary>
    internal PackedColumn? PackedX => Volatile.Read(ref _packedX);

    /// <summary>The encoded y column once sealed, else null.</summary>
    internal PackedColumn? PackedY => Volatile.Read(ref _packedY);

    /// <summary>Summary of each complete block.</summary>
    public readonly ChunkSummary[] Blocks;

    /// <summary>Summary of each complete group: 16 blocks merged, so a long range reads one entry per 4,096 points.</summary>
    public readonly ChunkSummary[] Groups;

    /// <summary>The x column being filled: ingest only, before the seal.</summary>
    internal double[] RawX => _x!;

    /// <summary>The y column being filled: ingest only, before the seal.</summary>
    internal double[] RawY => _y!;

    /// <summary>Points written so far (only ingest changes it).</summary>
    internal int Count;

    /// <summary>When this chunk started taking points, in the store's arrival order (oldest is evicted first).</summary>
    internal long Arrival;

    /// <summary>Whether a series holds this chunk now; false once it is evicted or its series replaced.</summary>
    internal bool Held;

    /// <summary>
    /// Whether the chunk waits for the sealer or is being sealed: its plain columns are the sealer's to read until it
    /// clears this, so an evicted chunk is not filled again before.
    /// </summary>
    internal volatile bool SealPending;

    /// <summary>The x of point <paramref name="i"/> of the chunk.</summary>
    public double X(int i) => ValueAt(ref _x, ref _packedX, i);

    /// <summary>The y of point <paramref name="i"/> of the chunk.</summary>
    public double Y(int i) => ValueAt(ref _y, ref _packedY, i);

    /// <summary>
    /// Whether <see cref="X"/> reads the x of point <paramref name="i"/> in constant time (a plain column, or an encoded
    /// block whose values are computed in place), so a search over several x of its block need not decode it.
    /// </summary>
    public bool XReadsInPlace(int i) => Volatile.Read(ref _packedX)?.ReadsInPlace(i / BlockPoints) ?? true;

    /// <summary>
    /// The x of points [<paramref name="from"/>, <paramref name="to"/>), at most <see cref="MaxReadPoints"/> of them.
    /// The span may lie in this thread's read buffers: it holds until the thread's next <see cref="Xs"/> of more than
    /// a block, or three more reads of other encoded blocks.
    /// </summary>
    public ReadOnlySpan<double> Xs(int from, int to) => Span(ref _x, ref _packedX, from, to, ReadBuffers.Current.X);

    /// <summary>The y of points [<paramref name="from"/>, <paramref name="to"/>), as <see cref="Xs"/> (until the thread's next <see cref="Ys"/> of more than a block, or three more reads of other encoded blocks).</summary>
    public ReadOnlySpan<double> Ys(int from, int to) => Span(ref _y, ref _packedY, from, to, ReadBuffers.Current.Y);

    /// <summary>Copies points [<paramref name="from"/>, <paramref name="from"/> + n) into the caller's columns (any length).</summary>
    public void Read(int from, Span<double> xs, Span<double> ys)
    {
        for (int done = 0; done < xs.Length; done += MaxReadPoints)
        {
            int n = Math.Min(MaxReadPoints, xs.Length - done);
            Xs(from + done, from + done + n).CopyTo(xs.Slice(done, n));
            Ys(from + done, from + done + n).CopyTo(ys.Slice(done, n));
        }
    }

    // A filling column's buffer goes back to the series the moment the chunk is sealed, to take a later chunk's
    // points (the sealer seals on its own thread, while readers read): a reader that read from it checks afterwards that it was still this chunk's, and reads the encoded
    // column otherwise. The seal publishes the encoded column before it lets go of the buffer, so one of the two is
    // always there. (A chunk evicted and reused is the store's older guard: see SeriesStore.StillHeld.)
    private static double ValueAt(ref double[]? raw, ref PackedColumn? packed, int i)
    {
        var p = Volatile.Read(ref packed);
        if (p is not null) return p.ValueAt(i);
        var buffer = Volatile.Read(ref raw);
        if (buffer is not null)
        {
            double value = Volatile.Read(ref buffer[i]);
            if (ReferenceEquals(Volatile.Read(ref raw), buffer)) return value;
        }
        return Volatile.Read(ref packed)?.ValueAt(i) ?? double.NaN;
    }

    private static ReadOnlySpan<double> Span(ref double[]? raw, ref PackedColumn? packed, int from, int to, double[] scratch)
    {
        var p = Volatile.Read(ref packed);
        if (p is null)
        {
            var buffer = Volatile.Read(ref raw);
            if (buffer is not null)
            {
                buffer.AsSpan(from, to - from).CopyTo(scratch);
                // The copy's reads must happen before the check that the buffer was still ours.
                Interlocked.MemoryBarrier();
                if (ReferenceEquals(Volatile.Read(ref raw), buffer)) return scratch.AsSpan(0, to - from);
            }
            p = Volatile.Read(ref packed);
            // Only a reader of a chunk evicted and reused meanwhile gets here; its snapshot's guard drops what it read.
            if (p is null) return scratch.AsSpan(0, to - from);
        }
        if (p.Values is { } values) return values.AsSpan(from, to - from);
        int block = from / BlockPoints;
        // Within one block (a line's edges and picks, a scan of one block): the thread's decoded block, shared
        // with the point reads of the same block, decoded only as far as the span needs.
        int first = block * BlockPoints;
        if ((to - 1) / BlockPoints == block) return p.CachedBlock(block, from - first, to - first).AsSpan(from - first, to - from);
        p.Read(from, to, scratch);
        return scratch.AsSpan(0, to - from);
    }

    /// <summary>
    /// Encodes the full chunk's plain columns; nothing changes for readers until <see cref="Publish"/>. Ingest, or the
    /// sealer while the chunk is <see cref="SealPending"/>: nobody writes the columns then.
    /// </summary>
    internal (PackedColumn X, PackedColumn Y) Encode(ColumnEncoder encoder) => (encoder.Encode(_x!), encoder.Encode(_y!));

    /// <summary>
    /// Swaps the encoded columns in for the plain ones; returns the plain buffers now free for a later chunk (null for
    /// a column kept plain because encoding saved too little). Called once, with the columns <see cref="Encode"/> made.
    /// </summary>
    internal (double[]? X, double[]? Y) Publish(PackedColumn packedX, PackedColumn packedY)
    {
        var xs = _x!;
        var ys = _y!;
        // Encoded first, plain let go after: a reader finds one of the two at any moment (see ValueAt).
        Volatile.Write(ref _packedX, packedX);
        Volatile.Write(ref _packedY, packedY);
        // Full fences: the series writes a later chunk's points into these buffers only after readers can see they left.
        Interlocked.Exchange(ref _x, null);
        Interlocked.Exchange(ref _y, null);
        return (ReferenceEquals(packedX.Values, xs) ? null : xs, ReferenceEquals(packedY.Values, ys) ? null : ys);
    }

    /// <summary>Gives an evicted chunk plain columns to fill again, dropping its encoded ones. Ingest only.</summary>
    internal void Refill(double[] xs, double[] ys)
    {
        Volatile.Write(ref _x, xs);
        Volatile.Write(ref _y, ys);
        Volatile.Write(ref _packedX, null);
        Volatile.Write(ref _packedY, null);
        Count = 0;
    }

    /// <summary>Recomputes the summary of block <paramref name="block"/> from its points; called once it is full.</summary>
    // Compiled optimized at once, as the encoder's per-value code is (ColumnEncoder).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Summarize(int block)
    {
        int start = block * BlockPoints;
        var sum = ChunkSummary.Empty;
        double xMin = sum.XMin, xMax = sum.XMax, yMin = sum.YMin, yMax = sum.YMax;
        int yMinAt = -1, yMaxAt = -1, firstGap = -1, lastGap = -1, nanCount = 0;
        var xs = _x.AsSpan(start, BlockPoints);
        var ys = _y.AsSpan(start, BlockPoints);
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i], y = ys[i];
            // NaN compares false both ways, so NaNs never become a minimum or maximum.
            if (x < xMin) xMin = x;
            if (x > xMax) xMax = x;
            if (y < yMin) { yMin = y; yMinAt = start + i; }
            if (y > yMax) { yMax = y; yMaxAt = start + i; }
            if (double.IsNaN(y))
            {
                if (firstGap < 0) firstGap = start + i;
                lastGap = start + i;
            }
            if (double.IsNaN(x) || double.IsNaN(y)) nanCount++;
        }
        Blocks[block] = new ChunkSummary
        {
            XMin = xMin, XMax = xMax, YMin = yMin, YMax = yMax, YMinAt = yMinAt, YMaxAt = yMaxAt,
            FirstGapAt = firstGap, LastGapAt = lastGap, NaNCount = nanCount,
        };
        if (block % BlocksPerGroup == BlocksPerGroup - 1)
        {
            // Blocks are merged in index order, so a tie keeps the first index, as within a block.
            int group = block / BlocksPerGroup;
            var merged = ChunkSummary.Empty;
            for (int b = group * BlocksPerGroup; b <= block; b++) merged.Merge(Blocks[b]);
            Groups[group] = merged;
        }
    }

    // Per-thread buffers the span reads decode into: a group of each column.
    private sealed class ReadBuffers
    {
        [ThreadStatic]
        private static ReadBuffers? t_current;

        public static ReadBuffers Current => t_current ??= new ReadBuffers();

        public readonly double[] X = new double[MaxReadPoints];
        public readonly double[] Y = new double[MaxReadPoints];
    }
}
