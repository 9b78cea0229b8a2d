using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Query;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>The plot model's own example saved as a picture: each x group on its own range, every series across its panel.</summary>
public class MixedPanelsPictureTests
{
    private const int Steps = 3_000, Readings = 600;

    [Fact]
    public void Step_panels_and_a_timed_panel_each_draw_their_series_across_the_panel_in_the_png()
    {
        var store = PlotLayoutTests.MixedExample(Steps, Readings);
        var figure = PictureExporter.Render(store, 900);
        var png = figure.PngBytes();
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts", "export");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "mixed-panels.png"), png);

        Assert.Equal([0, 1, 2], figure.Panels.Select(p => p.Definition.Id));
        Assert.Equal([AxisKind.Time, AxisKind.Linear, AxisKind.Linear], figure.Panels.Select(p => p.Axes.X));
        // The step panels share the steps; the time panel shows its ten minutes, not a line at the edge of them.
        var limits = figure.Panels.Select(p => p.Plot.Axes.GetLimits()).ToArray();
        Assert.Equal((limits[1].Left, limits[1].Right), (limits[2].Left, limits[2].Right));
        // Each group from its first x to its last, as the page fits lines; the time axis in Unix seconds.
        Assert.Equal((0.0, Steps - 1.0), (limits[1].Left, limits[1].Right));
        var times = store.Series[2].Snapshot();
        Assert.Equal((times.X(0), times.X(times.Count - 1)), (limits[0].Left, limits[0].Right));

        using var bitmap = SKBitmap.Decode(png);
        for (int p = 0; p < 3; p++)
        {
            var rect = figure.Panels[p].Plot.RenderManager.LastRender.DataRect;
            var series = store.Series.Single(s => s.Definition.Panel == figure.Panels[p].Definition.Id);
            var thirds = InkThirds(bitmap, rect, SKColor.Parse(series.Color));
            Assert.True(thirds.All(n => n >= 40), $"panel {p}: {string.Join(", ", thirds)} pixels of \"{series.Name}\" in its left, middle and right thirds");
        }
    }

    // Pixels of a colour in the left, middle and right thirds of a panel's data area: any coloured pixel whose
    // strongest channel is the series colour's (grid and text are grey; the legend is beside the panels).
    private static int[] InkThirds(SKBitmap bitmap, ScottPlot.PixelRect rect, SKColor want)
    {
        int strongest = Strongest(want);
        var thirds = new int[3];
        int left = (int)rect.Left, width = (int)rect.Width;
        for (int y = (int)rect.Top; y < (int)rect.Bottom; y++)
        for (int x = left; x < left + width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            int chroma = Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));
            if (chroma > 40 && Strongest(c) == strongest) thirds[Math.Min(2, 3 * (x - left) / width)]++;
        }
        return thirds;
    }

    private static int Strongest(SKColor c) => c.Red >= c.Green && c.Red >= c.Blue ? 0 : c.Green >= c.Blue ? 1 : 2;
}
