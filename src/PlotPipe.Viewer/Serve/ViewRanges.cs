using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>Turns what a page asks for (fit, follow or explicit ranges) into the exact x and y ranges the view covers.</summary>
internal static class ViewRanges
{
    /// <summary>Share of the y span added above and below when y is fitted, so extremes do not touch the frame.</summary>
    public const double YPadding = 0.05;

    /// <summary>Share of the x span added on both sides when a plot with scatter series is fitted, so edge markers show whole.</summary>
    public const double ScatterXPadding = 0.02;

    /// <summary>
    /// Resolves <paramref name="request"/> against the data: <paramref name="all"/> is the box of every point
    /// (from <see cref="ViewBuilder.BoundsFor"/>), <paramref name="kinds"/> and <paramref name="snapshots"/> the series.
    /// The result is never empty, never degenerate and always finite.
    /// </summary>
    public static DataBounds Resolve(in ViewRequest request, in DataBounds all, ReadOnlySpan<SeriesKind> kinds, ReadOnlySpan<SeriesSnapshot> snapshots)
    {
        bool hasData = !all.IsEmpty && double.IsFinite(all.XMin) && double.IsFinite(all.XMax);
        double xMin, xMax;
        if (request.FollowSpan is double span)
        {
            xMax = hasData ? all.XMax : span;
            xMin = xMax - span;
        }
        else if (request.XMin is double a && request.XMax is double b)
        {
            xMin = a;
            xMax = b;
        }
        else if (hasData)
        {
            double pad = HasScatter(kinds) ? (all.XMax - all.XMin) * ScatterXPadding : 0;
            xMin = all.XMin - pad;
            xMax = all.XMax + pad;
        }
        else
        {
            xMin = 0;
            xMax = 1;
        }
        (xMin, xMax) = Widen(xMin, xMax);

        double yMin, yMax;
        if (request.YMin is double c && request.YMax is double d)
        {
            yMin = c;
            yMax = d;
        }
        else
        {
            var inView = DataBounds.Empty;
            for (int i = 0; i < snapshots.Length; i++)
                inView = inView.Union(ViewBuilder.BoundsInXFor(kinds[i], snapshots[i], xMin, xMax));
            if (inView.IsEmpty || !double.IsFinite(inView.YMin) || !double.IsFinite(inView.YMax))
            {
                yMin = 0;
                yMax = 1;
            }
            else
            {
                double pad = (inView.YMax - inView.YMin) * YPadding;
                yMin = inView.YMin - pad;
                yMax = inView.YMax + pad;
            }
        }
        (yMin, yMax) = Widen(yMin, yMax);
        return new DataBounds(xMin, xMax, yMin, yMax);
    }

    /// <summary>
    /// The largest magnitude a view's edge may have: half of <see cref="double.MaxValue"/>, so that every span
    /// (max − min) and every offset inside a view stays finite and pixel arithmetic never meets infinity.
    /// </summary>
    public const double MaxEdge = double.MaxValue / 2;

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

    private static bool HasScatter(ReadOnlySpan<SeriesKind> kinds)
    {
        foreach (var k in kinds)
        {
            if (k == SeriesKind.Scatter) return true;
        }
        return false;
    }
}
