using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>Pictures draw the program's markers as the page does: a mark's line and a span's band at their x, with labels, on panels of their x kind.</summary>
public class PictureMarkersTests
{
    private static PlotStore Marked()
    {
        var store = new PlotStore();
        var xs = new double[1000];
        var ys = new double[1000];
        for (int i = 0; i < xs.Length; i++) (xs[i], ys[i]) = (i, Math.Sin(i / 50.0));
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "k-")).Append(xs, ys);
        store.Events.Add(new PlotEvent(EventKind.Mark, 300, null, false, "learning rate dropped"), "trainer");
        store.Events.Add(new PlotEvent(EventKind.Span, 600, 700, false, "evaluation"), "trainer");
        // No time panel here: a time marker has nowhere to go.
        store.Events.Add(new PlotEvent(EventKind.Mark, 1.7e9, null, true, "deploy"), "trainer");
        return store;
    }

    private static bool Near(SKColor c, SKColor want, int tolerance) =>
        Math.Abs(c.Red - want.Red) <= tolerance && Math.Abs(c.Green - want.Green) <= tolerance && Math.Abs(c.Blue - want.Blue) <= tolerance;

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public void A_mark_is_a_line_of_its_colour_at_its_pixel_column_and_a_span_a_band_between_its_columns(string theme)
    {
        var palette = PicturePalette.Named(theme);
        var figure = PictureExporter.Render(Marked(), 800, 500, palette: palette);
        var png = figure.PngBytes();
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts", "export");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, $"markers-{theme}.png"), png);

        var plot = figure.Panels[0].Plot;
        Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>());
        Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalSpan>());
        Assert.Equal(["learning rate dropped", "evaluation"], plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText));

        var rect = figure.Panels[0].DataRect;
        var limits = plot.Axes.GetLimits();
        int Col(double x) => (int)Math.Round(rect.Left + (x - limits.Left) / (limits.Right - limits.Left) * rect.Width);
        using var bitmap = SKBitmap.Decode(png);
        var markInk = SKColor.Parse(PictureMarkers.Ink(EventKind.Mark, palette.IsDark).ToHex());
        // Rows of the data area's lower half, below the labels: the dashed line inks a good part of them.
        int top = (int)(rect.Top + rect.Height / 2), bottom = (int)rect.Bottom - 2;
        int InkRows(int column, SKColor want, int tolerance)
        {
            int n = 0;
            for (int y = top; y < bottom; y++)
                for (int x = column - 1; x <= column + 1; x++)
                    if (Near(bitmap.GetPixel(x, y), want, tolerance)) { n++; break; }
            return n;
        }
        int rows = bottom - top;
        Assert.True(InkRows(Col(300), markInk, 40) > rows / 3, $"column {Col(300)}: {InkRows(Col(300), markInk, 40)} of {rows} rows in the mark's colour");
        Assert.Equal(0, InkRows(Col(150), markInk, 40));
        Assert.Equal(0, InkRows(Col(450), markInk, 40));

        // The band tints the background between its edges and nowhere else.
        var background = SKColor.Parse(palette.Background.ToHex());
        var inside = bitmap.GetPixel(Col(650) + 7, bottom - 3);
        var outside = bitmap.GetPixel(Col(550) + 7, bottom - 3);
        Assert.True(Near(outside, background, 6), $"outside the band: {outside}");
        Assert.False(Near(inside, background, 6), $"inside the band: {inside}");
        // Its tint is the span's colour laid thinly over the background, as the page lays it.
        var spanInk = SKColor.Parse(PictureMarkers.Ink(EventKind.Span, palette.IsDark).ToHex());
        double alpha = palette.IsDark ? .2 : .14;
        byte Blend(byte under, byte over) => (byte)Math.Round(under + (over - under) * alpha);
        var tint = new SKColor(Blend(background.Red, spanInk.Red), Blend(background.Green, spanInk.Green), Blend(background.Blue, spanInk.Blue));
        Assert.True(Near(inside, tint, 4), $"inside the band: {inside}, the span's tint is {tint}");
    }

    [Fact]
    public void An_svg_carries_the_markers_labels_and_a_panel_of_the_other_x_kind_none()
    {
        var store = Marked();
        var svg = Encoding.UTF8.GetString(PictureExporter.Render(store, 800, 500).SvgBytes());
        Assert.Contains("learning rate dropped", svg);
        Assert.Contains("evaluation", svg);
        Assert.DoesNotContain("deploy", svg);
    }
}
