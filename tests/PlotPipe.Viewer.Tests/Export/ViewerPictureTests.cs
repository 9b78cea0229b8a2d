using System.Buffers;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>The real viewer, fed a version 2 stream, saves the panels the stream defined.</summary>
public class ViewerPictureTests
{
    [Fact]
    public async Task A_viewer_saves_the_three_panels_a_stream_defined_in_its_png_and_svg()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefinePlot(w, [new(PlotProperties.Title, "Training")]);
        FrameWriter.WriteDefinePanel(w, 1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YLabel, "cross-entropy"), new(PlotProperties.YScale, "log")]);
        FrameWriter.WriteDefinePanel(w, 2, [new(PlotProperties.Title, "Accuracy"), new(PlotProperties.YLabel, "accuracy")]);
        FrameWriter.WriteDefinePanel(w, 3, [new(PlotProperties.Title, "Sensor"), new(PlotProperties.YLabel, "°C")]);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train", "b-", 1, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "val", "g-", 2, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "temperature", "r-", 3, SeriesFlags.TimeX);
        var steps = Enumerable.Range(0, 1_000).Select(i => (double)i).ToArray();
        FrameWriter.WritePoints(w, 0, steps, steps.Select(i => 2.5 * Math.Pow(10, -i / 300)).ToArray());
        FrameWriter.WritePoints(w, 1, steps, steps.Select(i => 1 - Math.Exp(-i / 200)).ToArray());
        // Its own x range: time on x cannot share the steps' range, so its panel opts out of the link.
        FrameWriter.WriteDefinePanel(w, 3, [new(PlotProperties.Title, "Sensor"), new(PlotProperties.YLabel, "°C"), new(PlotProperties.LinkX, "false")]);
        FrameWriter.WritePoints(w, 2, steps.Select(i => 1.7e9 + i * 60).ToArray(), steps.Select(i => 20 + Math.Sin(i / 50)).ToArray());
        FrameWriter.WriteFinish(w);
        var (png, svg) = await SaveAsync("viewer-training", w);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((800, Figure.HeightFor(3)), (bitmap.Width, bitmap.Height));
        var text = File.ReadAllText(svg);
        foreach (var label in new[] { "Training", "Loss", "Accuracy", "Sensor", "cross-entropy", "accuracy", "°C", "time (UTC)", "train", "val", "temperature" })
            Assert.Matches($">\\s*{System.Text.RegularExpressions.Regex.Escape(label)}\\s*<", text);
        // A date on the sensor's time axis, as the page writes it: 1.7e9 s is 2023-11-14 22:13 UTC, and the first
        // tick of the hours after it is midnight.
        Assert.Contains("Nov 15 2023", text);
    }

    [Fact]
    public async Task A_viewer_told_theme_dark_in_any_case_saves_its_png_and_svg_in_the_dark_page_s_colours()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "sensor", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "signal", "b-", 0, SeriesFlags.None);
        var xs = Enumerable.Range(0, 500).Select(i => (double)i).ToArray();
        FrameWriter.WritePoints(w, 0, xs, xs.Select(x => Math.Sin(x / 40)).ToArray());
        FrameWriter.WriteFinish(w);
        var (png, svg) = await SaveAsync("viewer-dark", w, "--theme", "Dark");
        var dark = PicturePalette.Dark;
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        // The corner is the picture's background; the line is drawn in the series' dark-theme colour.
        Assert.Equal(dark.Background.ToHex().ToLowerInvariant()[..7], Hex(bitmap.GetPixel(1, 1)));
        string line = SeriesPalette.DarkLetters['b'].ToLowerInvariant();
        Assert.Contains(Enumerable.Range(0, bitmap.Width).SelectMany(x => Enumerable.Range(0, bitmap.Height).Select(y => Hex(bitmap.GetPixel(x, y)))), p => p == line);
        var text = File.ReadAllText(svg).ToLowerInvariant();
        Assert.Contains(dark.Background.ToHex().ToLowerInvariant()[..7], text);
        Assert.Contains(line, text);
        Assert.DoesNotContain(SeriesPalette.LightLetters['b'].ToLowerInvariant(), text);
    }

    // Starts a viewer saving NAME.png and NAME.svg (with the options given), feeds it the stream and waits until it
    // exits, having saved both.
    private static async Task<(string Png, string Svg)> SaveAsync(string name, ArrayBufferWriter<byte> stream, params string[] options)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts", "export");
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, name + ".png");
        var svg = Path.Combine(dir, name + ".svg");
        File.Delete(png);
        File.Delete(svg);
        using var viewer = await ViewerProcess.StartAsync(["--png", png, "--svg", svg, .. options, "--exit-on-finish"]);
        await viewer.Input.WriteAsync(stream.WrittenMemory);
        await viewer.Input.FlushAsync();
        // A producer that finished closes its end; the viewer saves and exits when its input ends.
        viewer.CloseInput();
        var exit = await viewer.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit {exit}: {viewer.Errors}");
        Assert.DoesNotContain("could not save", viewer.Errors);
        return (png, svg);
    }

    private static string Hex(SKColor c) => $"#{c.Red:x2}{c.Green:x2}{c.Blue:x2}";
}
