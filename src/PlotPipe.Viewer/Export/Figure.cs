using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// A saved picture before it is written, laid out as the page lays out its view: the plot's title in a band at the
/// top, the legend in a column at the right, and the panels in equal rows, each with its title at the left over a
/// chart whose axes take the room the page's do (a y axis as wide as the widest label of any panel, so the data areas
/// line up; the x axis a line per row of tick labels; uPlot's padding above and to the right).
/// </summary>
internal sealed class Figure
{
    /// <summary>The picture's width when none is asked for.</summary>
    public const int DefaultWidthPx = 800;

    /// <summary>The narrowest and widest picture that can be asked for.</summary>
    public const int MinWidthPx = 320, MaxWidthPx = 8_000;

    /// <summary>The lowest and highest picture that can be asked for.</summary>
    public const int MinHeightPx = 200, MaxHeightPx = 8_000;

    /// <summary>The largest share of the picture's width the legend column takes.</summary>
    public const float LegendMostShare = 0.3f;

    // The page's chart area: 0.3rem above the panels, 0.25rem left of them; a chart ends 4 px above its row's end.
    private const float ChartTopPx = 5, ChartLeftPx = 4, ChartBottomPx = 4, PanelTitleLeftPx = 14, TitleLeftPx = 16;

    /// <summary>Creates the figure of <paramref name="panels"/> under <paramref name="title"/>, with <paramref name="legend"/> at the right, in <paramref name="palette"/>'s colours (default: the light theme).</summary>
    public Figure(string? title, IReadOnlyList<FigurePanel> panels, PictureLegend legend, int widthPx, int heightPx, PicturePalette? palette = null)
    {
        Palette = palette ?? PicturePalette.Light;
        Title = title;
        Panels = panels;
        Legend = legend;
        WidthPx = widthPx;
        HeightPx = heightPx;
        PictureFont.Register();
        Lay();
    }

    /// <summary>The colours it is drawn in: the page's light or dark theme.</summary>
    public PicturePalette Palette { get; }

    /// <summary>The plot's title, drawn above all panels; null for none.</summary>
    public string? Title { get; }

    /// <summary>The panels, top to bottom.</summary>
    public IReadOnlyList<FigurePanel> Panels { get; }

    /// <summary>The legend column.</summary>
    public PictureLegend Legend { get; }

    /// <summary>The picture's width in pixels.</summary>
    public int WidthPx { get; }

    /// <summary>The picture's height in pixels.</summary>
    public int HeightPx { get; }

    /// <summary>Pixels at the top taken by the title's band (0 without a title).</summary>
    public float TitleBandPx => Title is null ? 0 : PictureTheme.TitleBandPx;

    /// <summary>Where the panels' rows begin: below the title band (if any) and the chart area's padding.</summary>
    public static float RowsTopPx(bool titled) => (titled ? PictureTheme.TitleBandPx : 0) + ChartTopPx;

    /// <summary>The legend column's left edge: the panels take the picture's width left of it.</summary>
    public float LegendLeftPx { get; private set; }

    /// <summary>
    /// The picture's height for <paramref name="panelCount"/> panels: 600 px for one, 270 px more for each further
    /// panel, at most <see cref="MaxHeightPx"/> (a stream may define 64 panels; a picture 17,000 px high helps nobody).
    /// </summary>
    public static int HeightFor(int panelCount) => Math.Min(MaxHeightPx, 600 + 270 * Math.Max(0, panelCount - 1));

