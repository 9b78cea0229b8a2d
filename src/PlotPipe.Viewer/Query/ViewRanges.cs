using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>Turns what a page asks for (fit, follow or explicit ranges) into the exact x and y ranges a panel covers.</summary>
internal static class ViewRanges
{
    /// <summary>Share of the y span added above and below when y is fitted, so extremes do not touch the frame.</summary>
    public const double YPadding = 0.05;

    /// <summary>Share of the x span added on both sides when a plot with scatter series is fitted, so edge markers show whole.</summary>
    public const double ScatterXPadding = 0.02;

    /// <summary>What a log axis shows when it has no positive value to fit.</summary>
    public static readonly (double Min, double Max) LogFallback = (1, 10);

    /// <summary>
    /// The largest magnitude a view's edge may have: half of <see cref="double.MaxValue"/>, so that every span
    /// (max − min) and every offset inside a view stays finite and pixel arithmetic never meets infinity.
    /// </summary>
    public const double MaxEdge = double.MaxValue / 2;

    /// <summary>
    /// Resolves a one-panel linear <paramref name="request"/> against the data: <paramref name="all"/> is the box of
    /// every point (from <see cref="ViewBuilder.BoundsFor"/>), <paramref name="kinds"/> and <paramref name="snapshots"/>
    /// the series. The result is never empty, never degenerate and always finite.
    /// </summary>
    public static DataBounds Resolve(in ViewRequest request, in DataBounds all, ReadOnlySpan<SeriesKind> kinds, ReadOnlySpan<SeriesSnapshot> snapshots)
    {
        var (xMin, xMax) = ResolveX(request.XMin, request.XMax, request.FollowSpan, all, HasScatter(kinds), log: false);
        var inView = DataBounds.Empty;
        if (request.YMin is null || request.YMax is null)
        {
            for (int i = 0; i < snapshots.Length; i++)
                inView = inView.Union(ViewBuilder.BoundsInXFor(kinds[i], snapshots[i], xMin, xMax));
        }
        var (yMin, yMax) = ResolveY(request.YMin, request.YMax, inView, log: false);
        return new DataBounds(xMin, xMax, yMin, yMax);
    }

    /// <summary>
    /// The x range of a panel or a linked group: a follow span ends at the newest x of <paramref name="all"/>, an
    /// explicit range stays, else the data are fitted (padded when <paramref name="scatter"/>). On a
    /// <paramref name="log"/> axis <paramref name="all"/> must hold positive x only, and the result is positive.
    /// </summary>
    public static (double Min, double Max) ResolveX(double? askedMin, double? askedMax, double? follow, in DataBounds all, bool scatter, bool log)
    {
        bool hasData = !all.IsEmpty && double.IsFinite(all.XMin) && double.IsFinite(all.XMax);
        double xMin, xMax;
        if (follow is double span)
        {
            xMax = hasData ? all.XMax : span;
            xMin = xMax - span;
            // A follow span reaching below zero on a log axis shows from the first positive x instead.
            if (log && xMin <= 0) xMin = hasData && all.XMin < xMax ? all.XMin : xMax / 10;
        }
        else if (askedMin is double a && askedMax is double b)
        {
            xMin = a;
            xMax = b;
            if (log && xMin <= 0) xMin = xMax / 1000;
        }
        else if (hasData)
        {
            xMin = all.XMin;
            xMax = all.XMax;
            if (scatter) (xMin, xMax) = Pad(xMin, xMax, ScatterXPadding, log);
        }
        else if (log)
        {
            (xMin, xMax) = LogFallback;
        }
        else
        {
            xMin = 0;
            xMax = 1;
        }
        return log ? WidenLog(xMin, xMax) : Widen(xMin, xMax);
    }

    /// <summary>The share of a group's x extent its automatic follow window takes, when that is more than the floors.</summary>
    public const double FollowShare = 0.1;

    /// <summary>The fewest newest points of a series an automatic follow window holds.</summary>
    public const int FollowPoints = 100;

    /// <summary>The shortest automatic follow window on a time axis, in seconds.</summary>
    public const double FollowTimeSeconds = 60;

