using System.Globalization;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Saves the whole plot as a PNG or SVG picture with ScottPlot, looking as the page does when it shows the whole plot:
/// the panels of its <see cref="PlotLayout"/> fitted as the page fits them (<see cref="ViewRanges"/>: x from the data's
/// first to last, y with its small headroom), panels of one x group on one x range, the page's title, axis names,
/// tick labels, legend, colours and font (<see cref="Figure"/>), drawing only what the picture's pixels need.
/// </summary>
internal static class PictureExporter
{
    /// <summary>
    /// Writes the picture to <paramref name="path"/>; the extension (.png or .svg) picks the format. A height of 0
    /// picks one from the panel count (<see cref="Figure.HeightFor"/>). A <paramref name="title"/> replaces the
    /// plot's own ("" for none).
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Save(PlotStore store, string path, int widthPx = Figure.DefaultWidthPx, int heightPx = 0, string? title = null, PicturePalette? palette = null)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"picture path \"{path}\" must end in .png or .svg", nameof(path));
        var figure = Render(store, widthPx, heightPx, title, palette);
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
            Render(new PlotStore(), Figure.MinWidthPx, Figure.MinHeightPx).PngBytes();
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
    /// share one x range. A height of 0 picks one from the panel count; a <paramref name="title"/> replaces the plot's.
    /// </summary>
    public static Figure Render(PlotStore store, int widthPx, int heightPx = 0, string? title = null, PicturePalette? palette = null)
    {
        palette ??= PicturePalette.Light;
        PictureFont.Register();
        var layout = new PlotLayout();
        layout.Resolve(store);
        var panels = Gather(store, layout);
        if (heightPx <= 0) heightPx = Figure.HeightFor(panels.Count);
        int panelHeightPx = Math.Max(1, heightPx / panels.Count);
        string? shownTitle = title is null ? PictureText.Title(store.Plot.Title) : title.Length > 0 ? title : null;
        bool nothingDefined = PictureText.NothingDefined(shownTitle, layout);

        // Each x group's range, fitted as the page fits it: the union of what its panels can show (all of one axis
        // kind, so a log group's is positive), padded only when it holds a scatter.
        var groupBounds = new Dictionary<int, (DataBounds Bounds, bool Scatter)>();
        foreach (var panel in panels)
        {
            var (bounds, scatter) = groupBounds.GetValueOrDefault(panel.Layout.XGroup, (DataBounds.Empty, false));
            groupBounds[panel.Layout.XGroup] = (panel.Bounds.IsEmpty ? bounds : bounds.Union(panel.Bounds), scatter || panel.HasScatter);
        }

        var drawn = new List<FigurePanel>(panels.Count);
        foreach (var panel in panels)
        {
            var plot = new ScottPlot.Plot();
            var xKind = panel.Layout.X;
            var yKind = panel.Layout.Y;
            var (groupBox, groupScatter) = groupBounds[panel.Layout.XGroup];
            var (xMin, xMax) = ViewRanges.ResolveX(null, null, null, groupBox, groupScatter, xKind == AxisKind.Log);
            var (yMin, yMax) = ViewRanges.ResolveY(null, null, panel.Bounds, yKind == AxisKind.Log);
            var axes = new PanelAxes(xKind, yKind,
                xKind == AxisKind.Linear ? PanelAxes.ScaleFor(xMin, xMax) : 1,
                yKind == AxisKind.Linear ? PanelAxes.ScaleFor(yMin, yMax) : 1);
            var view = new DataBounds(xMin, xMax, yMin, yMax);
            foreach (var (series, snap, evictedBefore) in panel.Series)
            {
                var (xs, ys) = Points(series, snap, evictedBefore, view, axes, widthPx, panelHeightPx);
                AddPieces(plot, series, xs, ys, widthPx, palette);
            }
            var definition = panel.Definition;
            var shown = new FigurePanel(panel.Layout, plot, axes, panel.NotShown, panel.Series.Count, PictureText.PanelTitle(definition),
                PictureText.PictureXName(panel.Layout, nothingDefined), PictureText.YName(panel.Layout, nothingDefined));
            Decorate(shown, axes.ToX(xMin), axes.ToX(xMax), axes.ToY(yMin), axes.ToY(yMax), palette);
            drawn.Add(shown);
        }
        return new Figure(shownTitle, drawn, PictureLegend.For(store.Series, layout), widthPx, heightPx, palette);
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

    // The page's axes: no frame, light grid, tick marks past the data area, 12 px labels, names in bold.
    private static void Decorate(FigurePanel panel, double xMin, double xMax, double yMin, double yMax, PicturePalette palette)
    {
        var plot = panel.Plot;
        plot.FigureBackground.Color = palette.Background;
        plot.DataBackground.Color = palette.Background;
        plot.Axes.Title.IsVisible = false;
        plot.Axes.Top.IsVisible = false;
        plot.Axes.Right.IsVisible = false;
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Axes.Bottom.TickGenerator = new PanelTicks(panel.Axes.X, horizontal: true, panel.Axes.XScale);
        plot.Axes.Left.TickGenerator = new PanelTicks(panel.Axes.Y, horizontal: false, panel.Axes.YScale);
        StyleAxis((ScottPlot.AxisPanels.AxisBase)plot.Axes.Bottom, panel.XName, palette);
        StyleAxis((ScottPlot.AxisPanels.AxisBase)plot.Axes.Left, panel.YName, palette);
        // uPlot puts an x label's top 5 px past the tick mark (the chart library 2 px).
        plot.Axes.Bottom.TickLabelStyle.OffsetY = PictureTheme.TickGapPx - 2;
        foreach (var grid in new[] { plot.Grid.XAxisStyle, plot.Grid.YAxisStyle })
        {
            grid.MajorLineStyle.Color = palette.Grid;
            grid.MajorLineStyle.Width = 1;
            grid.MajorLineStyle.AntiAlias = false;
            grid.MinorLineStyle.Width = 0;
        }
        if (panel.NotShown > 0)
        {
            // Where the page shows it: the data area's top right, quiet text on the background.
            var note = plot.Add.Annotation(string.Create(CultureInfo.InvariantCulture, $"{panel.NotShown:N0} {(panel.NotShown == 1 ? "point" : "points")} ≤ 0 not shown"), Alignment.UpperRight);
            note.LabelFontName = PictureFont.Name;
            note.LabelFontSize = PictureTheme.NoteFontPx;
            note.LabelFontColor = palette.Muted;
            note.LabelBackgroundColor = palette.Background.WithOpacity(.9);
            note.LabelBorderColor = Colors.Transparent;
            note.LabelBorderWidth = 0;
            note.LabelShadowColor = Colors.Transparent;
            note.OffsetX = 6;
            note.OffsetY = 5;
        }
    }

    private static void StyleAxis(ScottPlot.AxisPanels.AxisBase axis, string? name, PicturePalette palette)
    {
        axis.FrameLineStyle.IsVisible = false;
        axis.MajorTickStyle = new TickMarkStyle { Length = PictureTheme.TickPx, Width = 1, Color = palette.Tick, AntiAlias = false };
        axis.MinorTickStyle = new TickMarkStyle { Length = 0, Width = 0, Color = Colors.Transparent };
        axis.TickLabelStyle.FontName = PictureFont.Name;
        axis.TickLabelStyle.FontSize = PictureTheme.AxisFontPx;
        axis.TickLabelStyle.ForeColor = palette.Axis;
        axis.LabelStyle.Text = name ?? "";
        axis.LabelStyle.FontName = PictureFont.For(name ?? "");
        axis.LabelStyle.FontSize = PictureTheme.AxisFontPx;
        axis.LabelStyle.Bold = true;
        axis.LabelStyle.ForeColor = palette.Axis;
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
        var visitor = new ShownBox(logX, logY);
        RunWalk.Walk(snap, ref visitor);
        notShown = visitor.NotShown;
        return new DataBounds(visitor.XMin, visitor.XMax, visitor.YMin, visitor.YMax);
    }

    private struct ShownBox(bool logX, bool logY) : IRunVisitor
    {
        public double XMin = double.PositiveInfinity, XMax = double.NegativeInfinity, YMin = double.PositiveInfinity, YMax = double.NegativeInfinity;
        public long NotShown;

        public readonly bool Done => false;

        // A run whose box is finite and, on a log axis, positive is taken whole; any other is read.
        public bool Answer(in ChunkSummary run, ColumnChunk chunk, long chunkStart, int from, int count)
        {
            bool clean = double.IsFinite(run.XMin) && double.IsFinite(run.XMax) && double.IsFinite(run.YMin) && double.IsFinite(run.YMax)
                && (!logX || run.XMin > 0) && (!logY || run.YMin > 0);
            if (!clean) return false;
            XMin = Math.Min(XMin, run.XMin);
            XMax = Math.Max(XMax, run.XMax);
            YMin = Math.Min(YMin, run.YMin);
            YMax = Math.Max(YMax, run.YMax);
            return true;
        }

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            var xs = chunk.Xs(from, to);
            var ys = chunk.Ys(from, to);
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i], y = ys[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                if ((logX && x <= 0) || (logY && y <= 0))
                {
                    NotShown++;
                    continue;
                }
                XMin = Math.Min(XMin, x);
                XMax = Math.Max(XMax, x);
                YMin = Math.Min(YMin, y);
                YMax = Math.Max(YMax, y);
            }
        }
    }

    // The points the picture draws, in picture units; a NaN pair marks a gap in a line.
    private static (double[] Xs, double[] Ys) Points(SeriesStore series, in SeriesSnapshot snap, long evictedBefore, in DataBounds box, PanelAxes axes, int widthPx, int heightPx)
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
        int cellPx = series.Look.Marker switch { null => 1, '.' => 2, _ => 4 };
        var cells = new DataBounds(axes.ToX(box.XMin), axes.ToX(box.XMax), axes.ToY(box.YMin), axes.ToY(box.YMax));
        return OnePointPerCell(series, snap, evictedBefore, axes, cells, (widthPx + cellPx - 1) / cellPx, (heightPx + cellPx - 1) / cellPx);
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
    // sees every point the viewer holds, and can take longer than an evicted chunk waits before it is reused, so a
    // chunk found evicted after its pass is taken back out, as the point export does.
    private static (double[] Xs, double[] Ys) OnePointPerCell(SeriesStore series, in SeriesSnapshot snap, long evictedBefore, PanelAxes axes, in DataBounds b, int columns, int rows)
    {
        var seen = new bool[columns * rows];
        var xs = new double[(int)Math.Min(snap.Count, seen.Length)];
        var ys = new double[xs.Length];
        int taken = 0;
        ReadOnlySpan<double> runX = default, runY = default;
        for (int k = 0; k < snap.ChunkCount && taken < xs.Length; k++)
        {
            var chunk = snap.Chunks[k];
            int count = snap.CountIn(k);
            int takenBefore = taken;
            for (int i = 0; i < count; i++)
            {
                if ((i & (ColumnChunk.MaxReadPoints - 1)) == 0)
                {
                    int end = Math.Min(count, i + ColumnChunk.MaxReadPoints);
                    runX = chunk.Xs(i, end);
                    runY = chunk.Ys(i, end);
                }
                double x = axes.ToX(runX[i & (ColumnChunk.MaxReadPoints - 1)]), y = axes.ToY(runY[i & (ColumnChunk.MaxReadPoints - 1)]);
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                int cell = Cell(y, b.YMin, b.YMax, rows) * columns + Cell(x, b.XMin, b.XMax, columns);
                if (seen[cell]) continue;
                seen[cell] = true;
                xs[taken] = x;
                ys[taken] = y;
                taken++;
            }
            if (series.StillHeld(evictedBefore, k, snap.Shift)) continue;
            for (int i = takenBefore; i < taken; i++)
                seen[Cell(ys[i], b.YMin, b.YMax, rows) * columns + Cell(xs[i], b.XMin, b.XMax, columns)] = false;
            taken = takenBefore;
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
    // pieces in one style.
    private static void AddPieces(ScottPlot.Plot plot, SeriesStore series, double[] xs, double[] ys, int widthPx, PicturePalette palette)
    {
        var format = series.Look;
        var color = palette.SeriesColor(series);
        float lineWidth = SeriesLook.LineWidth(xs.Length, widthPx);
        var marker = SeriesLook.Marker(format, color, xs.Length > SeriesLook.ManyMarkers ? 0.6f : 1);
        int i = 0;
        do
        {
            while (i < xs.Length && !(double.IsFinite(xs[i]) && double.IsFinite(ys[i]))) i++;
            int start = i;
            while (i < xs.Length && double.IsFinite(xs[i]) && double.IsFinite(ys[i])) i++;
            if (i == start) break;
            var scatter = plot.Add.Scatter(xs[start..i], ys[start..i]);
            scatter.Color = color;
            scatter.MarkerStyle = marker;
            scatter.LineWidth = format.DrawsLine ? lineWidth : 0;
            scatter.LinePattern = SeriesLook.Pattern(format.LineStyle);
            scatter.LineStyle.Rounded = true;
        }
        while (i < xs.Length);
    }

    // One panel while the figure is gathered: its series with their snapshots, and the box of what it can show.
    private sealed class PanelData(PanelLayout layout)
    {
        public PanelLayout Layout { get; } = layout;

        public PanelDefinition Definition => Layout.Definition;

        public List<(SeriesStore Series, SeriesSnapshot Snapshot, long EvictedBefore)> Series { get; } = [];

        public DataBounds Bounds { get; private set; } = DataBounds.Empty;

        public long NotShown { get; private set; }

        public bool HasScatter { get; private set; }

        public void Add(SeriesStore series)
        {
            var snap = series.Snapshot(out long evictedBefore);
            Series.Add((series, snap, evictedBefore));
            HasScatter |= series.Kind == SeriesKind.Scatter;
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
