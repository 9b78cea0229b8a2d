using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The smoothed curve of one line series for a panel: the exponential moving average of its raw points from its first
/// held point on, debiased as TensorBoard does, then M4 per pixel column. The value at a point never depends on the
/// zoom. To keep a view of a long series cheap, the state at each chunk boundary is kept (for one weight, until a
/// chunk is evicted), so a view reads from the boundary before its first point only.
/// </summary>
internal sealed class SmoothedView
{
    /// <summary>The largest weight a page may ask for; a larger one is clamped to it.</summary>
    public const double MaxWeight = 0.999;

    /// <summary>Most points one pixel column sends: first, lowest, highest, last and one gap.</summary>
    public const int MaxPointsPerColumn = 5;

    private double _weight = double.NaN;
    private long _evictedBefore = -1;
    private int _shift = -1;
    // At chunk boundary k (before the chunk's first point): the running average and w^n, n the finite points before.
    private double[] _sums = new double[8];
    private double[] _powers = new double[8];
    private int _known;

    /// <summary>The smoothed curve as M4 points; <see cref="SeriesView.PointsInView"/> is 0, as its raw series counts them.</summary>
    public SeriesView View { get; } = new();

    /// <summary>
    /// One step of the average: <c>sum = sum * w + (1 - w) * y</c> and <c>power = power * w</c> for a finite
    /// <paramref name="y"/>; the smoothed value is then <c>sum / (1 - power)</c> (<c>sum</c> when w is 0). NaN and
    /// infinite y leave the state alone.
    /// </summary>
    public static void Step(double y, double weight, ref double sum, ref double power)
    {
        if (!double.IsFinite(y)) return;
        sum = (sum * weight) + ((1 - weight) * y);
        power *= weight;
    }

    /// <summary>The debiased value of a state after at least one finite point.</summary>
    public static double Debiased(double sum, double power) => sum / (1 - power);

    /// <summary>
    /// Builds <see cref="View"/> for <paramref name="snapshot"/> (taken when <paramref name="evictedBefore"/> points had
    /// gone) in <paramref name="viewport"/> with weight <paramref name="weight"/> (0 to <see cref="MaxWeight"/>).
    /// </summary>
    public void Build(in SeriesSnapshot snapshot, long evictedBefore, double weight, in Viewport viewport)
    {
        var view = View;
        view.Mode = ViewMode.Points;
        view.Count = 0;
        view.PointsInView = 0;
        view.NotShown = 0;
        if (weight != _weight || evictedBefore != _evictedBefore || snapshot.Shift != _shift)
        {
            (_weight, _evictedBefore, _shift) = (weight, evictedBefore, snapshot.Shift);
            _sums[0] = 0;
            _powers[0] = 1;
            _known = 1;
        }
        long n = snapshot.Count;
        if (n == 0) return;
        long lo = LineDecimator.FirstX(snapshot, viewport.XMin, inclusive: true);
        long hi = LineDecimator.FirstX(snapshot, viewport.XMax, inclusive: false);
        // One point past each edge, so the curve runs to the edges of the plot.
        long from = Math.Max(0, lo - 1), to = Math.Min(n, hi + 1);
        if (from >= to) return;

        int chunk = (int)(from >> snapshot.Shift);
        int have = Math.Min(chunk, _known - 1);
        double sum = _sums[have], power = _powers[have];
        // Every chunk before the one holding `from` is full and, until an eviction, unchanged: its end state is kept.
        for (int k = have; k < chunk; k++)
        {
            long end = (long)(k + 1) << snapshot.Shift;
            for (long i = (long)k << snapshot.Shift; i < end; i++) Step(snapshot.Y(i), weight, ref sum, ref power);
            if (k + 1 >= _known)
            {
                if (_sums.Length <= k + 1)
                {
                    Array.Resize(ref _sums, Math.Max(k + 2, 2 * _sums.Length));
                    Array.Resize(ref _powers, _sums.Length);
                }
                _sums[k + 1] = sum;
                _powers[k + 1] = power;
                _known = k + 2;
            }
        }
        for (long i = (long)chunk << snapshot.Shift; i < from; i++) Step(snapshot.Y(i), weight, ref sum, ref power);

        int width = Math.Max(1, viewport.WidthPx);
        view.EnsurePoints(MaxPointsPerColumn * (width + 2));
        var columns = new M4(view, viewport, width);
        for (long i = from; i < to; i++)
        {
            double y = snapshot.Y(i), x = snapshot.X(i);
            Step(y, weight, ref sum, ref power);
            columns.Add(x, double.IsFinite(y) && power < 1 ? Debiased(sum, power) : double.NaN, i);
        }
        columns.Flush();
    }


    // Per pixel column the first, lowest, highest and last smoothed point, and its last gap, written in x order.
    private struct M4(SeriesView view, Viewport viewport, int width)
    {
        private readonly double _a = viewport.XLog ? Math.Log10(viewport.XMin) : viewport.XMin;
        private readonly double _scale = width / ((viewport.XLog ? Math.Log10(viewport.XMax) : viewport.XMax) - (viewport.XLog ? Math.Log10(viewport.XMin) : viewport.XMin));
        private int _column = int.MinValue;
        private long _first, _min, _max, _last, _gap;
        private double _firstX, _firstY, _minX, _minY, _maxX, _maxY, _lastX, _lastY, _gapX;

        public void Add(double x, double y, long i)
        {
            double at = viewport.XLog ? Math.Log10(x) : x;
            double c = (at - _a) * _scale;
            int column = double.IsNaN(c) ? -1 : c < 0 ? -1 : c >= width ? width : (int)c;
            if (column != _column)
            {
                Flush();
                _column = column;
                _first = _min = _max = _last = _gap = -1;
            }
            if (double.IsNaN(y))
            {
                (_gap, _gapX) = (i, x);
                return;
            }
            if (_first < 0) (_first, _firstX, _firstY) = (i, x, y);
            if (_min < 0 || y < _minY) (_min, _minX, _minY) = (i, x, y);
            if (_max < 0 || y > _maxY) (_max, _maxX, _maxY) = (i, x, y);
            (_last, _lastX, _lastY) = (i, x, y);
        }

        public void Flush()
        {
            if (_column == int.MinValue) return;
            // The up to five points in index order, each once.
            long written = -1;
            for (int k = 0; k < MaxPointsPerColumn; k++)
            {
                long next = long.MaxValue;
                if (_first > written && _first < next) next = _first;
                if (_min > written && _min < next) next = _min;
                if (_max > written && _max < next) next = _max;
                if (_last > written && _last < next) next = _last;
                if (_gap > written && _gap < next) next = _gap;
                if (next == long.MaxValue) break;
                written = next;
                if (next == _gap) Put(_gapX, double.NaN);
                else if (next == _first) Put(_firstX, _firstY);
                else if (next == _min) Put(_minX, _minY);
                else if (next == _max) Put(_maxX, _maxY);
                else Put(_lastX, _lastY);
            }
            _column = int.MinValue;
        }

        private readonly void Put(double x, double y)
        {
            view.Xs[view.Count] = x;
            view.Ys[view.Count] = y;
            view.Count++;
        }
    }
}
