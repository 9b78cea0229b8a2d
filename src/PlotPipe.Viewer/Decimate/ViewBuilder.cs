using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// Answers a viewport query for one series: the points those pixels need and no more. A frame's cost follows
/// the pixels, not the points: lines get M4 per pixel column, scatters beyond a limit get a density grid.
/// </summary>
internal static class ViewBuilder
{
    /// <summary>A scatter with more points than this in view is sent as a density image.</summary>
    public const int ScatterPointLimit = 100_000;

    /// <summary>Widths and heights beyond this many pixels are treated as this many (bounds the output's size).</summary>
    public const int MaxSidePx = 4096;

    /// <summary>The box holding every point of the snapshot, from group and block summaries (any series kind).</summary>
    public static DataBounds Bounds(in SeriesSnapshot snapshot) => ScatterDecimator.Bounds(snapshot);

    /// <summary>The box holding every point; a line's x comes from its two ends, so only y reads summaries.</summary>
    public static DataBounds BoundsFor(SeriesKind kind, in SeriesSnapshot snapshot) => kind == SeriesKind.Line
        ? LineDecimator.Bounds(snapshot, 0, snapshot.Count)
        : ScatterDecimator.Bounds(snapshot);

    /// <summary>The box holding the points whose x lies in [<paramref name="xMin"/>, <paramref name="xMax"/>] (any series kind).</summary>
    public static DataBounds BoundsInX(in SeriesSnapshot snapshot, double xMin, double xMax) =>
        ScatterDecimator.BoundsInX(snapshot, xMin, xMax);

    /// <summary>The box holding the points whose x lies in [<paramref name="xMin"/>, <paramref name="xMax"/>]; a line searches its sorted x.</summary>
    public static DataBounds BoundsInXFor(SeriesKind kind, in SeriesSnapshot snapshot, double xMin, double xMax) => kind == SeriesKind.Line
        ? LineDecimator.BoundsInX(snapshot, xMin, xMax)
        : ScatterDecimator.BoundsInX(snapshot, xMin, xMax);

    /// <summary>The box holding the points whose x lies in [<paramref name="xMin"/>, <paramref name="xMax"/>] and whose y is positive (what a log y axis fits).</summary>
    public static DataBounds PositiveBoundsInX(in SeriesSnapshot snapshot, double xMin, double xMax) =>
        ScatterDecimator.PositiveBoundsInX(snapshot, xMin, xMax);

    /// <summary>
    /// Fills <paramref name="into"/> with what the viewport's pixels need of the series. A line sends its M4 points
    /// (at most six per pixel column, four without gaps, plus the points just outside each side) and counts as in
    /// view the points whose x is in range, whatever their y; a scatter counts the points inside both ranges and
    /// sends them all, or their density once there are more than <see cref="ScatterPointLimit"/>.
    /// </summary>
    public static void Build(SeriesKind kind, in SeriesSnapshot snapshot, in Viewport viewport, SeriesView into)
    {
        into.Mode = ViewMode.Points;
        into.Count = 0;
        into.PointsInView = 0;
        into.NotShown = 0;
        int widthPx = Math.Clamp(viewport.WidthPx, 1, MaxSidePx);
        int heightPx = Math.Clamp(viewport.HeightPx, 1, MaxSidePx);
        if (!double.IsFinite(viewport.XMin) || !double.IsFinite(viewport.XMax)) return;
        // A log axis has no place for a range reaching zero; the query never asks for one.
        if ((viewport.XLog && !(viewport.XMin > 0)) || (viewport.YLog && !(viewport.YMin > 0))) return;
        if (kind == SeriesKind.Line)
        {
            LineDecimator.Build(snapshot, viewport, widthPx, into);
            return;
        }
        if (!double.IsFinite(viewport.YMin) || !double.IsFinite(viewport.YMax)) return;
        ScatterDecimator.Build(snapshot, viewport, widthPx, heightPx, ScatterPointLimit, into);
    }
}
