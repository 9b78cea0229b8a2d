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

    private static PlotStore Sine(params (double X, string Text, bool Alert)[] marks)
    {
        var store = new PlotStore();
        var xs = new double[1000];
        var ys = new double[1000];
        for (int i = 0; i < xs.Length; i++) (xs[i], ys[i]) = (i, Math.Sin(i / 50.0));
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "k-")).Append(xs, ys);
        foreach (var (x, text, alert) in marks) store.Events.Add(new PlotEvent(EventKind.Mark, x, null, false, text), "trainer", alert);
        return store;
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public void An_alert_is_a_solid_line_in_the_warning_colour_where_a_mark_is_dashed_in_its_own(string theme)
    {
        var palette = PicturePalette.Named(theme);
        var figure = PictureExporter.Render(Sine((300, "learning rate dropped", false), (600, "alert: loss is nan", true)), 800, 500, palette: palette);
        var png = figure.PngBytes();
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts", "export");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, $"alert-{theme}.png"), png);

        var markInk = SKColor.Parse(PictureMarkers.Ink(EventKind.Mark, palette.IsDark).ToHex());
        var alertInk = SKColor.Parse(PictureMarkers.Ink(EventKind.Mark, palette.IsDark, alert: true).ToHex());
        Assert.False(Near(markInk, alertInk, 60), $"an alert's ink {alertInk} is too like a mark's {markInk}");

        var rect = figure.Panels[0].DataRect;
        var limits = figure.Panels[0].Plot.Axes.GetLimits();
        int Col(double x) => (int)Math.Round(rect.Left + (x - limits.Left) / (limits.Right - limits.Left) * rect.Width);
        using var bitmap = SKBitmap.Decode(png);
        int top = (int)(rect.Top + rect.Height / 2), bottom = (int)rect.Bottom - 2;
        int InkRows(int column, SKColor want)
        {
            int n = 0;
            for (int y = top; y < bottom; y++)
                for (int x = column - 1; x <= column + 1; x++)
                    if (Near(bitmap.GetPixel(x, y), want, 40)) { n++; break; }
            return n;
        }
        int rows = bottom - top;
        // Solid: the alert's column is its colour nearly all the way down (the data line crosses it once); a mark's has gaps.
        Assert.True(InkRows(Col(600), alertInk) > rows * 9 / 10, $"alert column: {InkRows(Col(600), alertInk)} of {rows} rows in the alert's colour");
        Assert.Equal(0, InkRows(Col(600), markInk));
        Assert.InRange(InkRows(Col(300), markInk), rows / 3, rows * 9 / 10);
        Assert.Equal(0, InkRows(Col(300), alertInk));
    }

    [Fact]
    public void A_long_label_at_the_right_edge_hangs_left_of_its_line_and_stays_whole_inside_the_picture()
    {
        const string text = "learning rate dropped to 1e-5 here";
        var figure = PictureExporter.Render(Sine((990, text, false)), 800, 500);
        var png = figure.PngBytes();
        var panel = figure.Panels[0];
        var label = Assert.Single(panel.Plot.GetPlottables().OfType<ScottPlot.Plottables.Text>());
        Assert.Equal(text, label.LabelText);
        Assert.Equal(Alignment.UpperRight, label.LabelAlignment);

        // In the label's row: its ink lies left of the line, and none of it past the data area's right side.
        var rect = panel.DataRect;
        var limits = panel.Plot.Axes.GetLimits();
        int line = (int)Math.Round(rect.Left + (990 - limits.Left) / (limits.Right - limits.Left) * rect.Width);
        var ink = SKColor.Parse(PictureMarkers.Ink(EventKind.Mark, false).ToHex());
        using var bitmap = SKBitmap.Decode(png);
        int leftmost = int.MaxValue, rightmost = -1;
        for (int y = (int)rect.Top + 3; y < (int)rect.Top + 15; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                if (Math.Abs(x - line) <= 2 || !Near(bitmap.GetPixel(x, y), ink, 60)) continue;
                leftmost = Math.Min(leftmost, x);
                rightmost = Math.Max(rightmost, x);
            }
        Assert.True(rightmost >= 0, "no label ink near the top of the data area");
        Assert.True(rightmost < line, $"label ink at column {rightmost}, right of its line at {line}");
        // A whole label of this length is far wider than 100 px: it was not cut to fit.
        Assert.True(line - leftmost > 100, $"label ink from column {leftmost} to the line at {line}");
        Assert.True(leftmost > rect.Left, $"label ink at column {leftmost}, left of the data area at {rect.Left}");
    }

    [Fact]
    public void A_label_too_long_for_either_side_is_shortened_to_fit_the_data_area()
    {
        var figure = PictureExporter.Render(Sine((500, new string('w', 40), false)), 320, 300);
        var label = Assert.Single(figure.Panels[0].Plot.GetPlottables().OfType<ScottPlot.Plottables.Text>());
        Assert.EndsWith("…", label.LabelText);
        Assert.True(label.LabelText.Length is > 2 and < 40, label.LabelText);
    }

    [Fact]
    public void Labels_hang_above_the_data_and_step_down_only_where_they_would_cover_each_other()
    {
        var figure = PictureExporter.Render(Sine((100, "first", false), (110, "second", false), (600, "third", false)), 800, 500);
        var panel = figure.Panels[0];
        var labels = panel.Plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().ToDictionary(t => t.LabelText);
        Assert.Equal(labels["first"].OffsetY, labels["third"].OffsetY);
        Assert.True(labels["second"].OffsetY > labels["first"].OffsetY, "the second label does not step below the first beside it");

        // The highest point (sin reaches 1) lies below the two rows of labels: none of the data is under a label.
        var rect = panel.DataRect;
        var limits = panel.Plot.Axes.GetLimits();
        double highestPx = rect.Top + (limits.Top - 1) / (limits.Top - limits.Bottom) * rect.Height;
        double labelsEndPx = rect.Top + labels["second"].OffsetY + 12;
        Assert.True(highestPx >= labelsEndPx, $"the data's top at {highestPx:F1} px, the labels end at {labelsEndPx:F1} px");
    }
}
