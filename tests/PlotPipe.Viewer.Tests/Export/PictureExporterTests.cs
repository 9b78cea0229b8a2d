using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Export;

public class PictureExporterTests
{
    private static PlotStore TwoSeries()
    {
        var store = new PlotStore();
        var line = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b--"));
        var xs = Enumerable.Range(0, 300_000).Select(i => (double)i).ToArray();
        line.Append(xs, xs.Select(x => Math.Exp(-x / 1e5)).ToArray());
        var dots = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "samples", "ro"));
        dots.Append([1e5, 2e5], [0.5, 0.25]);
        return store;
    }

    [Fact]
    public void Png_and_svg_pictures_are_written()
    {
        var store = TwoSeries();
        var dir = Directory.CreateTempSubdirectory("plotpipe-export");
        try
        {
            var svg = Path.Combine(dir.FullName, "plot.svg");
            PictureExporter.Save(store, svg);
            var text = File.ReadAllText(svg);
            Assert.Contains("<svg", text);
            Assert.Contains("</svg>", text);
            // Text is drawn as glyph paths, so check that the picture holds drawing, not just a frame.
            Assert.True(text.Length > 10_000, $"the SVG is only {text.Length} characters");

            var png = Path.Combine(dir.FullName, "plot.png");
            PictureExporter.Save(store, png, 640, 480);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_long_line_is_drawn_from_its_decimated_points_not_all_of_them()
    {
        var plot = PictureExporter.Render(TwoSeries(), 800).Panels[0].Plot;
        var scatters = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, scatters.Count);
        Assert.InRange(scatters[0].Data.GetScatterPoints().Count, 2, 4 * 800 + 8);
        Assert.Equal(2, scatters[1].Data.GetScatterPoints().Count);
    }

    [Fact]
    public void A_huge_scatter_is_drawn_from_one_point_per_marker_sized_cell()
    {
        var store = new PlotStore();
        var random = new Random(7);
        var xs = Enumerable.Range(0, 300_000).Select(_ => random.NextDouble()).ToArray();
        var ys = Enumerable.Range(0, 300_000).Select(_ => random.NextDouble()).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "cloud", "ro")).Append(xs, ys);
        var plot = PictureExporter.Render(store, 800, 600).Panels[0].Plot;
        var drawn = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single().Data.GetScatterPoints().Count;
        // Cells of 4 px: at most 200 × 150 markers, and a uniform cloud fills nearly all of them.
        Assert.InRange(drawn, 25_000, 200 * 150);
    }

    [Fact]
    public void An_unknown_picture_type_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => PictureExporter.Save(TwoSeries(), "plot.bmp"));
        Assert.Contains("plot.bmp", e.Message);
    }
}
