using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>Saves the whole plot as a PNG or SVG picture with ScottPlot, drawing only what the picture's pixels need.</summary>
internal static class PictureExporter
{
    /// <summary>Writes the picture to <paramref name="path"/>; the extension (.png or .svg) picks the format.</summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Save(PlotStore store, string path, int widthPx = 800, int heightPx = 600)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"picture path \"{path}\" must end in .png or .svg", nameof(path));
        var plot = Render(store, widthPx, heightPx);
        if (extension == ".png") plot.SavePng(path, widthPx, heightPx);
        else plot.SaveSvg(path, widthPx, heightPx);
    }

    /// <summary>
    /// Draws a small empty picture in memory, so the chart library's first-use cost (about a second: fonts, JIT) is
    /// paid while the stream runs rather than when a stop signal leaves two seconds to save the real one.
    /// </summary>
    public static void WarmUp()
    {
        try
        {
            Render(new PlotStore(), 64).GetImageBytes(64, 48, ImageFormat.Png);
        }
        catch (Exception)
        {
            // Only a head start: a real failure is reported when the picture itself is saved.
        }
    }

    /// <summary>
    /// Builds the ScottPlot plot for the store's current data. The axes are fitted to the finite points (NaN and
    /// infinite values are left out, as the page leaves them out), so no value can make the chart library's own
    /// fitting fail.
    /// </summary>
    public static Plot Render(PlotStore store, int widthPx, int heightPx = 600)
    {
        var plot = new Plot();
        plot.Title("PlotPipe");
        var bounds = DataBounds.Empty;
        var snapshots = new List<(SeriesStore Series, SeriesSnapshot Snapshot)>();
        foreach (var s in store.Series)
        {
            var snap = s.Snapshot();
            snapshots.Add((s, snap));
            var b = FiniteBounds(s.Kind, snap);
            if (!b.IsEmpty) bounds = bounds.Union(b);
        }
        // The chart library's own margins (10 % across, 15 % up and down) keep the legend clear of the outermost points.
        var xAxis = AxisRange.For(bounds.XMin, bounds.XMax, 0.1);
        var yAxis = AxisRange.For(bounds.YMin, bounds.YMax, 0.15);
        foreach (var (series, snap) in snapshots)
        {
            var (xs, ys) = Points(series, snap, bounds, widthPx, heightPx);
            AddPieces(plot, series, xs, ys, xAxis.Scale, yAxis.Scale);
        }
        plot.XLabel(xAxis.Label("x"));
        plot.YLabel(yAxis.Label("y"));
        plot.Axes.SetLimits(xAxis.Min, xAxis.Max, yAxis.Min, yAxis.Max);
        if (xAxis.Scientific) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = AxisRange.ScientificLabel };
        if (yAxis.Scientific) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = AxisRange.ScientificLabel };
        if (store.Series.Count > 1) plot.ShowLegend();
        return plot;
    }

    // The stored summaries give the box at once unless an infinity is in it; then one pass finds the finite box.
    private static DataBounds FiniteBounds(SeriesKind kind, in SeriesSnapshot snap)
    {
        if (snap.Count == 0) return DataBounds.Empty;
        var b = ViewBuilder.BoundsFor(kind, snap);
        if (b.IsEmpty || (double.IsFinite(b.XMin) && double.IsFinite(b.XMax) && double.IsFinite(b.YMin) && double.IsFinite(b.YMax))) return b;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        for (int k = 0; k < snap.ChunkCount; k++)
        {
            var chunk = snap.Chunks[k];
            int count = snap.CountIn(k);
            for (int i = 0; i < count; i++)
            {
                double x = chunk.X[i], y = chunk.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
                yMin = Math.Min(yMin, y);
                yMax = Math.Max(yMax, y);
            }
        }
        return new DataBounds(xMin, xMax, yMin, yMax);
    }

    private static (double[] Xs, double[] Ys) Points(SeriesStore series, in SeriesSnapshot snap, in DataBounds bounds, int widthPx, int heightPx)
    {
        if (bounds.IsEmpty) return ([], []);
        // Column arithmetic needs a finite span; a line wider than double.MaxValue is thinned by cells instead.
        if (series.Kind == SeriesKind.Line && double.IsFinite(bounds.XMax - bounds.XMin))
        {
            var view = new SeriesView();
            var viewport = new Viewport(bounds.XMin, bounds.XMax, bounds.YMin, bounds.YMax, widthPx, widthPx);
            ViewBuilder.Build(series.Kind, snap, viewport, view);
            if (view.Mode == ViewMode.Points) return (view.Xs[..view.Count], view.Ys[..view.Count]);
        }
        // Markers drawn closer than half their size merge into one blot, so a huge scatter is drawn from one point
        // per occupied cell of that size (a line without markers, from one per pixel).
        int cellPx = series.Format.Marker switch { null => 1, '.' => 2, _ => 4 };
        return OnePointPerCell(snap, bounds, (widthPx + cellPx - 1) / cellPx, (heightPx + cellPx - 1) / cellPx);
    }

    // The first point of each occupied cell of a columns × rows grid, in order; points with a NaN or infinite
    // coordinate are left out. Reads the chunks directly: this pass sees every point the viewer holds.
    private static (double[] Xs, double[] Ys) OnePointPerCell(in SeriesSnapshot snap, in DataBounds b, int columns, int rows)
    {
        var seen = new bool[columns * rows];
        var xs = new double[(int)Math.Min(snap.Count, seen.Length)];
        var ys = new double[xs.Length];
        int taken = 0;
        for (int k = 0; k < snap.ChunkCount && taken < xs.Length; k++)
        {
            var chunk = snap.Chunks[k];
            int count = snap.CountIn(k);
            for (int i = 0; i < count; i++)
            {
                double x = chunk.X[i], y = chunk.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                int cell = Cell(y, b.YMin, b.YMax, rows) * columns + Cell(x, b.XMin, b.XMax, columns);
                if (seen[cell]) continue;
                seen[cell] = true;
                xs[taken] = x;
                ys[taken] = y;
                taken++;
            }
        }
        return (xs[..taken], ys[..taken]);
    }

    // Halving both sides first keeps (v - min) and (max - min) finite even when they span more than double.MaxValue.
    private static int Cell(double v, double min, double max, int cells)
    {
        double span = max / 2 - min / 2;
        if (!(span > 0)) return 0;
        double at = (v / 2 - min / 2) / span * (cells - 1);
        return (int)Math.Clamp(at, 0, cells - 1);
    }

    // The chart library has no gaps in a scatter, so a line broken by NaN (or an infinite value) becomes several
    // pieces in one style; only the first carries the legend.
    private static void AddPieces(Plot plot, SeriesStore series, double[] xs, double[] ys, double xScale, double yScale)
    {
        bool first = true;
        int i = 0;
        do
        {
            while (i < xs.Length && !(double.IsFinite(xs[i]) && double.IsFinite(ys[i]))) i++;
            int start = i;
            while (i < xs.Length && double.IsFinite(xs[i]) && double.IsFinite(ys[i])) i++;
            if (i == start && !first) break;
            var px = new double[i - start];
            var py = new double[i - start];
            for (int k = 0; k < px.Length; k++)
            {
                px[k] = xs[start + k] * xScale;
                py[k] = ys[start + k] * yScale;
            }
            var scatter = plot.Add.Scatter(px, py);
            Style(scatter, series);
            if (!first) scatter.LegendText = "";
            first = false;
        }
        while (i < xs.Length);
    }

    private static void Style(ScottPlot.Plottables.Scatter scatter, SeriesStore series)
    {
        var format = series.Format;
        var color = Color.FromHex(series.Color);
        scatter.Color = color;
        scatter.LegendText = series.Name;
        scatter.MarkerShape = format.Marker switch
        {
            'o' or '.' => MarkerShape.FilledCircle,
            's' => MarkerShape.FilledSquare,
            '^' => MarkerShape.FilledTriangleUp,
            'v' => MarkerShape.FilledTriangleDown,
            'x' => MarkerShape.Eks,
            '+' => MarkerShape.Cross,
            '*' => MarkerShape.Asterisk,
            _ => MarkerShape.None,
        };
        scatter.MarkerSize = format.Marker == '.' ? 3 : 8;
        scatter.LineWidth = format.DrawsLine ? 1.5f : 0;
        scatter.LinePattern = format.LineStyle switch
        {
            "--" => LinePattern.Dashed,
            ":" => LinePattern.Dotted,
            "-." => LinePattern.DenselyDashed,
            _ => LinePattern.Solid,
        };
    }
}
