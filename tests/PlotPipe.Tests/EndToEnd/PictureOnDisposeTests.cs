using PlotPipe.Tests.Support;
using PlotPipe.TestSupport;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>
/// Disposing the plot returns once the spawned viewer has saved the pictures asked for, so a program can use the
/// file on its next line; the viewer says <c>plotpipe: saved PATH</c> (or why it could not) and the producer waits for that.
/// </summary>
public class PictureOnDisposeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_png_is_on_disk_the_moment_disposing_returns(bool async)
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-dispose-{Guid.NewGuid():N}.png");
        var log = new LogLines();
        // The viewer stays up after the stream ends: only the producer's wait can make the file be there in time.
        var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, SavePngPath = png, Logger = log });
        try
        {
            var dots = plot.Scatter("samples", "ro");
            for (int i = 0; i < 10; i++) dots.Add(i % 5, i / 5);
            if (async) await plot.DisposeAsync();
            else plot.Dispose();
            Assert.True(File.Exists(png), "the picture was not on disk when disposing returned");

            // Ten separate red dots on the plot, plus the legend's marker: the whole picture, not a part of it.
            Assert.Equal(11, RedDots.Count(png));
            Assert.Empty(plot.Viewer!.PicturesNotSaved);
            Assert.False(plot.Viewer.HasExited);
            Assert.DoesNotContain(log.Lines, l => l.Text.Contains("had not saved", StringComparison.Ordinal));
        }
        finally
        {
            plot.CloseViewer();
            File.Delete(png);
        }
    }

    [Fact]
    public async Task A_picture_asked_for_in_the_dark_theme_has_the_dark_page_s_background()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-dark-{Guid.NewGuid():N}.png");
        try
        {
            await using (var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, SavePngPath = png, PictureTheme = PictureTheme.Dark, ExitOnFinish = true }))
            {
                var line = plot.Line("loss");
                for (int i = 0; i < 100; i++) line.Add(i, Math.Exp(-i / 20.0));
            }
            using var bitmap = SkiaSharp.SKBitmap.Decode(png);
            // The dark page's background (#0d1117), where the light theme's is white.
            Assert.Equal(new SkiaSharp.SKColor(0x0d, 0x11, 0x17), bitmap.GetPixel(2, 2));
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task A_picture_the_viewer_cannot_save_ends_the_wait_with_its_could_not_save_line()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-gone-");
        var png = Path.Combine(dir.FullName, "picture.png");
        var log = new LogLines();
        // A minute: were the viewer's line missed, disposing would take that long and log that it gave up.
        var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, SavePngPath = png, Logger = log, FinishTimeout = TimeSpan.FromMinutes(1) });
        try
        {
            plot.Scatter("samples", "ro").Add(1, 1);
            // The folder goes after the viewer started, so only saving can fail.
            dir.Delete(recursive: true);
            await plot.DisposeAsync();

            Assert.False(File.Exists(png));
            Assert.Empty(plot.Viewer!.PicturesNotSaved);
            Assert.False(plot.Viewer.HasExited);
            Assert.DoesNotContain(log.Lines, l => l.Text.Contains("had not saved", StringComparison.Ordinal));
        }
        finally
        {
            plot.CloseViewer();
            if (dir.Exists) dir.Delete(recursive: true);
        }
    }
}
