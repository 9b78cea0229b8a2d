using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// Scatter views: every point in view while they are few, else a count per pixel (datashader's idea). One pass:
/// points are copied until there are too many, then the grid takes over from them. Group and block bounding boxes
/// skip runs wholly outside the view and send runs wholly inside without the per-point range test.
/// </summary>
internal static class ScatterDecimator
{
    private const int BlockPoints = ColumnChunk.BlockPoints;
    private const int GroupPoints = ColumnChunk.GroupPoints;

    /// <summary>
    /// Fills <paramref name="into"/> with the scatter's points in view, or their density when too many: a grid even in
    /// each axis' units (log10 on a log axis). <see cref="SeriesView.NotShown"/> counts the points a log axis cannot
    /// show: x &lt;= 0 on a log x axis, y &lt;= 0 with x in range on a log y axis.
    /// </summary>
    public static void Build(in SeriesSnapshot s, in Viewport v, int widthPx, int heightPx, int pointLimit, SeriesView into)
    {
        into.NotShown = 0;
        if (!v.XLog && !v.YLog)
        {
            Build<LinearScale, LinearScale>(s, v, widthPx, heightPx, pointLimit, into);
            return;
        }
        if (v.XLog && v.YLog) Build<LogScale, LogScale>(s, v, widthPx, heightPx, pointLimit, into);
        else if (v.XLog) Build<LogScale, LinearScale>(s, v, widthPx, heightPx, pointLimit, into);
        else Build<LinearScale, LogScale>(s, v, widthPx, heightPx, pointLimit, into);
        into.NotShown = CountNotShown(s, v);
    }

    /// <summary>Points a log axis of <paramref name="v"/> cannot show; runs whose summaries rule them out are skipped.</summary>
    internal static long CountNotShown(in SeriesSnapshot s, in Viewport v)
    {
        var visitor = new NotShownCount(v);
        RunWalk.Walk(s, ref visitor);
        return visitor.Count;
    }

    private struct NotShownCount(Viewport v) : IRunVisitor
    {
        public long Count;

        // A run holding NaNs has summaries that say too little, so it is read.
        public readonly bool Done => false;