    /// <summary>
    /// The automatic follow window of an x group whose data span <paramref name="all"/>: <see cref="FollowShare"/> of
    /// the extent, rounded to 1, 2 or 5 × 10ⁿ so the window steps rather than creeps as data grow; but at least
    /// <paramref name="recentSpan"/> (the x the newest <see cref="FollowPoints"/> points of the group's densest series
    /// cover, rounded up to 1, 2 or 5 × 10ⁿ) and, on a <paramref name="time"/> axis, <see cref="FollowTimeSeconds"/>.
    /// Sparse data are followed over a window that shows some of them, not a second or two. Always positive and finite.
    /// </summary>
    public static double AutoFollowSpan(in DataBounds all, double recentSpan, bool time)
    {
        double extent = all.XMax - all.XMin;
        double share = double.IsFinite(extent) && extent > 0 ? Nice(extent * FollowShare, up: false) : 0;
        double recent = double.IsFinite(recentSpan) && recentSpan > 0 ? Nice(recentSpan, up: true) : 0;
        double span = Math.Max(share, recent);
        if (time) span = Math.Max(span, FollowTimeSeconds);
        if (!(span > 0) || !double.IsFinite(span)) span = time ? FollowTimeSeconds : 1;
        return Math.Min(span, MaxEdge);
    }

    // 1, 2 or 5 × 10ⁿ: the nearest one, or the next one up.
    private static double Nice(double value, bool up)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(value)));
        double m = value / p;
        double step = up
            ? (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10)
            : (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
        double nice = step * p;
        return double.IsFinite(nice) && nice > 0 ? nice : value;
    }

    /// <summary>
    /// The y range of a panel: the asked one, or <paramref name="inView"/> (the box of its visible points in x view,
    /// positive y only on a <paramref name="log"/> axis) with <see cref="YPadding"/>.
    /// </summary>
    public static (double Min, double Max) ResolveY(double? askedMin, double? askedMax, in DataBounds inView, bool log)
    {
        double yMin, yMax;
        if (askedMin is double c && askedMax is double d)
        {
            yMin = c;
            yMax = d;
            if (log && yMin <= 0) yMin = yMax / 1000;
        }
        else if (inView.IsEmpty || !double.IsFinite(inView.YMin) || !double.IsFinite(inView.YMax) || (log && !(inView.YMin > 0)))
        {
            (yMin, yMax) = log ? LogFallback : (0, 1);
        }
        else
        {
            (yMin, yMax) = Pad(inView.YMin, inView.YMax, YPadding, log);
        }
        return log ? WidenLog(yMin, yMax) : Widen(yMin, yMax);
    }

    // Padding on a log axis is a share of the decades shown, so it looks the same as on a linear one.
    private static (double Min, double Max) Pad(double min, double max, double share, bool log)
    {
        if (!log)
        {
            double pad = (max - min) * share;
            return (min - pad, max + pad);
        }
        double lo = Math.Log10(min), hi = Math.Log10(max), p = (hi - lo) * share;
        return (Math.Pow(10, lo - p), Math.Pow(10, hi + p));
    }

    /// <summary>
    /// Makes [<paramref name="min"/>, <paramref name="max"/>] finite and wide enough to draw: a single value becomes a
    /// small interval around it, edges beyond ±<see cref="MaxEdge"/> (or infinite) are pulled in to it, NaN gives [0, 1].
    /// </summary>
    public static (double Min, double Max) Widen(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max)) return (0, 1);
        if (max < min) (min, max) = (max, min);
        min = Math.Clamp(min, -MaxEdge, MaxEdge);
        max = Math.Clamp(max, -MaxEdge, MaxEdge);
        double mid = min / 2 + max / 2;
        // Below this the axis cannot label the ticks apart, so treat it as one value.
        if (max - min > Math.Abs(mid) * 1e-12 && max - min > 1e-300) return (min, max);
        double half = mid == 0 ? 0.5 : Math.Abs(mid) * 0.05;
        return (mid - half, mid + half);
    }

    /// <summary>
    /// <see cref="Widen"/> for a log axis, in decades: the result is positive and finite, within 1e-300 to 1e300;
    /// a range with no positive end gives <see cref="LogFallback"/>.
    /// </summary>
    public static (double Min, double Max) WidenLog(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max)) return LogFallback;
        if (max < min) (min, max) = (max, min);
        if (!(max > 0)) return LogFallback;
        if (!(min > 0)) min = max / 1000;
        double lo = Math.Clamp(Math.Log10(min), -300, 300), hi = Math.Clamp(Math.Log10(max), -300, 300);
        (lo, hi) = Widen(lo, hi);
        if (hi - lo < 1e-9) (lo, hi) = (lo - 0.05, hi + 0.05);
        return (Math.Pow(10, Math.Max(lo, -300)), Math.Pow(10, Math.Min(hi, 300)));
    }

    /// <summary>Whether any of <paramref name="kinds"/> is a scatter.</summary>
    public static bool HasScatter(ReadOnlySpan<SeriesKind> kinds)
    {
        foreach (var k in kinds)
        {
            if (k == SeriesKind.Scatter) return true;
        }
        return false;
    }
}
