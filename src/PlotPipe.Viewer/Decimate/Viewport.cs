namespace PlotPipe.Viewer.Decimate;

/// <summary>What a page shows: data ranges on both axes and the plot area's size in pixels.</summary>
/// <param name="XMin">Left edge, in data units.</param>
/// <param name="XMax">Right edge, in data units.</param>
/// <param name="YMin">Bottom edge, in data units.</param>
/// <param name="YMax">Top edge, in data units.</param>
/// <param name="WidthPx">Plot area width in pixels.</param>
/// <param name="HeightPx">Plot area height in pixels.</param>
/// <param name="XLog">Whether x is drawn on a log axis: pixel columns are even in log10(x), and XMin is positive.</param>
/// <param name="YLog">Whether y is drawn on a log axis: pixel rows are even in log10(y), and YMin is positive.</param>
/// <param name="ColumnsPerX">The window's pixel columns on a grid fixed in x, this many to an x-unit (<see cref="ColumnGrid"/>); 0: columns start at XMin.</param>
/// <param name="GridPhase">Where the grid's lines fall: at x · ColumnsPerX - GridPhase whole, 0 ≤ GridPhase &lt; 1.</param>
internal readonly record struct Viewport(double XMin, double XMax, double YMin, double YMax, int WidthPx, int HeightPx, bool XLog = false, bool YLog = false,
    double ColumnsPerX = 0, double GridPhase = 0);