    /// <summary>Draws the whole picture onto <paramref name="canvas"/>, whose top left is the picture's.</summary>
    public void Draw(SKCanvas canvas)
    {
        canvas.Clear(Palette.Background.ToSKColor());
        using var paint = Paint.NewDisposablePaint();
        foreach (var panel in Panels)
        {
            panel.Plot.RenderManager.ClearCanvasBeforeEachRender = false;
            panel.Plot.Render(canvas, panel.ChartRect);
            float rowMiddle = panel.ChartRect.Top - PictureTheme.PanelTitleBandPx / 2 + 2;
            if (panel.Title is { } title)
                Text(title, PictureTheme.PanelTitleFontPx, true, Palette.Ink).Render(canvas, new Pixel(PanelTitleLeftPx, rowMiddle), paint, title);
            if (panel.Note is { } note)
            {
                var style = Text(note, PictureTheme.NoteFontPx, false, Palette.Muted);
                style.Alignment = Alignment.MiddleRight;
                style.Render(canvas, new Pixel(panel.DataRect.Right, rowMiddle), paint, note);
            }
        }
        if (Title is not null)
        {
            Text(Title, PictureTheme.TitleFontPx, true, Palette.Ink).Render(canvas, new Pixel(TitleLeftPx, TitleBandPx / 2), paint, Title);
            new LineStyle(1, Palette.Line) { AntiAlias = false }.Render(canvas, new PixelLine(0, TitleBandPx - 0.5f, WidthPx, TitleBandPx - 0.5f), paint);
        }
        if (LegendLeftPx < WidthPx) Legend.Draw(canvas, new PixelRect(LegendLeftPx, WidthPx, HeightPx, TitleBandPx), Palette);
    }