        public readonly bool Answer(in ChunkSummary r, ColumnChunk chunk, long chunkStart, int from, int count) =>
            r.NaNCount == 0 && !(v.XLog && r.XMin <= 0) && !(v.YLog && r.YMin <= 0 && !r.OutsideX(v.XMin, v.XMax));

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            var xs = chunk.Xs(from, to);
            var ys = chunk.Ys(from, to);
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i];
                if ((v.XLog && x <= 0) || (v.YLog && ys[i] <= 0 && x >= v.XMin && x <= v.XMax)) Count++;
            }
        }
    }

    private static void Build<TX, TY>(in SeriesSnapshot s, in Viewport v, int widthPx, int heightPx, int pointLimit, SeriesView into)
        where TX : struct, IAxisScale where TY : struct, IAxisScale
    {
        var visitor = new ViewFill<TX, TY>(v, new Fill<TX, TY>(v, widthPx, heightPx, pointLimit, into));
        RunWalk.Walk(s, ref visitor);
        visitor.Fill.Finish();
    }

    // Runs wholly outside the view are skipped, runs wholly inside go in without the per-point range test.
    private struct ViewFill<TX, TY>(Viewport v, Fill<TX, TY> fill) : IRunVisitor where TX : struct, IAxisScale where TY : struct, IAxisScale
    {
        public Fill<TX, TY> Fill = fill;

        public readonly bool Done => false;

        public bool Answer(in ChunkSummary r, ColumnChunk chunk, long chunkStart, int from, int count)
        {
            var place = v.Place(r.XMin, r.XMax, r.YMin, r.YMax);
            if (place == Placement.Outside) return true;
            if (place != Placement.Inside || r.NaNCount != 0) return false;
            Fill.AddInside(chunk, from, count);
            return true;
        }

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to) => Fill.AddTested(chunk, from, to - from);
    }

    /// <summary>The box of every point: group and block summaries, and a scan of the unsummarized tail.</summary>
    public static DataBounds Bounds(in SeriesSnapshot s) => BoundsInX(s, double.NegativeInfinity, double.PositiveInfinity, all: true);

    /// <summary>The box of the points whose x lies in [xMin, xMax].</summary>
    public static DataBounds BoundsInX(in SeriesSnapshot s, double xMin, double xMax, bool all = false)
    {
        var visitor = new BoxInX(xMin, xMax, all, positiveY: false);
        RunWalk.Walk(s, ref visitor);
        return visitor.Box.Bounds;
    }

    /// <summary>
    /// The box of the points whose x lies in [xMin, xMax] and whose y is positive: what a log y axis fits. Runs whose
    /// y is all positive come from summaries; only runs holding y &lt;= 0 are read point by point.
    /// </summary>
    public static DataBounds PositiveBoundsInX(in SeriesSnapshot s, double xMin, double xMax)
    {
        var visitor = new BoxInX(xMin, xMax, all: false, positiveY: true);
        RunWalk.Walk(s, ref visitor);
        return visitor.Box.Bounds;
    }

    private struct BoxInX(double xMin, double xMax, bool all, bool positiveY) : IRunVisitor
    {
        public Box Box = new();

        public readonly bool Done => false;

        public bool Answer(in ChunkSummary r, ColumnChunk chunk, long chunkStart, int from, int count)
        {
            if (all)
            {
                Box.Add(r.XMin, r.XMax, r.YMin, r.YMax);
                return true;
            }
            if (r.OutsideX(xMin, xMax) || (positiveY && !(r.YMax > 0))) return true;
            // A NaN x hides a y the summary counted, so runs holding NaNs are read unless every point counts.
            if (!r.InsideX(xMin, xMax) || (positiveY && !(r.YMin > 0))) return false;
            Box.Add(r.XMin, r.XMax, r.YMin, r.YMax);
            return true;
        }

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            if (positiveY) Box.ScanPositive(chunk.Xs(from, to), chunk.Ys(from, to), xMin, xMax);
            else Box.Scan(chunk.Xs(from, to), chunk.Ys(from, to), xMin, xMax, all);
        }
    }

    private enum Placement { Outside, Straddling, Inside }

    private static Placement Place(this in Viewport v, double xMin, double xMax, double yMin, double yMax)
    {
        // An all-NaN run has min +inf and max -inf, so it falls outside on its own.
        if (xMax < v.XMin || xMin > v.XMax || yMax < v.YMin || yMin > v.YMax) return Placement.Outside;
        if (xMin >= v.XMin && xMax <= v.XMax && yMin >= v.YMin && yMax <= v.YMax) return Placement.Inside;
        return Placement.Straddling;
    }

    private struct Box
    {
        public double XMin = double.PositiveInfinity, XMax = double.NegativeInfinity;
        public double YMin = double.PositiveInfinity, YMax = double.NegativeInfinity;

        public Box() { }

        public readonly DataBounds Bounds => new(XMin, XMax, YMin, YMax);

        public void Add(double xMin, double xMax, double yMin, double yMax)
        {
            if (xMin < XMin) XMin = xMin;
            if (xMax > XMax) XMax = xMax;
            if (yMin < YMin) YMin = yMin;
            if (yMax > YMax) YMax = yMax;
        }

        public void Scan(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double xMin, double xMax, bool all)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i], y = ys[i];
                if (!all && !(x >= xMin && x <= xMax)) continue;
                if (x < XMin) XMin = x;
                if (x > XMax) XMax = x;
                if (y < YMin) YMin = y;
                if (y > YMax) YMax = y;
            }
        }

        public void ScanPositive(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double xMin, double xMax)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i], y = ys[i];
                if (!(x >= xMin && x <= xMax && y > 0)) continue;
                if (x < XMin) XMin = x;
                if (x > XMax) XMax = x;
                if (y < YMin) YMin = y;
                if (y > YMax) YMax = y;
            }
        }
    }

    /// <summary>The output being built: a points list until it passes the limit, then a density grid.</summary>
    private struct Fill<TX, TY> where TX : struct, IAxisScale where TY : struct, IAxisScale
    {
        private readonly SeriesView _into;
        // Edges in data units for the range tests; _mx0 and _my1 are the left and top edges in the axes' units.
        private readonly double _x0, _x1, _y0, _y1, _mx0, _my1, _sx, _sy;
        private readonly int _width, _height, _limit, _cap;
        private bool _density;
        private int _count;
        private long _inView;

        public Fill(in Viewport v, int widthPx, int heightPx, int limit, SeriesView into)
        {
            _into = into;
            _x0 = v.XMin; _x1 = v.XMax; _y0 = v.YMin; _y1 = v.YMax;
            TX xAxis = default;
            TY yAxis = default;
            _mx0 = xAxis.Map(v.XMin);
            _my1 = yAxis.Map(v.YMax);
            double w = xAxis.Map(v.XMax) - _mx0, h = _my1 - yAxis.Map(v.YMin);
            // A zero-width range puts everything in the first column or row instead of dividing by zero.
            _sx = w > 0 ? widthPx / w : 0;
            _sy = h > 0 ? heightPx / h : 0;
            _width = widthPx;
            _height = heightPx;
            _limit = limit;
            _cap = (int)Math.Min(limit + 1L, Array.MaxLength);
        }

        /// <summary>Adds a run known to lie inside the view with no NaN.</summary>
        public void AddInside(ColumnChunk chunk, int from, int n)
        {
            if (!_density && _count + n > _limit) ToDensity();
            if (_density)
            {
                Count(chunk.Xs(from, from + n), chunk.Ys(from, from + n), _into.Density);
                _inView += n;
                return;
            }
            _into.GrowPoints(_count + n, _count, _cap);
            chunk.Read(from, _into.Xs.AsSpan(_count, n), _into.Ys.AsSpan(_count, n));
            _count += n;
        }

        /// <summary>
        /// Adds the points of a run that lie in view. While they go in as points, the run is taken in pieces that
        /// cannot pass the limit by more than one point, so the columns never grow beyond <c>limit + 1</c> points.
        /// </summary>
        public void AddTested(ColumnChunk chunk, int from, int n)
        {
            while (!_density && n > 0)
            {
                int piece = (int)Math.Min(n, _limit + 1L - _count);
                CopyTested(chunk.Xs(from, from + piece), chunk.Ys(from, from + piece));
                from += piece;
                n -= piece;
                if (_count > _limit) ToDensity();
            }
            if (n > 0) _inView += CountTested(chunk.Xs(from, from + n), chunk.Ys(from, from + n), _into.Density);
        }

        private void CopyTested(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
        {
            _into.GrowPoints(_count + xs.Length, _count, _cap);
            var outX = _into.Xs;
            var outY = _into.Ys;
            int c = _count;
            double x0 = _x0, x1 = _x1, y0 = _y0, y1 = _y1;
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i], y = ys[i];
                if (x >= x0 && x <= x1 && y >= y0 && y <= y1)
                {
                    outX[c] = x;
                    outY[c] = y;
                    c++;
                }
            }
            _count = c;
        }

        public readonly void Finish()
        {
            if (_density)
            {
                _into.Mode = ViewMode.Density;
                _into.Count = 0;
                _into.PointsInView = _inView;
            }
            else
            {
                _into.Mode = ViewMode.Points;
                _into.Count = _count;
                _into.PointsInView = _count;
            }
        }

        private void ToDensity()
        {
            _into.ResetDensity(_width, _height);
            Count(_into.Xs.AsSpan(0, _count), _into.Ys.AsSpan(0, _count), _into.Density);
            _inView = _count;
            _count = 0;
            _density = true;
        }

        // The hot loops; Min clamps the right and bottom edges (x = XMax, y = YMin) into the last column and row.
        // Cells are worked out for a batch first and counted after, so the increments (random
        // writes into a grid bigger than L2) do not wait on the arithmetic and many can be in flight at once.
        private readonly void Count(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, uint[] grid)
        {
            var cells = _into.Cells;
            double x0 = _mx0, y1 = _my1, sx = _sx, sy = _sy;
            int width = _width, lastColumn = _width - 1, lastRow = _height - 1;
            TX xAxis = default;
            TY yAxis = default;
            for (int start = 0; start < xs.Length; start += cells.Length)
            {
                int n = Math.Min(cells.Length, xs.Length - start);
                var bx = xs.Slice(start, n);
                var by = ys.Slice(start, n);
                for (int i = 0; i < bx.Length; i++)
                    cells[i] = Math.Min((int)((y1 - yAxis.Map(by[i])) * sy), lastRow) * width + Math.Min((int)((xAxis.Map(bx[i]) - x0) * sx), lastColumn);
                for (int i = 0; i < n; i++) grid[cells[i]]++;
            }
        }

        // Random points make "is it in view" a coin toss, so the test picks whether the slot advances instead of
        // branching; a cell worked out for a point outside is written and then overwritten, never counted.
        private readonly int CountTested(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, uint[] grid)
        {
            var cells = _into.Cells;
            double x0 = _x0, x1 = _x1, y0 = _y0, y1 = _y1, mx0 = _mx0, my1 = _my1, sx = _sx, sy = _sy;
            int width = _width, lastColumn = _width - 1, lastRow = _height - 1;
            TX xAxis = default;
            TY yAxis = default;
            int counted = 0;
            for (int start = 0; start < xs.Length; start += cells.Length)
            {
                int n = Math.Min(cells.Length, xs.Length - start);
                var bx = xs.Slice(start, n);
                var by = ys.Slice(start, n);
                int m = 0;
                for (int i = 0; i < bx.Length; i++)
                {
                    double x = bx[i], y = by[i];
                    bool inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1);
                    cells[m] = Math.Min((int)((my1 - yAxis.Map(y)) * sy), lastRow) * width + Math.Min((int)((xAxis.Map(x) - mx0) * sx), lastColumn);
                    m += inside ? 1 : 0;
                }
                for (int i = 0; i < m; i++) grid[cells[i]]++;
                counted += m;
            }
            return counted;
        }
    }
}
