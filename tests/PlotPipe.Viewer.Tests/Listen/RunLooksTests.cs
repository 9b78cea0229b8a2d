using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Browser;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>
/// The same script run twice into one listening viewer: each run is named apart, each of its series says its run,
/// and a series of the same name in both runs keeps its colour but draws in its run's own style.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RunLooksTests(BrowserFixture browser)
{
    private const int Points = 200;

    // Two producers of one script: "train loss" with a colour letter, "val loss" from the cycle, "acc" as markers.
    private static async Task<List<TcpProducer>> TwoRunsAsync(CommandLineViewer viewer)
    {
        var xs = new double[Points];
        var producers = new List<TcpProducer>();
        for (int run = 0; run < 2; run++)
        {
            var ys = new double[Points];
            var val = new double[Points];
            for (int i = 0; i < Points; i++) { xs[i] = i; ys[i] = (run + 1) * Math.Exp(-i / 80.0); val[i] = ys[i] + 0.3; }
            var p = await TcpProducer.HelloAsync(viewer.ProducerPort, "train.py", viewer.Token);
            producers.Add(p);
            await p.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train loss", "r-");
                FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "val loss", "-");
                FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Scatter, "acc", "o");
                FrameWriter.WritePoints(w, 0, xs, ys);
                FrameWriter.WritePoints(w, 1, xs, val);
                FrameWriter.WritePoints(w, 2, xs.AsSpan(0, 20), ys.AsSpan(0, 20));
            });
            // Connections are read concurrently: the first run's series come first, so the runs' order is known.
            int expected = 3 * (run + 1);
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/series")).GetArrayLength() == expected, $"{expected} series");
        }
        return producers;
    }

    private static string Look(JsonElement row) =>
        $"{row.GetProperty("color").GetString()}|{row.GetProperty("darkColor").GetString()}|{row.GetProperty("dash").GetString()}|{row.GetProperty("marker").GetString()}";

    [Fact]
    public async Task Series_of_the_same_name_in_two_runs_name_their_run_and_draw_in_styles_of_their_own()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var producers = await TwoRunsAsync(viewer);
        try
        {
            var rows = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
            Assert.Equal(["train.py", "train.py", "train.py", "train.py (2)", "train.py (2)", "train.py (2)"], rows.Select(r => r.GetProperty("run").GetString()));
            foreach (var name in new[] { "train loss", "val loss", "acc" })
            {
                var same = rows.Where(r => r.GetProperty("name").GetString() == name).ToList();
                Assert.Equal(2, same.Count);
                Assert.NotEqual(Look(same[0]), Look(same[1]));
                // The series keeps its colour in both runs (colour = what is measured), the run shows in the stroke.
                Assert.Equal(same[0].GetProperty("color").GetString(), same[1].GetProperty("color").GetString());
            }
            var byRun = rows.ToDictionary(r => $"{r.GetProperty("run").GetString()}/{r.GetProperty("name").GetString()}");
            Assert.Equal("#ff0000|#ff0000|solid|", Look(byRun["train.py/train loss"]));
            Assert.Equal("#ff0000|#ff0000|dashed|", Look(byRun["train.py (2)/train loss"]));
            // The cycle's first colour, lightened on the dark theme.
            Assert.Equal($"{SeriesPalette.Cycle[0]}|{SeriesPalette.DarkCycle[0]}|solid|", Look(byRun["train.py/val loss"]));
            Assert.Equal($"{SeriesPalette.Cycle[0]}|{SeriesPalette.DarkCycle[0]}|dashed|", Look(byRun["train.py (2)/val loss"]));
            Assert.Equal("none|o", Look(byRun["train.py/acc"])[^6..]);
            Assert.Equal("none|s", Look(byRun["train.py (2)/acc"])[^6..]);
        }
        finally
        {
            foreach (var p in producers) p.Dispose();
        }
    }

    [Fact]
    public async Task Page_groups_the_legend_by_run_and_names_the_run_in_the_readout_and_the_tooltip()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var producers = await TwoRunsAsync(viewer);
        try
        {
            var page = await browser.NewPageAsync(1200, 700);
            await page.GotoAsync(viewer.Url.ToString());
            await LivePageTests.WaitAsync(page, $"p => p.series.length === 6 && p.drawn === {4 * Points + 40}");

            Assert.Equal(["train.py", "train loss", "val loss", "acc", "train.py (2)", "train loss", "val loss", "acc"],
                await page.Locator("#legend .name").AllTextContentsAsync());
            Assert.Equal(["train.py", "train.py (2)"], await page.Locator("#legend li.producer .name").AllTextContentsAsync());
            var tip = await page.Locator("#legend li[data-index=\"3\"] .name").GetAttributeAsync("title");
            Assert.StartsWith("train.py (2) · train loss", tip);
            // The page draws the second run's loss dashed, in the first run's red.
            var second = await page.EvaluateAsync<JsonElement>("() => window.plotpipe.series.find(s => s.index === 3)");
            Assert.Equal("--", second.GetProperty("line").GetString());
            Assert.Equal("#ff0000", second.GetProperty("color").GetString());

            var box = await BrowserFeed.PlotAreaAsync(page, 0);
            await page.Mouse.MoveAsync((float)(box.X + box.Width * 0.05), (float)(box.Y + box.Height * 0.5));
            await LivePageTests.WaitAsync(page, "p => p.readout && p.readout.length === 6");
            var readout = await page.Locator("#cursor").TextContentAsync();
            Assert.Contains("train.py (2) · train loss", readout);
            Assert.Contains("train.py · train loss", readout);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "two-runs-light.png") });
            await page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Dark });
            await LivePageTests.WaitAsync(page, "p => p.colors.background === '#0d1117'");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "two-runs-dark.png") });
            await page.Context.CloseAsync();
        }
        finally
        {
            foreach (var p in producers) p.Dispose();
        }
    }
}
