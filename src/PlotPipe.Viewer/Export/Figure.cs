using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// A saved picture before it is written: the plot's title over one chart per panel (a ScottPlot multiplot), the
/// panels' data areas lined up on the left and right so their x axes read as one.
/// </summary>
internal sealed class Figure
{
    /// <summary>Pixels at the top kept for the plot's title.</summary>
    public const int TitleBandPx = 34;

    /// <summary>Creates the figure for <paramref name="panels"/> drawn into <paramref name="multiplot"/>.</summary>
    public Figure(string title, Multiplot multiplot, IReadOnlyList<FigurePanel> panels, int widthPx, int heightPx)
    {
        Title = title;
        Multiplot = multiplot;
        Panels = panels;
        WidthPx = widthPx;
        HeightPx = heightPx;
        multiplot.Layout = new PanelRows(TitleBandPx);
    }

    /// <summary>The plot's title, drawn above all panels.</summary>
    public string Title { get; }

    /// <summary>The charts, one per panel, top to bottom.</summary>
    public Multiplot Multiplot { get; }

    /// <summary>The panels, top to bottom.</summary>
    public IReadOnlyList<FigurePanel> Panels { get; }

    /// <summary>The picture's width in pixels.</summary>
    public int WidthPx { get; }

    /// <summary>The picture's height in pixels.</summary>
    public int HeightPx { get; }

    /// <summary>The tallest picture <see cref="HeightFor"/> picks: beyond it, panels share this height.</summary>
    public const int MaxHeightPx = 8_000;

    /// <summary>
    /// The picture's height for <paramref name="panelCount"/> panels: 600 px for one, 270 px more for each further
    /// panel, at most <see cref="MaxHeightPx"/> (a stream may define 64 panels; a picture 17,000 px high helps nobody).
    /// </summary>
    public static int HeightFor(int panelCount) => Math.Min(MaxHeightPx, 600 + 270 * Math.Max(0, panelCount - 1));

    /// <summary>Draws the whole picture onto <paramref name="canvas"/>, whose top left is the picture's.</summary>
    public void Draw(SKCanvas canvas)
    {
        var figureRect = new PixelRect(0, WidthPx, HeightPx, 0);
        AlignDataAreas(figureRect);
        // The multiplot clears the canvas to transparent and paints only its panels' rectangles.
        Multiplot.Render(canvas, figureRect);
        using (var band = new SKPaint { Color = SKColors.White })
            canvas.DrawRect(0, 0, WidthPx, TitleBandPx, band);
        var label = new LabelStyle
        {
            Text = Title,
            FontSize = 17,
            Bold = true,
            ForeColor = Colors.Black,
            Alignment = Alignment.UpperCenter,
        };
        using var paint = Paint.NewDisposablePaint();
        label.Render(canvas, new Pixel(WidthPx / 2f, 8), paint);
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

    // Each chart sizes its margins to its own tick labels, so a panel with wider y labels would start further right.
    // Measured once with the automatic layout, every panel then gets the widest left and right margins.
    private void AlignDataAreas(PixelRect figureRect)
    {
        var plots = Multiplot.GetPlots();
        var rects = Multiplot.Layout.GetSubplotRectangles(Multiplot.Subplots, figureRect);
        var measured = new PixelRect[plots.Length];
        float left = 0, right = 0;
        using var paint = Paint.NewDisposablePaint();
        for (int i = 0; i < plots.Length; i++)
        {
            plots[i].Layout.Default();
            measured[i] = new ScottPlot.LayoutEngines.Automatic().GetLayout(rects[i], plots[i], paint).DataRect;
            left = Math.Max(left, measured[i].Left - rects[i].Left);
            right = Math.Max(right, rects[i].Right - measured[i].Right);
        }
        for (int i = 0; i < plots.Length; i++)
        {
            float top = measured[i].Top - rects[i].Top, bottom = rects[i].Bottom - measured[i].Bottom;
            plots[i].Layout.Fixed(new PixelPadding(left, right, bottom, top));
        }
    }
}
