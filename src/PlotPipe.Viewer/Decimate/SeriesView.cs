using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// What one series contributes to one view. Reused from frame to frame by its connection, so building a view
/// allocates only when it needs more room than before.
/// </summary>
internal sealed class SeriesView
{
    /// <summary>Points or density.</summary>
    public ViewMode Mode { get; set; }

    /// <summary>Points in <see cref="Xs"/> and <see cref="Ys"/> (Points mode).</summary>
    public int Count { get; set; }

    /// <summary>The x column (Points mode); only the first <see cref="Count"/> are meaningful.</summary>
    public double[] Xs { get; private set; } = [];

    /// <summary>The y column (Points mode).</summary>
    public double[] Ys { get; private set; } = [];

    /// <summary>Density grid width, in cells (Density mode): the plot's width in pixels, or fewer when the view is coarsened.</summary>
    public int DensityWidth { get; set; }

    /// <summary>Density grid height, in cells (Density mode).</summary>
    public int DensityHeight { get; set; }

    /// <summary>Counts per cell, row-major, row 0 at the top (the viewport's YMax).</summary>
    public uint[] Density { get; private set; } = [];

    /// <summary>Points of the series that fall inside the viewport (all of them, before any decimation).</summary>
    public long PointsInView { get; set; }

    /// <summary>Points a log axis cannot show (y &lt;= 0 in x range on log y, x &lt;= 0 on log x): counted, never sent.</summary>
    public long NotShown { get; set; }

    /// <summary>Scratch for the density loop: grid cells of one batch of points.</summary>
    internal int[] Cells { get; } = new int[CellsScratch];

    /// <summary>Entries in <see cref="Cells"/>.</summary>
    internal const int CellsScratch = 512;

    // A line's pixel columns as the last build left them, so the next build of the same window, or of a window moved
    // along the same column grid (following, or panned), copies the columns new points cannot change instead of reading their
    // points again (LineDecimator): where each column's points start in Xs (one entry per column and one past the
    // last), the window (and grid line it started on) and series they were built from, and how many leading columns
    // were complete then (a later point already existed).
    internal int[] ColumnStarts = [];
    internal bool ColumnsKept;
    internal double KeptXMin, KeptXMax, KeptColumnsPerX, KeptGridPhase, KeptGridStart;
    internal int KeptWidthPx, KeptCompleteColumns;
    internal ColumnChunk? KeptFirstChunk;

    /// <summary>Bytes the view keeps from query to query: its columns, its grid, its scratch and a line's column starts.</summary>
    public long RetainedBytes => 16L * Xs.Length + 4L * Density.Length + 4L * CellsScratch + 4L * ColumnStarts.Length;

    /// <summary>
    /// Makes room for <paramref name="points"/> points, keeping none; growing doubles, but never past
    /// <paramref name="cap"/> points (at least <paramref name="points"/>), so what a view keeps has a known bound.
    /// </summary>
    public void EnsurePoints(int points, int cap = int.MaxValue)
    {
        if (Xs.Length < points)
        {
            ColumnsKept = false;
            int size = GrownSize(points, cap);
            Xs = new double[size];
            Ys = new double[size];
        }
    }

    /// <summary>Makes room for <paramref name="points"/> points, keeping the first <paramref name="keep"/>; never past <paramref name="cap"/> as <see cref="EnsurePoints"/>.</summary>
    public void GrowPoints(int points, int keep, int cap = int.MaxValue)
    {
        if (Xs.Length >= points) return;
        ColumnsKept = false;
        int size = GrownSize(points, cap);
        var xs = new double[size];
        var ys = new double[size];
        Array.Copy(Xs, xs, keep);
        Array.Copy(Ys, ys, keep);
        Xs = xs;
        Ys = ys;
    }

    private int GrownSize(int points, int cap) =>
        (int)Math.Max(points, Math.Min(Math.Min(2L * Xs.Length, cap), Array.MaxLength));

    /// <summary>Makes a zeroed grid of <paramref name="width"/> by <paramref name="height"/>.</summary>
    public void ResetDensity(int width, int height)
    {
        int n = width * height;
        if (Density.Length < n) Density = new uint[n];
        else Array.Clear(Density, 0, n);
        DensityWidth = width;
        DensityHeight = height;
    }

    /// <summary>Lets go of the columns, keeping the grid.</summary>
    public void ReleasePoints()
    {
        ColumnsKept = false;
        ColumnStarts = [];
        Xs = [];
        Ys = [];
        Count = 0;
    }

    /// <summary>Lets go of the column starts a line kept for its next build; that build starts from nothing.</summary>
    internal void ReleaseColumnStarts()
    {
        ColumnsKept = false;
        ColumnStarts = [];
    }

    /// <summary>Lets go of the grid, keeping the columns.</summary>
    public void ReleaseDensity()
    {
        Density = [];
        DensityWidth = 0;
        DensityHeight = 0;
    }
}
