using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// M4 for line series (Jugel et al., VLDB 2014): per pixel column the first, lowest, highest and last point,
/// plus the gaps (NaN y) that break the line there. A line's x is sorted, so column edges are found by search
/// and a column's extremes come from group and block summaries, reading points only in the partial blocks at
/// its edges: a query costs about pixels × (log N + summaries per column), not N.
/// </summary>
internal static class LineDecimator
{
    private const int BlockPoints = ColumnChunk.BlockPoints;
    private const int GroupPoints = ColumnChunk.GroupPoints;

    /// <summary>Most points one pixel column can send: first, lowest, highest, last and two gap markers.</summary>
    public const int MaxPointsPerColumn = 6;

    /// <summary>
    /// Fills <paramref name="into"/> with the M4 points of the line in the viewport's x range: columns even in x, or
    /// in log10(x) on a log x axis. On a log y axis a point with y &lt;= 0 goes out as a gap (NaN y), and
    /// <see cref="SeriesView.NotShown"/> counts such points in x range and, on a log x axis, every point with x &lt;= 0.
    /// </summary>
    public static void Build(in SeriesSnapshot s, in Viewport v, int widthPx, SeriesView into)
    {
        into.NotShown = 0;
        if (!v.XLog)
        {
            Build<LinearScale>(s, v, widthPx, into);
        }
        else
        {
            Build<LogScale>(s, v, widthPx, into);
            // Sorted x: the points at or below zero are the first ones, and only the entry point can be one of them.
            into.NotShown += LowerBound(s, 0, s.Count, new XAbove(0));
            if (into.Count > 0 && !(into.Xs[0] > 0))
            {
                into.Count--;
                Array.Copy(into.Xs, 1, into.Xs, 0, into.Count);
                Array.Copy(into.Ys, 1, into.Ys, 0, into.Count);
            }
        }
        if (v.YLog) MaskNonPositive(s, v, into);
    }

    // A log axis has no place for y <= 0: such points become gaps, as matplotlib masks them, and are counted.
    private static void MaskNonPositive(in SeriesSnapshot s, in Viewport v, SeriesView into)
    {
        var ys = into.Ys;
        for (int i = 0; i < into.Count; i++)
        {
            if (ys[i] <= 0) ys[i] = double.NaN;
        }
        long lo = LowerBound(s, 0, s.Count, new XAtLeast(v.XMin));
        long hi = LowerBound(s, lo, s.Count, new XAbove(v.XMax));
        into.NotShown += CountNonPositive(s, lo, hi);
    }

    /// <summary>Points in [from, to) with y &lt;= 0; runs whose lowest y is positive (or all gaps) are skipped by their summaries.</summary>
    internal static long CountNonPositive(in SeriesSnapshot s, long from, long to)
    {
        var visitor = new NonPositiveCount();
        RunWalk.Walk(s, from, to, ref visitor);
        return visitor.Count;
    }

    private struct NonPositiveCount : IRunVisitor
    {
        public long Count;

        public readonly bool Done => false;

