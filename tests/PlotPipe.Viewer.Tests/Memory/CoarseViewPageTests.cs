using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Memory;

/// <summary>The page in Chromium when the viewer's memory for views is short: a coarse view, drawn over the whole plot, and why.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CoarseViewPageTests(BrowserFixture browser)
{
    private const int Clouds = 4, PointsPerCloud = 150_000;

    // Gaussian clouds around four centres, each far denser than a scatter sends as points.
    private static async Task CloudsAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "clouds");
        var rng = new Random(5);
        var xs = new double[PointsPerCloud];
        var ys = new double[PointsPerCloud];
        (double X, double Y)[] centres = [(0.3, 0.3), (0.7, 0.35), (0.35, 0.7), (0.7, 0.72)];
        for (int id = 0; id < Clouds; id++)
        {
            for (int i = 0; i < PointsPerCloud; i++)
            {
                // Box-Muller: two uniform draws make one normal one.
                double r = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * 0.09, a = 2 * Math.PI * rng.NextDouble();
                xs[i] = centres[id].X + r * Math.Cos(a);
                ys[i] = centres[id].Y + r * Math.Sin(a);
            }
            int series = id;
            await SendAsync(viewer, w =>
            {
                FrameWriter.WriteDefineSeries(w, series, SeriesKind.Scatter, $"cloud {series}", "o", 0, SeriesFlags.None);
                Points(w, series, xs, ys);
            });
        }
    }

    [Fact]
    public async Task A_page_short_of_view_memory_draws_a_coarse_view_over_the_whole_plot_says_why_and_sharpens_once_it_fits()
    {
        // 12 MiB for views: four 150,000-point clouds at full resolution would keep some 17 MB.
        using var viewer = await ViewerProcess.StartAsync("--max-memory", "48M");
        await CloudsAsync(viewer);
        var page = await browser.NewPageAsync(1280, 720);
        await page.GotoAsync(viewer.Url.ToString());
        // Each grid has a cell for every cellPx × cellPx device pixels of the plot the page last asked for, and is drawn
        // over all of it.
        await WaitAsync(page, $"p => p.limit && p.limit.cellPx > 1 && p.inView === {Clouds * PointsPerCloud} && p.lastView.panels[0].grids.length === {Clouds}" +
            " && p.lastView.panels[0].grids.every(g => g[0] === Math.ceil(p.plotWidth / p.limit.cellPx) && g[1] === Math.ceil(p.plotHeight / p.limit.cellPx))");
        var state = await StateAsync(page);
        int cellPx = state.GetProperty("limit").GetProperty("cellPx").GetInt32();
        int width = state.GetProperty("plotWidth").GetInt32();
        var note = await page.Locator("#status .limit").TextContentAsync();
        Assert.Equal($" — coarse view (cells of {cellPx} × {cellPx} px): views have 12 MiB of memory", note);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "coarse-view.png") });
        // The clouds' centres are drawn, in the corners of the plot as in the data: the grid spans the whole plot.
        var box = await PlotAreaAsync(page, 0);
        foreach (var (x, y) in new[] { (0.3, 0.3), (0.7, 0.72) })
            Assert.True(await PaintedAsync(page, box.X + x * box.Width, box.Y + (1 - y) * box.Height), $"nothing drawn at ({x}, {y})");
        Assert.False(await PaintedAsync(page, box.X + 0.02 * box.Width, box.Y + 0.02 * box.Height), "drawn where no cloud reaches");

        // Three clouds hidden: one fits at full resolution, and the note goes.
        for (int id = 1; id < Clouds; id++) await page.Locator($"#legend li[data-index=\"{id}\"]").ClickAsync();
        await WaitAsync(page, $"p => p.limit === null && p.lastView.panels[0].grids.length === 1 && p.lastView.panels[0].grids[0][0] === {width}");
        Assert.Equal(0, await page.Locator("#status .limit").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "coarse-view-sharp.png") });
        await page.Context.CloseAsync();
    }

    // Whether the plot canvas under a page point (CSS pixels) holds anything but the background.
    private static Task<bool> PaintedAsync(Microsoft.Playwright.IPage page, double x, double y) => page.EvaluateAsync<bool>(
        """
        ([x, y]) => {
          const canvas = document.querySelector('section.panel[data-panel="0"] canvas');
          const r = canvas.getBoundingClientRect();
          const k = canvas.width / r.width;
          const d = canvas.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data;
          const bg = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
          return d[3] > 0 && (Math.abs(d[0] - bg[0]) + Math.abs(d[1] - bg[1]) + Math.abs(d[2] - bg[2])) > 30;
        }
        """, new[] { x, y });
}
