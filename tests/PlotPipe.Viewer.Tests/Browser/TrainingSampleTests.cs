using System.Diagnostics;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Tests.Export;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The Training sample (samples/Training) run as a user runs it, its page read in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TrainingSampleTests(BrowserFixture browser)
{
    [Fact]
    public async Task Training_sample_page_shows_three_titled_panels_a_log_loss_axis_and_linked_x_zoom()
    {
        var dll = await SampleDllAsync("Training");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var a in new[] { dll, "--no-browser" }) info.ArgumentList.Add(a);
        using var sample = Process.Start(info) ?? throw new InvalidOperationException("could not start the sample");
        try
        {
            string url = await UrlAsync(sample);
            var page = await browser.NewPageAsync(1280, 860);
            await page.GotoAsync(url);
            // A finished run opens whole, follow off, every panel from the first step to the last.
            await WaitAsync(page, "p => p.panels.length === 3 && p.status.state !== 'streaming' && p.panels.every(q => q.drawn > 0) && !p.follow && p.panels.every(q => q.xRange[0] === 0 && q.xRange[1] === 2999) && p.panels[0].yRange[1] > 2");

            var panels = (await StateAsync(page)).GetProperty("panels").EnumerateArray().ToList();
            Assert.Equal(["Loss", "Accuracy", "Learning rate"], panels.Select(p => p.GetProperty("title").GetString()));
            Assert.Equal(["cross-entropy", "accuracy", "learning rate"], panels.Select(p => p.GetProperty("ylabel").GetString()));
            Assert.Equal("step", panels[2].GetProperty("xlabel").GetString());
            Assert.Equal(["log", "linear", "log"], panels.Select(p => p.GetProperty("yScale").GetString()));
            Assert.Equal("Training", await page.TextContentAsync("#title"));
            // Four decades of loss: the log axis labels powers of ten.
            var lossTicks = panels[0].GetProperty("yTicks").EnumerateArray().Select(t => t.GetProperty("text").GetString()).ToList();
            Assert.Contains("0.01", lossTicks);
            Assert.Contains("1", lossTicks);

            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "training.png") });
            if (Environment.GetEnvironmentVariable("PLOTPIPE_UPDATE_IMAGES") == "1")
            {
                var target = Path.Combine(RepoDir(), "docs", "images", "training.png");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await page.ScreenshotAsync(new() { Path = target });
            }

            // A zoom in the accuracy panel moves the loss and learning-rate panels' x with it.
            await DragAcrossAsync(page, 2, 0.2, 0.4);
            await WaitAsync(page, "p => p.panels[1].xRange[0] > 0 && p.panels.every(q => q.xRange[0] === p.panels[1].xRange[0] && q.xRange[1] === p.panels[1].xRange[1])");
            var zoomed = (await StateAsync(page)).GetProperty("panels").EnumerateArray().Select(p => Range(p.GetProperty("xRange"))).ToList();
            Assert.InRange(zoomed[1].Min, 400, 800);
            Assert.InRange(zoomed[1].Max, 1000, 1400);
            await page.Context.CloseAsync();
        }
        finally
        {
            if (!sample.HasExited) sample.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Training_sample_png_export_shows_the_same_three_panels_under_its_title()
    {
        var dll = await SampleDllAsync("Training");
        var png = Path.Combine(BrowserFixture.ArtifactsDir, "training-sample-export.png");
        File.Delete(png);
        var (code, output, errors) = await ChildProcess.RunAsync("dotnet", [dll, "--no-browser", "--steps", "1500", "--png", png], Path.GetDirectoryName(dll));
        Assert.True(code == 0, $"the sample failed ({code}): {output}\n{errors}");

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        // Three panels: the picture grows by a panel's height for each panel after the first.
        Assert.Equal((800, Figure.HeightFor(3)), (bitmap.Width, bitmap.Height));
        // Rows below the title band, left of the legend column (at most a share of the width).
        float top = Figure.RowsTopPx(titled: true), band = (bitmap.Height - top) / 3f;
        var chart = (int)(bitmap.Width * (1 - Figure.LegendMostShare));
        int Ink(Func<SKColor, bool> ink, int panel) =>
            PanelPictureTests.Count(bitmap, ink, new ScottPlot.PixelRect(0, chart, top + band * (panel + 1), top + band * panel));
        // The raw training loss (blue, faint under its smoothed curve) and the validation loss (red) in the top panel
        // only; validation accuracy (green) in the middle.
        Assert.True(Ink(PanelPictureTests.IsBlue, 0) > 300, "no train loss in the top panel");
        Assert.True(Ink(PanelPictureTests.IsRed, 0) > 50, "no validation loss in the top panel");
        Assert.True(Ink(PanelPictureTests.IsGreen, 1) > 100, "no accuracy in the middle panel");
        for (int panel = 1; panel < 3; panel++) Assert.True(Ink(PanelPictureTests.IsRed, panel) < 20, $"loss ink in panel {panel}");
        Assert.True(Ink(PanelPictureTests.IsGreen, 0) + Ink(PanelPictureTests.IsGreen, 2) < 20, "accuracy ink outside its panel");
        // The plot's title in the band above the panels.
        Assert.True(PanelPictureTests.Count(bitmap, c => c.Red < 100 && c.Green < 100 && c.Blue < 100, 0, (int)top) > 50, "no title drawn");
    }

    // The sample's build output beside this test's configuration, built first if the solution's build did not.
    private static async Task<string> SampleDllAsync(string name)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var project = Path.Combine(RepoDir(), "samples", name);
        var dll = Path.Combine(project, "bin", configuration, "net10.0", $"{name}.dll");
        if (File.Exists(dll)) return dll;
        var (code, output, errors) = await ChildProcess.RunAsync("dotnet", ["build", project, "-c", configuration], timeout: TimeSpan.FromMinutes(4));
        Assert.True(code == 0, $"building {name} failed:\n{output}\n{errors}");
        return dll;
    }

    // The sample prints the viewer's address as its first line.
    private static async Task<string> UrlAsync(Process sample)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await sample.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"the sample ended without an address: {await sample.StandardError.ReadToEndAsync()}");
            const string prefix = "PlotPipe viewer: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line[prefix.Length..].Trim();
        }
    }
}
