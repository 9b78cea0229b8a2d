namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// Pixel columns laid on one grid fixed in x, <see cref="Viewport.ColumnsPerX"/> to an x unit, so that a following
/// window that moves by whole columns keeps its columns' points from one view to the next: column c of the window
/// starting at grid line g holds the points with ⌊x · ColumnsPerX⌋ = g + c. A window gains this only where the grid's
/// products stay exact enough (below 2⁴⁰ in magnitude) and its edges lie on grid lines.
/// </summary>
internal static class ColumnGrid
{
    private const double Largest = 1L << 40;
    private const double OnLine = 1e-6;

    /// <summary>
    /// The window of <paramref name="span"/> x-units, <paramref name="widthPx"/> columns wide, whose right edge is the
    /// first grid line at or past <paramref name="newest"/>, and its columns per x unit; null where no grid fits.
    /// </summary>
    public static (double Min, double Max, double ColumnsPerX)? Follow(double newest, double span, int widthPx)
    {
        if (widthPx <= 0 || !(span > 0) || !double.IsFinite(newest) || !double.IsFinite(span)) return null;
        double perX = widthPx / span;
        double right = Math.Ceiling(newest * perX);
        if (!double.IsFinite(perX) || !(Math.Abs(right) + widthPx < Largest)) return null;
        return ((right - widthPx) / perX, right / perX, perX);
    }

    /// <summary>
    /// The grid line <paramref name="v"/>'s first column starts on, when its edges lie on grid lines
    /// <paramref name="widthPx"/> columns apart; false when the view has no grid or its edges are off it.
    /// </summary>
    public static bool TryStart(in Viewport v, int widthPx, out double start)
    {
        start = 0;
        double perX = v.ColumnsPerX;
        if (!(perX > 0) || v.XLog) return false;
        double left = v.XMin * perX, right = v.XMax * perX;
        if (!(Math.Abs(left) < Largest && Math.Abs(right) < Largest)) return false;
        start = Math.Round(left);
        return Math.Abs(left - start) < OnLine && Math.Abs(right - (start + widthPx)) < OnLine;
    }
}
