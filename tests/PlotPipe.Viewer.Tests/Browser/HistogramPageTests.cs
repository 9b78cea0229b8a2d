using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The histogram panel: a series picked on the page, its y counted by the viewer over the x in view, drawn as bars.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistogramPageTests(BrowserFixture browser)
{
    private const int Steps = 20_000;

    [Fact]
    public async Task The_histogram_of_a_series_counts_its_points_in_view_and_follows_a_zoom()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "trainer");
        var random = new Random(5);
        var (steps, loss) = Columns(Steps, 0, 1, s => (2.5 * Math.Exp(-s / 4000.0)) + random.NextDouble());
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            Points(w, 0, steps, loss);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1200, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.state === 'finished'");
        Assert.True(await page.IsHiddenAsync("#histogram"));

        await page.SelectOptionAsync("#histogram-series", "0");
        await WaitAsync(page, "p => p.request && p.request.histogram === 0 && p.histogram && p.histogram.series === 0");
        Assert.True(await page.IsVisibleAsync("#histogram"));
        var whole = (await StateAsync(page)).GetProperty("histogram");
        AssertCountsOfSentPoints(whole, steps, loss);
        Assert.Equal(Steps, whole.GetProperty("total").GetInt64());

        // A zoom moves the x in view: the histogram is counted again over the new range.
        await DragAcrossAsync(page, 0, 0.6, 0.9);
        await WaitAsync(page, $"p => p.histogram && p.histogram.x[0] > 1000 && p.histogram.total < {Steps}");
        var zoomed = (await StateAsync(page)).GetProperty("histogram");
        AssertCountsOfSentPoints(zoomed, steps, loss);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "histogram.png") });

        // "none" hides the panel and the request names no series.
        await page.SelectOptionAsync("#histogram-series", "");
        await WaitAsync(page, "p => p.request && p.request.histogram === undefined && p.histogram === null");
        Assert.True(await page.IsHiddenAsync("#histogram"));
    }

    // The bins drawn equal the counts of the points sent whose x is in the histogram's range, 50 equal bins from the
    // lowest to the highest y among them.
    private static void AssertCountsOfSentPoints(JsonElement h, double[] xs, double[] ys)
    {
        double x0 = h.GetProperty("x")[0].GetDouble(), x1 = h.GetProperty("x")[1].GetDouble();
        var inView = Enumerable.Range(0, xs.Length).Where(i => xs[i] >= x0 && xs[i] <= x1).Select(i => ys[i]).ToList();
        double low = inView.Min(), high = inView.Max();
        Assert.Equal(low, h.GetProperty("low").GetDouble());
        Assert.Equal(high, h.GetProperty("high").GetDouble());
        var want = new long[50];
        foreach (double y in inView) want[Math.Min(49, (int)((y - low) / (high - low) * 50))]++;
        Assert.Equal(want, h.GetProperty("bars").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        Assert.Equal(inView.Count, h.GetProperty("total").GetInt64());
    }
}
