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
    public static void Build(SeriesKind kind, in SeriesSnapshot snapshot, in Viewport viewport, SeriesView into) =>
        Build(kind, snapshot, viewport, into, ScatterPointLimit);

    /// <summary>
    /// As <see cref="Build(SeriesKind, in SeriesSnapshot, in Viewport, SeriesView)"/>, with a scatter sent as density
    /// once more than <paramref name="scatterPointLimit"/> of its points are in view (a coarsened view sends fewer).
    /// </summary>
    public static void Build(SeriesKind kind, in SeriesSnapshot snapshot, in Viewport viewport, SeriesView into, int scatterPointLimit)
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
        ScatterDecimator.Build(snapshot, viewport, widthPx, heightPx, scatterPointLimit, into);
    }

    /// <summary>
    /// The most bytes <paramref name="view"/> keeps (<see cref="SeriesView.RetainedBytes"/>) after <see cref="Trim"/>
    /// and a <see cref="Build(SeriesKind, in SeriesSnapshot, in Viewport, SeriesView, int)"/> of a series of
    /// <paramref name="kind"/> holding <paramref name="count"/> points, at this size and point limit. Buffers the view
    /// already has and may keep count as they are; new ones as the most they can grow to: a line's M4 columns, a
    /// scatter's points up to its limit (both at most twice the points held), a scatter's grid if it has more
    /// points than the limit, and a line's column starts.
    /// </summary>
    public static long MostRetainedBytes(SeriesKind kind, long count, int widthPx, int heightPx, int scatterPointLimit, SeriesView view)
    {
        int cap = PointsCap(kind, widthPx, scatterPointLimit);
        long grown = Math.Min(cap, 2 * count + 4);
        long points = KeepsPoints(view, cap) ? Math.Max(view.Xs.Length, grown) : grown;
        long cells = 0;
        if (NeedsGrid(kind, count, scatterPointLimit))
        {
            long area = Cells(widthPx, heightPx);
            cells = KeepsGrid(view, area) ? view.Density.Length : area;
        }
        return 16 * points + 4 * cells + 4L * SeriesView.CellsScratch + 4L * ColumnStartsFor(kind, widthPx);
    }

    // A line keeps where each pixel column's points start (one past the last too), for its next build of the same window.
    private static int ColumnStartsFor(SeriesKind kind, int widthPx) => kind == SeriesKind.Line ? Math.Clamp(widthPx, 1, MaxSidePx) + 1 : 0;

    /// <summary>Lets go of the buffers of <paramref name="view"/> that a build at this size and point limit cannot use, or that are over twice what it needs.</summary>
    public static void Trim(SeriesKind kind, long count, int widthPx, int heightPx, int scatterPointLimit, SeriesView view)
    {
        if (!KeepsPoints(view, PointsCap(kind, widthPx, scatterPointLimit))) view.ReleasePoints();
        if (view.ColumnStarts.Length > ColumnStartsFor(kind, widthPx)) view.ReleaseColumnStarts();
        if (view.Density.Length == 0) return;
        if (!NeedsGrid(kind, count, scatterPointLimit) || (view.Density.Length > Cells(widthPx, heightPx) && !KeepsGrid(view, Cells(widthPx, heightPx))))
            view.ReleaseDensity();
    }

    // A line sends at most its M4 columns; a scatter's columns never pass its limit by more than one point.
    private static int PointsCap(SeriesKind kind, int widthPx, int scatterPointLimit) => kind == SeriesKind.Line
        ? LineDecimator.MaxPointsPerColumn * Math.Clamp(widthPx, 1, MaxSidePx) + 2
        : (int)Math.Min(scatterPointLimit + 1L, Array.MaxLength);

    private static bool NeedsGrid(SeriesKind kind, long count, int scatterPointLimit) => kind != SeriesKind.Line && count > scatterPointLimit;

    private static long Cells(int widthPx, int heightPx) => (long)Math.Clamp(widthPx, 1, MaxSidePx) * Math.Clamp(heightPx, 1, MaxSidePx);

    // Columns and grids up to twice the size needed are kept, so narrowing a window by a little allocates nothing.
    private static bool KeepsPoints(SeriesView view, int cap) => view.Xs.Length <= 2L * cap;

    private static bool KeepsGrid(SeriesView view, long cells) => view.Density.Length >= cells && view.Density.Length <= 2 * cells;
}
