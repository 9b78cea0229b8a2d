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
    /// Builds the figure for the store's current data and plot definition, from the view the query stage gives a page
    /// of the picture's size (<see cref="PlotQuery"/>): the layout's panels fitted as the page fits them (NaN and
    /// infinite values left out, a log axis leaving out values ≤ 0 and counting them), the panels of one x group on
    /// one x range, each line as its M4 points per pixel column and each scatter thinned to one marker per marker-sized
    /// cell. A height of 0 picks one from the panel count; a <paramref name="title"/> replaces the plot's;
    /// <paramref name="hidden"/> lists the series indexes left out (sorted, as a page's view request lists them).
    /// </summary>
    public static Figure Render(PlotStore store, int widthPx, int heightPx = 0, string? title = null, PicturePalette? palette = null, int[]? hidden = null)
    {
        palette ??= PicturePalette.Light;
        PictureFont.Register();
        using var query = new PlotQuery();
        query.ResolveLayout(store);
        int panelCount = query.Layout.Count;
        if (heightPx <= 0) heightPx = Figure.HeightFor(panelCount);
        int panelHeightPx = Math.Max(1, heightPx / panelCount);
        var asked = new PanelRequest[panelCount];
        for (int i = 0; i < panelCount; i++) asked[i] = new PanelRequest(query.Layout.Shown(i).Id, panelHeightPx, null, null, null, null);
        var request = new ViewRequest(null, null, null, null, null, widthPx, panelHeightPx, asked, hidden);
        query.RunHeld(request, store);
        var layout = query.Layout;
        string? shownTitle = title is null ? PictureText.Title(store.Plot.Title) : title.Length > 0 ? title : null;
        bool nothingDefined = PictureText.NothingDefined(shownTitle, layout);

        var byIndex = new Dictionary<int, SeriesStore>();
        var legendSeries = new List<SeriesStore>();
        foreach (var s in store.Series)
        {
            byIndex[s.Index] = s;
            if (!request.IsHidden(s.Index)) legendSeries.Add(s);
        }
        var drawn = new List<FigurePanel>(query.PanelCount);
        var markers = store.Events.Snapshot();
        for (int p = 0; p < query.PanelCount; p++)
        {
            var panel = query.Panel(p);
            var plot = new ScottPlot.Plot();
            var (xMin, xMax, yMin, yMax) = panel.Ranges;
            var xKind = panel.Layout.X;
            var yKind = panel.Layout.Y;
            var axes = new PanelAxes(xKind, yKind,
                xKind == AxisKind.Linear ? PanelAxes.ScaleFor(xMin, xMax) : 1,
                yKind == AxisKind.Linear ? PanelAxes.ScaleFor(yMin, yMax) : 1);
            long notShown = 0;
            // A series a derived series in the panel smooths (ema or mean of it alone) is drawn faint under it, as on the page.
            var faint = new HashSet<SeriesStore>();
            for (int k = 0; k < panel.SeriesCount; k++)
                if (byIndex.TryGetValue(panel.SeriesIndexAt(k), out var drawnSeries) && drawnSeries.Smooths is { } smoothed) faint.Add(smoothed);
            bool xWhole = panel.SeriesCount > 0;
            for (int k = 0; k < panel.SeriesCount; k++)
            {
                var seriesView = panel.ViewAt(k);
                notShown += seriesView.NotShown;
                xWhole &= seriesView.Mode == ViewMode.Points && (seriesView.Count == 0 || AxisTicks.AllWhole(seriesView.Xs.AsSpan(0, seriesView.Count)));
            }
            // A recorded baseline is drawn first and muted, under the live runs it is compared with, as on the page.
            for (int pass = 0; pass < 2; pass++)
            {
                bool baselines = pass == 0;
                for (int k = 0; k < panel.SeriesCount; k++)
                {
                    if (!byIndex.TryGetValue(panel.SeriesIndexAt(k), out var series) || store.IsBaseline(series) != baselines) continue;
                    var (xs, ys) = Points(series, panel.ViewAt(k), panel.Viewport, axes, widthPx, panelHeightPx);
                    AddPieces(plot, series, xs, ys, widthPx, palette.SeriesColor(series, baselines), faint.Contains(series));
                }
            }
            var labels = PictureMarkers.Add(plot, markers, axes, axes.ToX(xMin), axes.ToX(xMax), palette);
            var shown = new FigurePanel(panel.Layout, plot, axes, notShown, panel.SeriesCount, PictureText.PanelTitle(panel.Layout.Definition),
                PictureText.PictureXName(panel.Layout, nothingDefined), PictureText.YName(panel.Layout, nothingDefined)) { MarkerLabels = labels };
            Decorate(shown, axes.ToX(xMin), axes.ToX(xMax), axes.ToY(yMin), axes.ToY(yMax), palette, xWhole);
            drawn.Add(shown);
        }
        return new Figure(shownTitle, drawn, PictureLegend.For(legendSeries, layout, store), widthPx, heightPx, palette);
    }

    // The page's axes: no frame, light grid, tick marks past the data area, 12 px labels, names in bold.
    private static void Decorate(FigurePanel panel, double xMin, double xMax, double yMin, double yMax, PicturePalette palette, bool xWhole)
    {
        var plot = panel.Plot;
        plot.FigureBackground.Color = palette.Background;
        plot.DataBackground.Color = palette.Background;
        plot.Axes.Title.IsVisible = false;
        plot.Axes.Top.IsVisible = false;
        plot.Axes.Right.IsVisible = false;
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Axes.Bottom.TickGenerator = new PanelTicks(panel.Axes.X, horizontal: true, panel.Axes.XScale, xWhole);
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

    // What the picture draws of one series' view, in picture units; a NaN pair marks a gap in a line. A line is drawn
    // from its M4 points; markers drawn closer than half their size merge into one blot, so a scatter is drawn with one
    // marker per occupied cell of that size (a scatter without markers, one per pixel).
    private static (double[] Xs, double[] Ys) Points(SeriesStore series, SeriesView view, in Viewport viewport, PanelAxes axes, int widthPx, int heightPx)
    {
        if (series.Kind == SeriesKind.Line) return ToPicture(view.Xs, view.Ys, view.Count, axes);
        int cellPx = series.Look.Marker switch { null => 1, '.' => 2, _ => 4 };
        var box = new DataBounds(axes.ToX(viewport.XMin), axes.ToX(viewport.XMax), axes.ToY(viewport.YMin), axes.ToY(viewport.YMax));
        int columns = (widthPx + cellPx - 1) / cellPx, rows = (heightPx + cellPx - 1) / cellPx;
        return view.Mode == ViewMode.Density
            ? OneMarkerPerCell(view, box, columns, rows)
            : OnePointPerCell(view, axes, box, columns, rows);
    }

    // Gaps (a NaN or infinite coordinate, and on a log y axis a value ≤ 0, which the view makes a gap as the page
    // draws it) stay as NaN pairs; any other value the axis cannot show is left out.
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

    // The first point of the view in each occupied cell of a columns × rows grid over the picture-unit box, in order;
    // points with a NaN or infinite coordinate, or one the axes cannot show, are left out.
    private static (double[] Xs, double[] Ys) OnePointPerCell(SeriesView view, PanelAxes axes, in DataBounds b, int columns, int rows)
    {
        var seen = new bool[columns * rows];
        var xs = new double[Math.Min(view.Count, seen.Length)];
        var ys = new double[xs.Length];
        int taken = 0;
        for (int i = 0; i < view.Count && taken < xs.Length; i++)
        {
            double x = axes.ToX(view.Xs[i]), y = axes.ToY(view.Ys[i]);
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            int cell = Cell(y, b.YMin, b.YMax, rows) * columns + Cell(x, b.XMin, b.XMax, columns);
            if (seen[cell]) continue;
            seen[cell] = true;
            xs[taken] = x;
            ys[taken] = y;
            taken++;
        }
        return (xs[..taken], ys[..taken]);
    }

    // One marker per occupied cell of a columns × rows grid over the picture-unit box, from the view's density grid
    // (even in picture units: log10 on a log axis, as the grid is): each at the middle of the density cells it covers,
    // so a lone point's marker sits on its own pixel and the outermost markers on the outermost occupied pixels. The
    // grid's rows are read top down, a band of marker cells at a time, so only one band's bookkeeping is kept.
    private static (double[] Xs, double[] Ys) OneMarkerPerCell(SeriesView view, in DataBounds b, int columns, int rows)
    {
        int width = view.DensityWidth, height = view.DensityHeight;
        var density = view.Density;
        // Per marker cell of the band, the first and last occupied density column and row (+1, so 0 means none yet).
        var first = new int[columns];
        var last = new int[columns];
        var firstRow = new int[columns];
        var lastRow = new int[columns];
        var xs = new List<double>();
        var ys = new List<double>();
        double cellX = (b.XMax - b.XMin) / width, cellY = (b.YMax - b.YMin) / height;
        int band = -1;
        for (int r = 0; r <= height; r++)
        {
            // Row 0 of the grid is the top of the view.
            int row = r < height ? Cell(b.YMax - (r + 0.5) * cellY, b.YMin, b.YMax, rows) : -1;
            if (row != band)
            {
                for (int cell = 0; cell < columns; cell++)
                {
                    if (first[cell] == 0) continue;
                    xs.Add(b.XMin + (first[cell] + last[cell] - 1) / 2.0 * cellX);
                    ys.Add(b.YMax - (firstRow[cell] + lastRow[cell] - 1) / 2.0 * cellY);
                    first[cell] = 0;
                }
                band = row;
            }
            if (r == height) break;
            for (int c = 0; c < width; c++)
            {
                if (density[r * width + c] == 0) continue;
                int cell = Cell(b.XMin + (c + 0.5) * cellX, b.XMin, b.XMax, columns);
                if (first[cell] == 0)
                {
                    first[cell] = last[cell] = c + 1;
                    firstRow[cell] = lastRow[cell] = r + 1;
                    continue;
                }
                first[cell] = Math.Min(first[cell], c + 1);
                last[cell] = Math.Max(last[cell], c + 1);
                lastRow[cell] = r + 1;
            }
        }
        return ([.. xs], [.. ys]);
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
    // How opaque a raw line is under the derived series that smooths it (the page's RAW_ALPHA).
    private const float RawAlpha = 0.25f;

    private static void AddPieces(ScottPlot.Plot plot, SeriesStore series, double[] xs, double[] ys, int widthPx, Color color, bool faint)
    {
        var format = series.Look;
        if (faint) color = color.WithAlpha(color.A / 255.0 * RawAlpha);
        // A derived series smoothing another is a curve, not a band of M4 segments.
        float lineWidth = series.Smooths is null ? SeriesLook.LineWidth(xs.Length, widthPx) : 1.5f;
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
}
