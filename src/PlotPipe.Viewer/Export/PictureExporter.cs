using System.Globalization;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Saves the whole plot as a PNG or SVG picture with ScottPlot, as the page shows it: the plot's title over the
/// panels of its <see cref="PlotLayout"/>, one chart each with its title, labels, legend and the axis kinds the
/// layout gave it, panels of one x group on one x range, drawing only what the picture's pixels need.
/// </summary>
internal static class PictureExporter
{
    // Where a panel says how many values its log axis could not show.
    private const Alignment NoteCorner = Alignment.LowerLeft;

    /// <summary>
    /// Writes the picture to <paramref name="path"/>; the extension (.png or .svg) picks the format. A height of 0
    /// picks one from the panel count (<see cref="Figure.HeightFor"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Save(PlotStore store, string path, int widthPx = 800, int heightPx = 0)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"picture path \"{path}\" must end in .png or .svg", nameof(path));
        var figure = Render(store, widthPx, heightPx);
        File.WriteAllBytes(path, extension == ".png" ? figure.PngBytes() : figure.SvgBytes());
    }

    /// <summary>
    /// Draws a small empty picture in memory, so the chart library's first-use cost (about a second: fonts, JIT) is
    /// paid while the stream runs rather than when a stop signal leaves two seconds to save the real one.
    /// </summary>
    public static void WarmUp()
    {
        try
        {
            Render(new PlotStore(), 64, 48).PngBytes();
        }
        catch (Exception)
        {
            // Only a head start: a real failure is reported when the picture itself is saved.
        }
    }

    /// <summary>
    /// Builds the figure for the store's current data and plot definition. Each axis is fitted to the finite points
    /// it can show (NaN and infinite values are left out, as the page leaves them out; a log axis leaves out values
    /// ≤ 0 and counts them), so no value can make the chart library's own fitting fail. The panels of one x group
    /// share one x range. A height of 0 picks one from the panel count.
    /// </summary>
    public static Figure Render(PlotStore store, int widthPx, int heightPx = 0)
    {
        var layout = new PlotLayout();
        layout.Resolve(store);
        var panels = Gather(store, layout);
        if (heightPx <= 0) heightPx = Figure.HeightFor(panels.Count);
        int panelHeightPx = Math.Max(1, (heightPx - Figure.TitleBandPx) / panels.Count);
        // A plot nobody defined (a version 1 stream) keeps the placeholder axis names it always had.
        bool undefined = panels.Count == 1 && panels[0].Definition == PanelDefinition.Default(0) && store.Plot.Title == PlotDefinition.DefaultTitle;

        // Each x group's range: the union of what its panels can show (all of one axis kind, so a log group's is positive).
        var groupX = new Dictionary<int, (double Lo, double Hi)>();
        foreach (var panel in panels)
        {
            if (panel.Bounds.IsEmpty) continue;
            int group = panel.Layout.XGroup;
            var (lo, hi) = groupX.GetValueOrDefault(group, (double.PositiveInfinity, double.NegativeInfinity));
            groupX[group] = (Math.Min(lo, panel.Bounds.XMin), Math.Max(hi, panel.Bounds.XMax));
        }

        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        var drawn = new List<FigurePanel>(panels.Count);
        for (int p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            var plot = multiplot.GetPlot(p);
            var b = panel.Bounds;
            // A panel without points yet still shows its group's x range.
            var (xLo, xHi) = groupX.GetValueOrDefault(panel.Layout.XGroup, (b.XMin, b.XMax));
            var xKind = panel.Layout.X;
            var yKind = panel.Layout.Y;
            var unit = new PanelAxes(xKind, yKind);
            // The chart library's own margins (10 % across, 15 % up and down) keep the legend clear of the outermost points.
            // In unit scale picture units are data units on a linear axis; AxisRange picks a smaller scale if they overflow.
            var xAxis = AxisRange.For(unit.ToX(xLo), unit.ToX(xHi), 0.1, xKind == AxisKind.Time ? PanelAxes.Millisecond : 0);
            var yAxis = b.IsEmpty ? AxisRange.For(1, 0) : AxisRange.For(unit.ToY(b.YMin), unit.ToY(b.YMax), 0.15);
            var axes = new PanelAxes(xKind, yKind, xAxis.Scale, yAxis.Scale);
            var dataBox = new DataBounds(xLo, xHi, b.YMin, b.YMax);
            var corner = new LegendCorner(xAxis, yAxis);
            foreach (var (series, snap) in panel.Series)
            {
                var (xs, ys) = Points(series, snap, dataBox, axes, widthPx, panelHeightPx);
                AddPieces(plot, series, xs, ys);
                corner.Add(xs, ys, series.Format.DrawsLine);
            }
            Decorate(plot, panel, axes, xAxis, yAxis, undefined);
            if (panel.NotShown > 0) corner.Take(NoteCorner);
            if (panel.Series.Count > 0) plot.ShowLegend(corner.Best());
            drawn.Add(new FigurePanel(panel.Definition, plot, axes, panel.NotShown, panel.Series.Count));
        }
        return new Figure(store.Plot.Title, multiplot, drawn, widthPx, heightPx);
    }

    // The panels the layout shows, top to bottom, each with its series.
    private static List<PanelData> Gather(PlotStore store, PlotLayout layout)
    {
        var panels = new List<PanelData>(layout.Count);
        for (int i = 0; i < layout.Count; i++) panels.Add(new PanelData(layout.Shown(i)));
        foreach (var series in store.Series)
        {
            int id = series.Definition.Panel;
            panels.Find(p => p.Definition.Id == id)?.Add(series);
        }
        return panels;
    }

    private static void Decorate(ScottPlot.Plot plot, PanelData panel, PanelAxes axes, AxisRange xAxis, AxisRange yAxis, bool undefined)
    {
        var definition = panel.Definition;
        if (definition.Title is { Length: > 0 } title) plot.Title(title, 14);
        if (axes.X == AxisKind.Time) plot.Axes.DateTimeTicksBottom().TickGenerator = TimeTicks.Generator();
        string? xName = definition.XLabel ?? (undefined && axes.X != AxisKind.Time ? "x" : null);
        // Times are drawn in UTC whatever the machine's zone, so the same data make the same picture anywhere.
        if (axes.X == AxisKind.Time && !(xName?.Contains("UTC", StringComparison.OrdinalIgnoreCase) ?? false))
            xName = xName is null ? "time (UTC)" : $"{xName} (UTC)";
        string? yName = definition.YLabel ?? (undefined ? "y" : null);
        if (xName is not null || xAxis.Scale != 1) plot.XLabel(xAxis.Label(xName ?? ""));
        if (yName is not null || yAxis.Scale != 1) plot.YLabel(yAxis.Label(yName ?? ""));
        plot.Axes.SetLimits(xAxis.Min, xAxis.Max, yAxis.Min, yAxis.Max);
        Ticks(plot.Axes.Bottom, axes.X, xAxis);
        Ticks(plot.Axes.Left, axes.Y, yAxis);
        if (axes.X == AxisKind.Log || axes.Y == AxisKind.Log)
        {
            // Minor grid lines mark 2..9 times each power of ten, on the log axes only.
            plot.Grid.MajorLineColor = Colors.Black.WithOpacity(.15);
            if (axes.X == AxisKind.Log) plot.Grid.XAxisStyle.MinorLineStyle = new() { Width = 1, Color = Colors.Black.WithOpacity(.05) };
            if (axes.Y == AxisKind.Log) plot.Grid.YAxisStyle.MinorLineStyle = new() { Width = 1, Color = Colors.Black.WithOpacity(.05) };
        }
        if (panel.NotShown > 0)
        {
            var note = plot.Add.Annotation(string.Create(CultureInfo.InvariantCulture, $"{panel.NotShown:N0} {(panel.NotShown == 1 ? "point" : "points")} ≤ 0 not shown"), NoteCorner);
            note.LabelFontSize = 11;
            note.LabelBackgroundColor = Colors.White.WithOpacity(.85);
            note.LabelBorderColor = Colors.Gray;
            note.LabelShadowColor = Colors.Transparent;
        }
    }

    private static void Ticks(ScottPlot.IAxis axis, AxisKind kind, AxisRange range)
    {
        if (kind == AxisKind.Log) axis.TickGenerator = LogTicks.For(range.Min, range.Max);
        else if (kind == AxisKind.Linear && range.Scientific) axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = AxisRange.ScientificLabel };
    }

    // The stored summaries give the box at once unless an infinity is in it; then one pass finds the finite box.
    private static DataBounds FiniteBounds(SeriesKind kind, in SeriesSnapshot snap)
    {
        if (snap.Count == 0) return DataBounds.Empty;
        var b = ViewBuilder.BoundsFor(kind, snap);
        if (b.IsEmpty || (double.IsFinite(b.XMin) && double.IsFinite(b.XMax) && double.IsFinite(b.YMin) && double.IsFinite(b.YMax))) return b;
        return ShownBounds(snap, false, false, out _);
    }

    /// <summary>
    /// The box of the finite points a panel with these log axes can show, and how many points it cannot show for a
    /// value ≤ 0. Whole groups whose summaries say every value is positive and finite are taken from the summaries,
    /// so a series of positive values costs a look per 4,096 points.
    /// </summary>
    internal static DataBounds ShownBounds(in SeriesSnapshot snap, bool logX, bool logY, out long notShown)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        notShown = 0;
        for (int k = 0; k < snap.ChunkCount; k++)
        {
            var chunk = snap.Chunks[k];
            int count = snap.CountIn(k);
            int fullGroups = count / ColumnChunk.GroupPoints;
            int i = 0;
            for (int g = 0; g < fullGroups; g++, i += ColumnChunk.GroupPoints)
            {
                double gx0 = chunk.GroupXMin[g], gx1 = chunk.GroupXMax[g], gy0 = chunk.GroupYMin[g], gy1 = chunk.GroupYMax[g];
                bool clean = double.IsFinite(gx0) && double.IsFinite(gx1) && double.IsFinite(gy0) && double.IsFinite(gy1)
                    && (!logX || gx0 > 0) && (!logY || gy0 > 0);
                if (!clean)
                {
                    Scan(chunk, i, i + ColumnChunk.GroupPoints, logX, logY, ref xMin, ref xMax, ref yMin, ref yMax, ref notShown);
                    continue;
                }
                xMin = Math.Min(xMin, gx0);
                xMax = Math.Max(xMax, gx1);
                yMin = Math.Min(yMin, gy0);
                yMax = Math.Max(yMax, gy1);
            }
            Scan(chunk, i, count, logX, logY, ref xMin, ref xMax, ref yMin, ref yMax, ref notShown);
        }
        return new DataBounds(xMin, xMax, yMin, yMax);
    }

    private static void Scan(ColumnChunk chunk, int from, int to, bool logX, bool logY,
        ref double xMin, ref double xMax, ref double yMin, ref double yMax, ref long notShown)
    {
        for (int i = from; i < to; i++)
        {
            double x = chunk.X[i], y = chunk.Y[i];
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            if ((logX && x <= 0) || (logY && y <= 0))
            {
                notShown++;
                continue;
            }
            xMin = Math.Min(xMin, x);
            xMax = Math.Max(xMax, x);
            yMin = Math.Min(yMin, y);
            yMax = Math.Max(yMax, y);
        }
    }

    // The points the picture draws, in picture units; a NaN pair marks a gap in a line.
    private static (double[] Xs, double[] Ys) Points(SeriesStore series, in SeriesSnapshot snap, in DataBounds box, PanelAxes axes, int widthPx, int heightPx)
    {
        if (box.IsEmpty) return ([], []);
        // Column arithmetic needs a finite span and columns even in the picture: a line on a log x axis, or wider
        // than double.MaxValue, is thinned by cells instead.
        if (series.Kind == SeriesKind.Line && axes.X != AxisKind.Log && double.IsFinite(box.XMax - box.XMin))
        {
            var view = new SeriesView();
            var viewport = new Viewport(box.XMin, box.XMax, box.YMin, box.YMax, widthPx, widthPx);
            ViewBuilder.Build(series.Kind, snap, viewport, view);
            if (view.Mode == ViewMode.Points) return ToPicture(view.Xs, view.Ys, view.Count, axes);
        }
        // Markers drawn closer than half their size merge into one blot, so a huge scatter is drawn from one point
        // per occupied cell of that size (a line without markers, from one per pixel).
        int cellPx = series.Format.Marker switch { null => 1, '.' => 2, _ => 4 };
        var cells = new DataBounds(axes.ToX(box.XMin), axes.ToX(box.XMax), axes.ToY(box.YMin), axes.ToY(box.YMax));
        return OnePointPerCell(snap, axes, cells, (widthPx + cellPx - 1) / cellPx, (heightPx + cellPx - 1) / cellPx);
    }

    // Gaps (a NaN or infinite coordinate) stay as NaN pairs; a value the axis cannot show is left out, so a line on
    // a log axis joins the shown points on either side of it.
    private static (double[] Xs, double[] Ys) ToPicture(double[] xs, double[] ys, int count, PanelAxes axes)
    {
        var px = new double[count];
        var py = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            double x = xs[i], y = ys[i];
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                px[n] = py[n] = double.NaN;
                n++;
                continue;
            }
            double a = axes.ToX(x), b = axes.ToY(y);
            if (double.IsNaN(a) || double.IsNaN(b)) continue;
            px[n] = a;
            py[n] = b;
            n++;
        }
        return (px[..n], py[..n]);
    }

    // The first point of each occupied cell of a columns × rows grid over the picture-unit box, in order; points with
    // a NaN or infinite coordinate, or one the axes cannot show, are left out. Reads the chunks directly: this pass
    // sees every point the viewer holds.
    private static (double[] Xs, double[] Ys) OnePointPerCell(in SeriesSnapshot snap, PanelAxes axes, in DataBounds b, int columns, int rows)
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
                double x = axes.ToX(chunk.X[i]), y = axes.ToY(chunk.Y[i]);
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
    private static void AddPieces(ScottPlot.Plot plot, SeriesStore series, double[] xs, double[] ys)
    {
        bool first = true;
        int i = 0;
        do
        {
            while (i < xs.Length && !(double.IsFinite(xs[i]) && double.IsFinite(ys[i]))) i++;
            int start = i;
            while (i < xs.Length && double.IsFinite(xs[i]) && double.IsFinite(ys[i])) i++;
            if (i == start && !first) break;
            var scatter = plot.Add.Scatter(xs[start..i], ys[start..i]);
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

    // One panel while the figure is gathered: its series with their snapshots, and the box of what it can show.
    private sealed class PanelData(PanelLayout layout)
    {
        public PanelLayout Layout { get; } = layout;

        public PanelDefinition Definition => Layout.Definition;

        public List<(SeriesStore Series, SeriesSnapshot Snapshot)> Series { get; } = [];

        public DataBounds Bounds { get; private set; } = DataBounds.Empty;

        public long NotShown { get; private set; }

        public void Add(SeriesStore series)
        {
            var snap = series.Snapshot();
            Series.Add((series, snap));
            bool logX = Layout.X == AxisKind.Log, logY = Layout.Y == AxisKind.Log;
            DataBounds b;
            if (logX || logY)
            {
                b = ShownBounds(snap, logX, logY, out long notShown);
                NotShown += notShown;
            }
            else
            {
                b = FiniteBounds(series.Kind, snap);
            }
            if (!b.IsEmpty) Bounds = Bounds.Union(b);
        }
    }
}