        public readonly bool Answer(in ChunkSummary run, ColumnChunk chunk, long chunkStart, int from, int count) => !(run.YMin <= 0);

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            foreach (double y in chunk.Ys(from, to))
            {
                if (y <= 0) Count++;
            }
        }
    }

    private static void Build<TX>(in SeriesSnapshot s, in Viewport v, int widthPx, SeriesView into) where TX : struct, IAxisScale
    {
        // Whatever path this build takes, the columns kept from the last one are only trusted once this one wrote them.
        bool keptBefore = into.ColumnsKept;
        into.ColumnsKept = false;
        long n = s.Count;
        if (n == 0 || !(v.XMin <= v.XMax)) return;
        long lo = LowerBound(s, 0, n, new XAtLeast(v.XMin));
        long hi = LowerBound(s, lo, n, new XAbove(v.XMax));
        into.PointsInView = hi - lo;
        long first = Math.Max(lo - 1, 0), end = Math.Min(hi + 1, n);

        // Few enough points that M4 could not shrink them: send them as they are (exact, and cheaper).
        if (hi - lo <= 4L * widthPx)
        {
            into.EnsurePoints((int)(end - first), MaxPointsPerColumn * widthPx + 2);
            int count = 0;
            for (long i = first; i < end; i++) Emit(s, i, into, ref count);
            into.Count = count;
            return;
        }

        into.EnsurePoints(MaxPointsPerColumn * widthPx + 2, MaxPointsPerColumn * widthPx + 2);
        keptBefore &= into.Xs.Length >= MaxPointsPerColumn * widthPx + 2;
        int written = 0;
        // The points just outside make the line enter and leave the view at the right slope.
        if (lo > 0) Emit(s, lo - 1, into, ref written);
        TX axis = default;
        double origin = axis.Map(v.XMin);
        double span = axis.Map(v.XMax) - origin;
        double scale = span > 0 ? widthPx / span : 0;
        // A following window on a column grid numbers its columns from the grid's line: column c holds the points
        // with ⌊x · perX⌋ = gridStart + c, the same points whichever grid line the window starts on.
        double gridStart = 0, phase = 0;
        bool grid = typeof(TX) == typeof(LinearScale) && ColumnGrid.TryStart(v, widthPx, out gridStart);
        if (grid)
        {
            origin = 0;
            scale = v.ColumnsPerX;
            phase = v.GridPhase;
        }
        var columns = new Columns<TX>(origin, scale, phase, gridStart, widthPx);

        // A line on linear axes keeps its columns for the next build. When this build is of the same window over the
        // same series, or of a window on the same grid moved by whole columns (following, or panned), the columns the
        // last build found complete are copied: with x sorted and points only appended (or evicted from the front,
        // which lo > 0 rules out here), no point can have joined or left them. The first column of each build is built
        // anew (an eviction may have cut it), and so is the last (it takes all points to hi).
        bool keep = typeof(TX) == typeof(LinearScale) && !v.YLog && scale > 0;
        int[] starts = into.ColumnStarts;
        if (keep && starts.Length < widthPx + 1)
        {
            starts = into.ColumnStarts = new int[widthPx + 1];
            keptBefore = false;
        }
        int reuseFrom = 1, reuseTo = 0, movedAt = 0, moved = 0;
        int shift = int.MinValue;
        if (keep && keptBefore && lo > 0 && into.KeptWidthPx == widthPx && ReferenceEquals(into.KeptFirstChunk, s.Chunks[0]))
        {
            if (grid)
            {
                if (into.KeptColumnsPerX == scale && into.KeptGridPhase == phase && Math.Abs(gridStart - into.KeptGridStart) < widthPx)
                    shift = (int)(gridStart - into.KeptGridStart);
            }
            else if (into.KeptColumnsPerX == 0 && into.KeptXMin == v.XMin && into.KeptXMax == v.XMax)
            {
                shift = 0;
            }
        }
        if (shift != int.MinValue)
        {
            // The last build's column c + shift is this one's column c; its own first column is not taken (it was cut
            // at that window's edge).
            reuseFrom = Math.Max(1, 1 - shift);
            reuseTo = Math.Min(into.KeptCompleteColumns - shift, widthPx - 1);
            if (reuseTo > reuseFrom)
            {
                // Out of the way of the columns before them, which are written before the kept ones are copied back.
                int from = starts[reuseFrom + shift];
                moved = starts[reuseTo + shift] - from;
                movedAt = into.Xs.Length - moved;
                Array.Copy(into.Xs, from, into.Xs, movedAt, moved);
                Array.Copy(into.Ys, from, into.Ys, movedAt, moved);
                // In place: upwards when the columns move left, downwards when they move right.
                if (shift >= 0)
                    for (int c = reuseFrom; c <= reuseTo; c++) starts[c] = starts[c + shift] - from;
                else
                    for (int c = reuseTo; c >= reuseFrom; c--) starts[c] = starts[c + shift] - from;
            }
            else
            {
                reuseTo = 0;
            }
        }

        Span<long> picks = stackalloc long[MaxPointsPerColumn];
        int nextColumn = 0;
        long a = lo;
        while (a < hi)
        {
            // Jump straight to the column of the next point, so empty columns cost nothing.
            int column = columns.Of(s.X(a));
            if (reuseTo > 0 && column >= reuseFrom)
            {
                // The kept columns start at the first one holding a point, and with the same point.
                bool same = column < reuseTo && starts[column] == 0
                    && (moved == 0 || BitConverter.DoubleToInt64Bits(into.Xs[movedAt]) == BitConverter.DoubleToInt64Bits(s.X(a)));
                if (same)
                {
                    for (int c = nextColumn; c < reuseFrom; c++) starts[c] = written;
                    for (int c = reuseFrom; c <= reuseTo; c++) starts[c] += written;
                    Array.Copy(into.Xs, movedAt, into.Xs, written, moved);
                    Array.Copy(into.Ys, movedAt, into.Ys, written, moved);
                    written += moved;
                    nextColumn = reuseTo;
                    a = LowerBound(s, a, hi, columns.AtLeast(reuseTo));
                    reuseTo = 0;
                    continue;
                }
                reuseTo = 0;
            }
            if (keep)
            {
                for (int c = nextColumn; c <= column; c++) starts[c] = written;
                nextColumn = column + 1;
            }
            long b = column >= widthPx - 1 ? hi : LowerBound(s, a + 1, hi, columns.AtLeast(column + 1));
            EmitColumn(s, a, b, picks, into, ref written);
            a = b;
        }
        if (keep)
        {
            for (int c = nextColumn; c <= widthPx; c++) starts[c] = written;
            into.KeptXMin = v.XMin;
            into.KeptXMax = v.XMax;
            into.KeptWidthPx = widthPx;
            into.KeptColumnsPerX = grid ? scale : 0;
            into.KeptGridPhase = phase;
            into.KeptGridStart = gridStart;
            into.KeptFirstChunk = s.Chunks[0];
            // Columns before the one of the newest point can gain no point: x is sorted.
            into.KeptCompleteColumns = columns.Of(s.X(n - 1));
            into.ColumnsKept = true;
        }
        if (hi < n) Emit(s, hi, into, ref written);
        into.Count = written;
    }

    /// <summary>The box of the points with index in [from, to): x from the sorted ends, y from summaries.</summary>
    public static DataBounds Bounds(in SeriesSnapshot s, long from, long to)
    {
        if (from >= to) return DataBounds.Empty;
        var y = Summarize(s, from, to);
        return new DataBounds(s.X(from), s.X(to - 1), y.Min, y.Max);
    }

    /// <summary>The box of the points whose x lies in [xMin, xMax].</summary>
    public static DataBounds BoundsInX(in SeriesSnapshot s, double xMin, double xMax)
    {
        long lo = LowerBound(s, 0, s.Count, new XAtLeast(xMin));
        long hi = LowerBound(s, lo, s.Count, new XAbove(xMax));
        return Bounds(s, lo, hi);
    }

    private static void EmitColumn(in SeriesSnapshot s, long a, long b, Span<long> picks, SeriesView into, ref int written)
    {
        var sum = Summarize(s, a, b);
        int k = 0;
        if (sum.MinAt >= 0 || sum.MaxAt >= 0)
        {
            picks[k++] = FirstNotNaN(s, a, b);
            picks[k++] = LastNotNaN(s, a, b);
            if (sum.MinAt >= 0) picks[k++] = sum.MinAt;
            if (sum.MaxAt >= 0) picks[k++] = sum.MaxAt;
        }
        // The first and last gap keep a break before the column's first point and after its last one.
        if (sum.FirstGapAt >= 0)
        {
            picks[k++] = sum.FirstGapAt;
            picks[k++] = sum.LastGapAt;
        }
        // Index order is x order; sorting six values by insertion beats anything cleverer.
        for (int i = 1; i < k; i++)
        {
            long p = picks[i];
            int j = i - 1;
            while (j >= 0 && picks[j] > p) { picks[j + 1] = picks[j]; j--; }
            picks[j + 1] = p;
        }
        for (int i = 0; i < k; i++)
        {
            if (i > 0 && picks[i] == picks[i - 1]) continue;
            // The lowest and highest y are in the summary already: an encoded y column is not decoded for them.
            long p = picks[i];
            if (p == sum.MinAt || p == sum.MaxAt)
            {
                into.Xs[written] = s.X(p);
                into.Ys[written] = p == sum.MinAt ? sum.Min : sum.Max;
                written++;
                continue;
            }
            Emit(s, p, into, ref written);
        }
    }

    private static void Emit(in SeriesSnapshot s, long i, SeriesView into, ref int written)
    {
        var chunk = s.Chunks[(int)(i >> s.Shift)];
        int at = (int)i & s.Mask;
        into.Xs[written] = chunk.X(at);
        into.Ys[written] = chunk.Y(at);
        written++;
    }

    /// <summary>Lowest and highest y, and first and last gap, over points [from, to) of a line.</summary>
    internal static LineSummary Summarize(in SeriesSnapshot s, long from, long to)
    {
        // Chunks hold whole blocks, so a series index that is a multiple of a block starts a block in its chunk.
        long innerFrom = (from + BlockPoints - 1) & ~(long)(BlockPoints - 1);
        long innerTo = to & ~(long)(BlockPoints - 1);
        if (innerFrom >= innerTo || (innerFrom == from && innerTo == to)) return Walk(s, from, to);

        // The whole blocks between the ends come from summaries, and so does a partial block at either end wherever its
        // block's summary settles it (Edge): a pixel column's edges mostly cut blocks whose extremes lose, or lie inside.
        var inner = Walk(s, innerFrom, innerTo);
        var sum = from < innerFrom ? Edge(s, from, innerFrom, inner, before: true) : LineSummary.Empty;
        sum.Append(inner);
        if (innerTo < to) sum.Append(Edge(s, innerTo, to, sum, before: false));
        return sum;
    }

    // The summary of points [from, to), part of one block, merged before (or after) `other`. The block's summary
    // settles it without reading a point where, for its lowest y and for its highest, that extreme lies inside the
    // range (then it is the range's own, at its first index), or lies outside and cannot win against `other` (so
    // neither can the range's, which is no more extreme; the earlier index wins a tie, so a range before `other`
    // must be strictly less extreme). Otherwise, or with a gap in the block, the points are read.
    private static LineSummary Edge(in SeriesSnapshot s, long from, long to, in LineSummary other, bool before)
    {
        if (!TryBlock(s, from, out var block) || block.FirstGapAt >= 0) return Walk(s, from, to);
        long chunkStart = from & ~(long)s.Mask;
        long minAt = chunkStart + block.YMinAt, maxAt = chunkStart + block.YMaxAt;
        var edge = LineSummary.Empty;
        if (minAt >= from && minAt < to) (edge.Min, edge.MinAt) = (block.YMin, minAt);
        else if (before ? !(block.YMin > other.Min) : !(block.YMin >= other.Min)) return Walk(s, from, to);
        if (maxAt >= from && maxAt < to) (edge.Max, edge.MaxAt) = (block.YMax, maxAt);
        else if (before ? !(block.YMax < other.Max) : !(block.YMax <= other.Max)) return Walk(s, from, to);
        return edge;
    }

    private static LineSummary Walk(in SeriesSnapshot s, long from, long to)
    {
        var visitor = new Extremes { Sum = LineSummary.Empty };
        RunWalk.Walk(s, from, to, ref visitor);
        return visitor.Sum;
    }

    // The summary of the block holding point `at`, when that block is complete in the snapshot.
    private static bool TryBlock(in SeriesSnapshot s, long at, out ChunkSummary block)
    {
        long blockStart = at & ~(long)(BlockPoints - 1);
        if (blockStart + BlockPoints > s.Count)
        {
            block = default;
            return false;
        }
        block = s.Chunks[(int)(at >> s.Shift)].Blocks[((int)at & s.Mask) / BlockPoints];
        return true;
    }

    /// <summary>The first point in [from, to) whose y is not NaN, skipping all-gap groups and blocks; -1 if none.</summary>
    internal static long FirstNotNaN(in SeriesSnapshot s, long from, long to)
    {
        if (from >= to) return -1;
        // A block without gaps answers at once: no point of it needs reading.
        if (TryBlock(s, from, out var block) && block.FirstGapAt < 0) return from;
        var visitor = new NotNaN { Found = -1 };
        RunWalk.Walk(s, from, to, ref visitor);
        return visitor.Found;
    }

    /// <summary>The last point in [from, to) whose y is not NaN; -1 if none.</summary>
    internal static long LastNotNaN(in SeriesSnapshot s, long from, long to)
    {
        if (from >= to) return -1;
        if (TryBlock(s, to - 1, out var block) && block.FirstGapAt < 0) return to - 1;
        var visitor = new NotNaN { Found = -1, Backward = true };
        RunWalk.WalkBack(s, from, to, ref visitor);
        return visitor.Found;
    }

    // Every run is taken whole from its summary; only the partial blocks at the ends are read.
    private struct Extremes : IRunVisitor
    {
        public LineSummary Sum;

        public readonly bool Done => false;

        public bool Answer(in ChunkSummary run, ColumnChunk chunk, long chunkStart, int from, int count)
        {
            Sum.Add(chunkStart, run);
            return true;
        }

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to) => Sum.Scan(chunk.Ys(from, to), chunkStart + from);
    }

    // Runs that are all gaps are skipped; the first run that is not is read from its near end.
    private struct NotNaN : IRunVisitor
    {
        public long Found;
        public bool Backward;

        public readonly bool Done => Found >= 0;

        public readonly bool Answer(in ChunkSummary run, ColumnChunk chunk, long chunkStart, int from, int count) => run.AllGaps;

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            var ys = chunk.Ys(from, to);
            if (Backward)
            {
                for (int j = ys.Length - 1; j >= 0; j--)
                    if (!double.IsNaN(ys[j])) { Found = chunkStart + from + j; return; }
                return;
            }
            for (int j = 0; j < ys.Length; j++)
                if (!double.IsNaN(ys[j])) { Found = chunkStart + from + j; return; }
        }
    }

    /// <summary>
    /// The first index in [from, to) whose x passes <paramref name="test"/> (which must be false then true along
    /// sorted x), or <paramref name="to"/>. Gallops over chunks from <paramref name="from"/> (the next column edge is
    /// usually in the same or the next chunk), then walks group and block summaries, then bisects one block.
    /// </summary>
    internal static long LowerBound<T>(in SeriesSnapshot s, long from, long to, T test) where T : struct, IXTest
    {
        if (from >= to) return to;
        int k = (int)(from >> s.Shift);
        int lastChunk = (int)((to - 1) >> s.Shift);
        if (!test.Reached(LastX(s, k, to)))
        {
            int below = k, above, step = 1;
            while (true)
            {
                int probe = below + step;
                if (probe >= lastChunk) { above = lastChunk; break; }
                if (test.Reached(LastX(s, probe, to))) { above = probe; break; }
                below = probe;
                step <<= 1;
            }
            while (above - below > 1)
            {
                int mid = below + (above - below) / 2;
                if (test.Reached(LastX(s, mid, to))) above = mid;
                else below = mid;
            }
            if (above == below || !test.Reached(LastX(s, above, to))) return to;
            k = above;
        }

        var chunk = s.Chunks[k];
        long chunkStart = (long)k << s.Shift;
        int start = (int)Math.Max(from - chunkStart, 0);
        int end = (int)Math.Min(to - chunkStart, s.CountIn(k));

        // Sorted x: a group's or block's largest x is its last, so its summary says whether the answer lies inside.
        int g = start / GroupPoints;
        while (true)
        {
            int gEnd = Math.Min((g + 1) * GroupPoints, end);
            // A group wholly before `end` is complete in this snapshot; the summary saves a cache miss into xs.
            if (test.Reached((g + 1) * GroupPoints <= end ? chunk.Groups[g].XMax : chunk.X(gEnd - 1))) break;
            g++;
        }
        int b = Math.Max(start, g * GroupPoints) / BlockPoints;
        while (true)
        {
            int bEnd = Math.Min((b + 1) * BlockPoints, end);
            if (test.Reached((b + 1) * BlockPoints <= end ? chunk.Blocks[b].XMax : chunk.X(bEnd - 1))) break;
            b++;
        }
        int first = Math.Max(start, b * BlockPoints), last = Math.Min((b + 1) * BlockPoints, end);
        // x[last - 1] passes; find the first that does. X reads a plain or closed-form block in place; any other
        // encoded block is decoded once, as one span, for the whole search (the column's edge reads then find it in
        // the thread's cache), rather than summed up to each probe.
        int lo, hi;
        if (chunk.XReadsInPlace(first))
        {
            lo = first;
            hi = last - 1;
            while (lo < hi)
            {
                int mid = lo + (hi - lo) / 2;
                if (test.Reached(chunk.X(mid))) hi = mid;
                else lo = mid + 1;
            }
            return chunkStart + lo;
        }
        var xs = chunk.Xs(first, last);
        lo = 0;
        hi = xs.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (test.Reached(xs[mid])) hi = mid;
            else lo = mid + 1;
        }
        return chunkStart + first + lo;
    }

    // The x of the last point of chunk k that lies before index `to`. A line's x is sorted and never NaN, so a whole
    // group's largest x is its last: the summary answers without decoding an encoded x column.
    private static double LastX(in SeriesSnapshot s, int k, long to)
    {
        long chunkStart = (long)k << s.Shift;
        int end = (int)Math.Min(to - chunkStart, s.CountIn(k));
        var chunk = s.Chunks[k];
        return (end & (GroupPoints - 1)) == 0 ? chunk.Groups[end / GroupPoints - 1].XMax : chunk.X(end - 1);
    }

    /// <summary>A test on x that is false, then true, along a sorted column.</summary>
    internal interface IXTest
    {
        /// <summary>Whether <paramref name="x"/> is at or past the edge searched for.</summary>
        bool Reached(double x);
    }

    /// <summary>
    /// The first index of a line whose x is at or past <paramref name="edge"/> (<paramref name="inclusive"/>) or past
    /// it, or the count: where a view, a histogram or a nearest-point search starts or stops along sorted x.
    /// </summary>
    internal static long FirstX(in SeriesSnapshot s, double edge, bool inclusive) =>
        inclusive ? LowerBound(s, 0, s.Count, new XAtLeast(edge)) : LowerBound(s, 0, s.Count, new XAbove(edge));

    private readonly struct XAtLeast(double xMin) : IXTest
    {
        public bool Reached(double x) => x >= xMin;
    }

    private readonly struct XAbove(double xMax) : IXTest
    {
        public bool Reached(double x) => x > xMax;
    }

    // The pixel column of an x: ⌊(x - origin) · scale - phase⌋ counted from the grid line `start` (origin, phase and
    // start 0 but on a grid, where columns start at the window's left edge), clamped to the window.
    private readonly struct Columns<TX>(double origin, double scale, double phase, double start, int widthPx) where TX : struct, IAxisScale
    {
        public int Of(double x) => (int)Math.Clamp(Math.Floor((default(TX).Map(x) - origin) * scale - phase) - start, 0, widthPx - 1);

        public ColumnAtLeast<TX> AtLeast(int column) => new(origin, scale, phase, start + column);
    }

    // The same arithmetic that assigns a point its column, so edges found by search agree with it exactly: for a whole
    // number n, ⌊v⌋ ≥ n exactly when v ≥ n.
    private readonly struct ColumnAtLeast<TX>(double origin, double scale, double phase, double line) : IXTest where TX : struct, IAxisScale
    {
        public bool Reached(double x) => (default(TX).Map(x) - origin) * scale - phase >= line;
    }
}
