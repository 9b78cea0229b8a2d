using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>A picture of two runs of one script draws as the page does: the legend under each run's name, the later run's series in its own style.</summary>
public sealed class RunPictureTests
{
    [Fact]
    public void Picture_of_two_runs_lists_them_by_name_and_draws_the_later_run_dashed_in_the_same_colour()
    {
        var store = new PlotStore();
        for (int run = 0; run < 2; run++)
        {
            var producer = store.AddProducer("train.py", "stdin");
            store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "r-"), producer).Append([0, 1, 2], [3 - run, 2 - run, 1.5 - run]);
        }
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal(["train.py", "loss", "train.py (2)", "loss"], figure.Legend.Rows.Select(r => r.Text));
        Assert.Equal([true, false, true, false], figure.Legend.Rows.Select(r => r.Producer));

        var lines = Assert.Single(figure.Panels).Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(Color.FromHex("#ff0000"), l.Color));
        Assert.Equal(SeriesLook.Pattern("-"), lines[0].LinePattern);
        Assert.Equal(SeriesLook.Pattern("--"), lines[1].LinePattern);
        File.WriteAllBytes(Path.Combine(Support.BrowserFixture.ArtifactsDir, "two-runs-picture.png"), figure.PngBytes());
        File.WriteAllBytes(Path.Combine(Support.BrowserFixture.ArtifactsDir, "two-runs-picture-dark.png"), PictureExporter.Render(store, 800, palette: PicturePalette.Dark).PngBytes());
    }

    [Fact]
    public void A_dark_picture_draws_on_the_dark_background_with_each_series_in_its_dark_colour()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "black", "k-")).Append([0, 1, 2], [1, 3, 2]);
        var dark = PictureExporter.Render(store, 800, palette: PicturePalette.Dark);
        var line = Assert.Single(Assert.Single(dark.Panels).Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal(Color.FromHex("#9198a1"), line.Color);
        using var bitmap = SkiaSharp.SKBitmap.Decode(dark.PngBytes());
        Assert.Equal(new SkiaSharp.SKColor(0x0d, 0x11, 0x17), bitmap.GetPixel(2, 2));

        var light = PictureExporter.Render(store, 800);
        Assert.Equal(Color.FromHex("#000000"), Assert.Single(Assert.Single(light.Panels).Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()).Color);
    }
}
