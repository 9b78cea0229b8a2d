using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>Answers a viewport query for one series: the points those pixels need and no more.</summary>
public static class ViewBuilder
{
    /// <summary>A scatter with more points than this in view is sent as a density image.</summary>
    public const int ScatterPointLimit = 100_000;

    /// <summary>The box holding every point of the snapshot.</summary>
    public static DataBounds Bounds(in SeriesSnapshot snapshot)
    {
        var b = DataBounds.Empty;
        for (long i = 0; i < snapshot.Count; i++)
        {
            double x = snapshot.X(i), y = snapshot.Y(i);
            if (x < b.XMin) b = b with { XMin = x };
            if (x > b.XMax) b = b with { XMax = x };
            if (y < b.YMin) b = b with { YMin = y };
            if (y > b.YMax) b = b with { YMax = y };
        }
        return b;
    }

    /// <summary>The box holding the points whose x lies in [<paramref name="xMin"/>, <paramref name="xMax"/>].</summary>
    public static DataBounds BoundsInX(in SeriesSnapshot snapshot, double xMin, double xMax)
    {
        var b = DataBounds.Empty;
        for (long i = 0; i < snapshot.Count; i++)
        {
            double x = snapshot.X(i), y = snapshot.Y(i);
            if (!(x >= xMin && x <= xMax)) continue;
            if (x < b.XMin) b = b with { XMin = x };
            if (x > b.XMax) b = b with { XMax = x };
            if (y < b.YMin) b = b with { YMin = y };
            if (y > b.YMax) b = b with { YMax = y };
        }
        return b;
    }

    /// <summary>Fills <paramref name="into"/> with what the viewport's pixels need of the series.</summary>
    public static void Build(SeriesKind kind, in SeriesSnapshot snapshot, in Viewport viewport, SeriesView into)
    {
        into.Mode = ViewMode.Points;
        into.EnsurePoints((int)Math.Min(snapshot.Count, Array.MaxLength));
        int n = 0;
        long inView = 0;
        for (long i = 0; i < snapshot.Count; i++)
        {
            double x = snapshot.X(i), y = snapshot.Y(i);
            if (!(x >= viewport.XMin && x <= viewport.XMax)) continue;
            inView++;
            into.EnsurePoints(n + 1);
            into.Xs[n] = x;
            into.Ys[n] = y;
            n++;
        }
        into.Count = n;
        into.PointsInView = inView;
    }
}
