namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// Pixel columns laid on one grid fixed in x, <see cref="Viewport.ColumnsPerX"/> to an x unit, its lines where
/// x · ColumnsPerX − <see cref="Viewport.GridPhase"/> is whole, so that a window moved by whole columns (following the
/// newest x, or panned) keeps its columns' points from one view to the next: column c of the window starting at grid
/// line g holds the points with ⌊x · ColumnsPerX − phase⌋ = g + c. A window gains this only where the grid's products
/// stay exact enough (below 2⁴⁰ in magnitude) and its edges lie on grid lines.
/// </summary>
internal static class ColumnGrid
{
    private const double Largest = 1L << 40;
    private const double OnLine = 1e-3;

    /// <summary>
    /// The window of <paramref name="span"/> x-units, <paramref name="widthPx"/> columns wide, whose right edge is the
    /// first line at or past <paramref name="newest"/> of the grid with phase 0, and its columns per x unit; null where
    /// no grid fits.
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
    /// The grid of the window [<paramref name="min"/>, <paramref name="max"/>], <paramref name="widthPx"/> columns wide:
    /// the grid <paramref name="last"/> when it has the same columns per x unit (a pan), the window then moved by less
    /// than half a column onto its lines; else a grid of its own, whose lines start at <paramref name="min"/>. Null
    /// where no grid fits (then columns start at the window's left edge).
    /// </summary>
    public static (double Min, double Max, double ColumnsPerX, double Phase)? Window(double min, double max, int widthPx, (double ColumnsPerX, double Phase)? last)
    {
        if (widthPx <= 0 || !(max > min) || !double.IsFinite(min) || !double.IsFinite(max)) return null;
        double perX = widthPx / (max - min);
        if (!double.IsFinite(perX) || !(Math.Abs(min * perX) < Largest && Math.Abs(max * perX) < Largest)) return null;
        if (last is var (lastPerX, lastPhase) && Math.Abs(lastPerX - perX) <= perX * 1e-12)
        {
            double start = Math.Round(min * lastPerX - lastPhase);
            return ((start + lastPhase) / lastPerX, (start + lastPhase + widthPx) / lastPerX, lastPerX, lastPhase);
        }
        double left = min * perX;
        return (min, max, perX, left - Math.Floor(left));
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
        double left = v.XMin * perX - v.GridPhase, right = v.XMax * perX - v.GridPhase;
        if (!(Math.Abs(left) < Largest && Math.Abs(right) < Largest)) return false;
        start = Math.Round(left);
        return Math.Abs(left - start) < OnLine && Math.Abs(right - (start + widthPx)) < OnLine;
    }
}
