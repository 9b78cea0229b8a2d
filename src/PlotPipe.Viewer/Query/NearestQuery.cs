using System.Globalization;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The exact stored point of each series nearest in x to the cursor: what the page's hover readout shows instead of
/// decimated pixels. A line's sorted x is searched through its summaries; a scatter skips groups and blocks whose
/// x-bounds cannot beat the best distance found so far.
/// </summary>
internal static class NearestQuery
{
    /// <summary>
    /// Reads <c>x</c>, <c>panel</c> and <c>hidden</c> from a query string's values; false with a one-line
    /// <paramref name="error"/> when one is malformed.
    /// </summary>
    public static bool TryParse(string? x, string? panel, string? hidden, out double atX, out int? panelId, out int[] hiddenIndexes, out string? error)
    {
        atX = 0;
        panelId = null;
        hiddenIndexes = [];
        error = null;
        if (x is null || !double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out atX) || !double.IsFinite(atX))
        {
            error = $"x must be a finite number, not \"{Shorten(x)}\"";
            return false;
        }
        if (panel is not null)
        {
            if (!int.TryParse(panel, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p >= ProtocolLimits.MaxPanels)
            {
                error = $"panel must be an integer from 0 to {ProtocolLimits.MaxPanels - 1}, not \"{Shorten(panel)}\"";
                return false;
            }
            panelId = p;
        }
        if (!string.IsNullOrEmpty(hidden))
        {
            var parts = hidden.Split(',');
            if (parts.Length > ViewRequest.MaxHidden)
            {
                error = $"hidden lists at most {ViewRequest.MaxHidden} series";
                return false;
            }
            var list = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out list[i]))
                {
                    error = $"hidden must be series indexes separated by commas, not \"{Shorten(parts[i])}\"";
                    return false;
                }
            }
            Array.Sort(list);
            hiddenIndexes = list;
        }
        return true;
    }

    /// <summary>The nearest point of each visible series (of <paramref name="panel"/>, or all when null) to <paramref name="x"/>; series with none are left out.</summary>
    public static List<NearestPoint> Find(PlotStore store, double x, int? panel, int[] hidden)
    {
        var found = new List<NearestPoint>();
        foreach (var s in store.Series)
        {
            if (panel is int p && s.Definition.Panel != p) continue;
            if (Array.BinarySearch(hidden, s.Index) >= 0) continue;
            var snapshot = s.Snapshot();
            long at = s.Kind == SeriesKind.Line ? NearestInLine(snapshot, x) : NearestInScatter(snapshot, x);
            if (at >= 0) found.Add(new NearestPoint(s.Index, snapshot.X(at), snapshot.Y(at), s.Definition.Panel));
        }
        return found;
    }

    /// <summary>The index of the point of a line (x sorted) nearest to <paramref name="x"/> with a finite y, -1 if none; the earlier on a tie.</summary>
    public static long NearestInLine(in SeriesSnapshot s, double x)
    {
        long n = s.Count;
        if (n == 0) return -1;
        long i = LineDecimator.FirstX(s, x, inclusive: true);
        long right = Drawable(s, i, n, forward: true);
        long left = Drawable(s, 0, i, forward: false);
        if (left < 0) return right;
        if (right < 0) return left;
        return x - s.X(left) <= s.X(right) - x ? left : right;
    }

    // The first (or last) point in [from, to) with finite x and y; NaN gaps are skipped through the summaries.
    private static long Drawable(in SeriesSnapshot s, long from, long to, bool forward)
    {
        while (from < to)
        {
            long at = forward ? LineDecimator.FirstNotNaN(s, from, to) : LineDecimator.LastNotNaN(s, from, to);
            if (at < 0) return -1;
            if (double.IsFinite(s.X(at)) && double.IsFinite(s.Y(at))) return at;
            if (forward) from = at + 1;
            else to = at;
        }
        return -1;
    }

    /// <summary>The index of the scatter point nearest in x to <paramref name="x"/> with finite x and y, -1 if none; the earliest on a tie.</summary>
    public static long NearestInScatter(in SeriesSnapshot s, double x)
    {
        var visitor = new NearestInX(x);
        RunWalk.Walk(s, ref visitor);
        return visitor.Best;
    }

    private struct NearestInX(double x) : IRunVisitor
    {
        public long Best = -1;
        private double _bestDistance = double.PositiveInfinity;

        // A run whose x-bounds are farther than the best so far cannot hold a nearer point; an all-NaN run is infinitely far.
        public readonly bool Done => false;

        public readonly bool Answer(in ChunkSummary r, ColumnChunk chunk, long chunkStart, int from, int count) => !(Distance(x, r.XMin, r.XMax) <= _bestDistance);

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            var xs = chunk.Xs(from, to);
            var ys = chunk.Ys(from, to);
            for (int i = 0; i < xs.Length; i++)
            {
                double d = Math.Abs(xs[i] - x);
                if (d < _bestDistance && double.IsFinite(ys[i]) && double.IsFinite(xs[i]))
                {
                    _bestDistance = d;
                    Best = chunkStart + from + i;
                }
            }
        }
    }

    private static double Distance(double x, double min, double max) => x < min ? min - x : x > max ? x - max : 0;

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..37] + "...";
}