    /// <summary>The picture as PNG bytes.</summary>
    public byte[] PngBytes()
    {
        var info = new SKImageInfo(WidthPx, HeightPx, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"cannot make a {WidthPx}×{HeightPx} picture");
        Draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The picture as an SVG document, its text as text.</summary>
    public byte[] SvgBytes()
    {
        using var stream = new MemoryStream();
        // The SVG is complete only once its canvas is disposed.
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, WidthPx, HeightPx), stream))
            Draw(canvas);
        return stream.ToArray();
    }

    /// <summary>A label in the picture's font (or a system font for glyphs it lacks), aligned middle left.</summary>
    private static LabelStyle Text(string text, float sizePx, bool bold, Color color) => new()
    {
        FontName = PictureFont.For(text),
        FontSize = sizePx,
        Bold = bold,
        ForeColor = color,
        Alignment = Alignment.MiddleLeft,
    };

    // Rows, axes and data areas as the page computes them. The x axis' height depends on its labels' lines, which
    // depend on the width, which depends on the y axis' width, which depends on the height: the page settles this
    // over frames; here a second pass with the lines found settles it.
    private void Lay()
    {
        LegendLeftPx = WidthPx - Legend.WidthPx(WidthPx);
        float top = RowsTopPx(Title is not null);
        float rowPx = Math.Max(1, (HeightPx - top) / Math.Max(1, Panels.Count));
        bool yNameRoom = Panels.Any(p => p.YName is not null);
        using var paint = Paint.NewDisposablePaint();
        var lines = Panels.Select(p => p.Axes.X == Store.AxisKind.Time ? 2 : 1).ToArray();
        // Room right of the data area: uPlot's, or half the last x label when that is wider, so a label centred on
        // the data's right end (a time axis' last tick) is not cut by the legend's rule.
        var rightPx = Panels.Select(_ => PictureTheme.DataRightPx).ToArray();
        // Markers' labels take rows of a band above the data, which the y range leaves free: its top grows by that band.
        var yRanges = Panels.Select(p => p.Plot.Axes.GetLimits()).ToArray();
        var labelRows = Panels.Select(p => p.MarkerLabels.Count > 0 ? 1 : 0).ToArray();
        for (int pass = 0; pass < 3; pass++)
        {
            float yAxisPx = 0;
            for (int i = 0; i < Panels.Count; i++)
            {
                var p = Panels[i];
                float rowTop = top + rowPx * i;
                p.ChartRect = new PixelRect(ChartLeftPx, LegendLeftPx, rowTop + rowPx - ChartBottomPx, rowTop + (p.HasTitleRow ? PictureTheme.PanelTitleBandPx : 0));
                float heightPx = DataBottom(p, lines[i]) - (p.ChartRect.Top + PictureTheme.DataTopPx);
                if (p.MarkerLabels.Count > 0)
                    p.Plot.Axes.SetLimitsY(yRanges[i].Bottom, PictureMarkers.TopWithRoom(yRanges[i].Bottom, yRanges[i].Top, labelRows[i], Math.Max(1, heightPx)));
                var ticks = Regenerate(p.Plot.Axes.Left, Math.Max(1, heightPx), paint);
                float widest = PictureTheme.YAxisLeastLabelPx;
                foreach (var t in ticks) widest = Math.Max(widest, p.Plot.Axes.Left.TickLabelStyle.Measure(t.Label, paint).Width);
                yAxisPx = Math.Max(yAxisPx, MathF.Ceiling(widest) + PictureTheme.YAxisExtraPx);
            }
            bool settled = true;
            for (int i = 0; i < Panels.Count; i++)
            {
                var p = Panels[i];
                float left = p.ChartRect.Left + (yNameRoom ? PictureTheme.AxisNameBandPx : 0) + yAxisPx;
                float right = Math.Max(left + 1, p.ChartRect.Right - rightPx[i]);
                var ticks = Regenerate(p.Plot.Axes.Bottom, right - left, paint);
                int found = 1;
                float lastHalfPx = 0;
                double lastAt = double.NegativeInfinity;
                foreach (var t in ticks)
                {
                    var tickLines = t.Label.Split('\n');
                    found = Math.Max(found, tickLines.Length);
                    if (t.Position <= lastAt) continue;
                    lastAt = t.Position;
                    lastHalfPx = 0;
                    foreach (var l in tickLines) lastHalfPx = Math.Max(lastHalfPx, p.Plot.Axes.Bottom.TickLabelStyle.Measure(l, paint).Width / 2);
                }
                float room = Math.Max(PictureTheme.DataRightPx, MathF.Ceiling(lastHalfPx) + PictureTheme.LabelGapPx);
                settled &= found == lines[i] && room <= rightPx[i];
                lines[i] = found;
                rightPx[i] = Math.Max(rightPx[i], room);
                float topPx = p.ChartRect.Top + PictureTheme.DataTopPx;
                var data = new PixelRect(left, right, Math.Max(topPx + 1, DataBottom(p, found)), topPx);
                p.DataRect = data;
                p.Plot.Layout.Fixed(data);
                p.Plot.Axes.Left.MinimumSize = p.Plot.Axes.Left.MaximumSize = data.Left - p.ChartRect.Left;
                p.Plot.Axes.Bottom.MinimumSize = p.Plot.Axes.Bottom.MaximumSize = p.ChartRect.Bottom - data.Bottom;
                int rows = PictureMarkers.Rows(p, paint);
                settled &= rows == labelRows[i];
                labelRows[i] = rows;
            }
            if (settled) break;
        }
        for (int i = 0; i < Panels.Count; i++)
        {
            var p = Panels[i];
            if (p.MarkerLabels.Count == 0) continue;
            p.Plot.Axes.SetLimitsY(yRanges[i].Bottom, PictureMarkers.TopWithRoom(yRanges[i].Bottom, yRanges[i].Top, labelRows[i], Math.Max(1, p.DataRect.Height)));
            PictureMarkers.Place(p, Palette, paint);
        }
    }

    private static float DataBottom(FigurePanel p, int lines) =>
        p.ChartRect.Bottom - (lines * PictureTheme.XAxisLinePx + PictureTheme.XAxisExtraPx) - (p.XName is null ? 0 : PictureTheme.AxisNameBandPx);

    private static Tick[] Regenerate(IAxis axis, float lengthPx, Paint paint)
    {
        axis.TickLabelStyle.ApplyToPaint(paint);
        axis.TickGenerator.Regenerate(axis.Range.ToCoordinateRange, axis.Edge, lengthPx, paint, axis.TickLabelStyle);
        return axis.TickGenerator.Ticks;
    }
}
