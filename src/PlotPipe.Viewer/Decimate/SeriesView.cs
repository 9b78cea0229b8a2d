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
    public double[] Xs { get; private set; } = new double[1024];

    /// <summary>The y column (Points mode).</summary>
    public double[] Ys { get; private set; } = new double[1024];

    /// <summary>Density grid width, in pixels (Density mode).</summary>
    public int DensityWidth { get; set; }

    /// <summary>Density grid height, in pixels (Density mode).</summary>
    public int DensityHeight { get; set; }

    /// <summary>Counts per pixel, row-major, row 0 at the top (the viewport's YMax).</summary>
    public uint[] Density { get; private set; } = [];

    /// <summary>Points of the series that fall inside the viewport (all of them, before any decimation).</summary>
    public long PointsInView { get; set; }

    /// <summary>Points a log axis cannot show (y &lt;= 0 in x range on log y, x &lt;= 0 on log x): counted, never sent.</summary>
    public long NotShown { get; set; }

    /// <summary>Scratch for the density loop: grid cells of one batch of points.</summary>
    internal int[] Cells { get; } = new int[512];

    /// <summary>Makes room for <paramref name="points"/> points, keeping none.</summary>
    public void EnsurePoints(int points)
    {
        if (Xs.Length < points)
        {
            int size = Math.Max(points, Xs.Length * 2);
            Xs = new double[size];
            Ys = new double[size];
        }
    }

    /// <summary>Makes room for <paramref name="points"/> points, keeping the first <paramref name="keep"/>.</summary>
    public void GrowPoints(int points, int keep)
    {
        if (Xs.Length >= points) return;
        int size = (int)Math.Min(Math.Max(points, Xs.Length * 2L), Array.MaxLength);
        var xs = new double[size];
        var ys = new double[size];
        Array.Copy(Xs, xs, keep);
        Array.Copy(Ys, ys, keep);
        Xs = xs;
        Ys = ys;
    }

    /// <summary>Makes a zeroed grid of <paramref name="width"/> by <paramref name="height"/>.</summary>
    public void ResetDensity(int width, int height)
    {
        int n = width * height;
        if (Density.Length < n) Density = new uint[n];
        else Array.Clear(Density, 0, n);
        DensityWidth = width;
        DensityHeight = height;
    }
}
