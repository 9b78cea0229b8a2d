using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>
/// The plot model's own example on the page: loss and accuracy against the step, a temperature against time, all
/// panels linked. Steps link with steps, time stays on its own range, and every series is drawn across its panel.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MixedPanelsPageTests(BrowserFixture browser)
{
    private const int Steps = 3_000;
    private const int Readings = 600;
    private static readonly double T0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    // As README's example: the temperature in the default panel on top (Add(DateTime, y) marks it timed), then the panels.
    internal static Task MixedExampleAsync(ViewerProcess viewer, bool finish) => SendAsync(viewer, w =>
    {
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefinePlot(w, [new("title", "Training")]);
        FrameWriter.WriteDefinePanel(w, 1, [new("title", "Loss"), new("ylabel", "cross-entropy"), new("yscale", "log")]);
        FrameWriter.WriteDefinePanel(w, 2, [new("title", "Accuracy"), new("ylabel", "accuracy"), new("xlabel", "step")]);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train", "b-", 1, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "val", "g-", 2, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "temperature", "r-", 0, SeriesFlags.TimeX);
        var (steps, loss) = Columns(Steps, 0, 1, s => 2.5 * Math.Pow(10, -3.0 * s / Steps));
        var (_, acc) = Columns(Steps, 0, 1, s => 1 - Math.Exp(-6.0 * s / Steps) + 0.02 * Math.Sin(s / 20));
        var (times, temperature) = Columns(Readings, T0, 1, t => 21.5 + Math.Sin((t - T0) / 60));
        Points(w, 0, steps, loss);
        Points(w, 1, steps, acc);
        Points(w, 2, times, temperature);
        if (finish) FrameWriter.WriteFinish(w);
    });

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Step_panels_and_a_timed_panel_each_draw_their_series_across_the_panel(ColorScheme scheme)
    {
        using var viewer = await ViewerProcess.StartAsync();
        await MixedExampleAsync(viewer, finish: true);
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, ColorScheme = scheme });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.status.state === 'finished' && p.panels.length === 3 && p.panels.every(q => q.drawn > 0) && !p.follow && p.panels[1].xRange[1] === {Steps - 1}");

        var state = await StateAsync(page);
        var panels = state.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], panels.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal(["time", "linear", "linear"], panels.Select(p => p.GetProperty("xKind").GetString()));
        Assert.True(panels[0].GetProperty("time").GetBoolean());
        // The two step panels share the steps; the timed panel shows its own ten minutes.
        Assert.Equal((T0, T0 + Readings - 1), Range(panels[0].GetProperty("xRange")));
        Assert.Equal((0.0, Steps - 1.0), Range(panels[1].GetProperty("xRange")));
        Assert.Equal((0.0, Steps - 1.0), Range(panels[2].GetProperty("xRange")));
        Assert.Equal([Readings, Steps, Steps], panels.Select(p => (int)p.GetProperty("inView").GetDouble()));
        // Its ticks read as times, the steps' as numbers.
        Assert.All(panels[0].GetProperty("xTicks").EnumerateArray(), t => Assert.Matches(@"^\d\d:\d\d", t.GetProperty("text").GetString()));
        Assert.All(panels[1].GetProperty("xTicks").EnumerateArray(), t => Assert.Matches(@"^[\d.,k]+$", t.GetProperty("text").GetString()));

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"mixed-panels-{scheme.ToString().ToLowerInvariant()}.png") });
        var colors = state.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("panel").GetInt32(), s => s.GetProperty("color").GetString()!);
        foreach (var id in new[] { 0, 1, 2 })
        {
            var thirds = await InkThirdsAsync(page, id, colors[id]);
            Assert.True(thirds.All(n => n >= 40), $"panel {id} ({scheme}): {string.Join(", ", thirds)} pixels of its series in its left, middle and right thirds");
        }

        // A zoom in the accuracy panel moves the loss panel with it and leaves the temperature's time where it was.
        await DragAcrossAsync(page, 2, 0.25, 0.5);
        await WaitAsync(page, "p => p.panels[2].xRange[1] < 2000 && p.panels[1].xRange[1] === p.panels[2].xRange[1]");
        var zoomed = (await StateAsync(page)).GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal((T0, T0 + Readings - 1), Range(zoomed[0].GetProperty("xRange")));
        Assert.Equal(Range(zoomed[2].GetProperty("xRange")), Range(zoomed[1].GetProperty("xRange")));
        await context.CloseAsync();
    }

    // Pixels of the series' ink in the left, middle and right thirds of a panel's plot area. A hairline is blended
    // with the background, so ink is any coloured pixel (grid, axes and both themes' backgrounds are grey) whose
    // strongest channel is the series colour's.
    internal static async Task<int[]> InkThirdsAsync(IPage page, int panelId, string hexColor)
    {
        var box = await PlotAreaAsync(page, panelId);
        var shot = await page.ScreenshotAsync(new() { Clip = new() { X = box.X, Y = box.Y, Width = box.Width, Height = box.Height } });
        using var image = SKBitmap.Decode(shot);
        int want = Strongest(SKColor.Parse(hexColor));
        var thirds = new int[3];
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
        {
            var c = image.GetPixel(x, y);
            int chroma = Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));
            if (chroma > 40 && Strongest(c) == want) thirds[Math.Min(2, 3 * x / image.Width)]++;
        }
        return thirds;
    }

    private static int Strongest(SKColor c) => c.Red >= c.Green && c.Red >= c.Blue ? 0 : c.Green >= c.Blue ? 1 : 2;
}
