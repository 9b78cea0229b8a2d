using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The histogram panel: a series picked on the page, its y counted by the viewer over the x in view, drawn as bars in a panel of its own.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistogramPageTests(BrowserFixture browser)
{
    private const int Steps = 20_000;
    private const int Half = 5_000;

    [Fact]
    public async Task The_histogram_of_a_series_counts_its_points_in_view_and_follows_a_zoom()
    {
        using var viewer = await ViewerProcess.StartAsync();
        var (steps, loss) = await LossAsync(viewer);
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

    [Fact]
    public async Task The_histogram_is_a_panel_of_its_own_under_the_data_with_value_and_count_axes_and_closes()
    {
        using var viewer = await ViewerProcess.StartAsync();
        var (steps, loss) = await LossAsync(viewer);
        var page = await browser.NewPageAsync(1200, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.state === 'finished'");
        var dataPanel = page.Locator("section.panel[data-panel=\"0\"]");
        double alone = (await dataPanel.BoundingBoxAsync())!.Height;

        await page.SelectOptionAsync("#histogram-series", "0");
        await WaitAsync(page, "p => p.histogram && p.histogramPanel && p.histogramPanel.xTicks.length > 1 && p.histogramPanel.note.includes('20,000 points')");
        // In the plot area, after the data panel and as large as it, the data panel giving it half its room.
        var panel = page.Locator("#chart > section.panel.histogram-panel");
        Assert.True(await panel.IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('#chart').lastElementChild.id === 'histogram'"));
        var data = (await dataPanel.BoundingBoxAsync())!;
        var own = (await panel.BoundingBoxAsync())!;
        Assert.True(own.Y >= data.Y + data.Height - 1, $"histogram at y {own.Y}, data panel ends at {data.Y + data.Height}");
        Assert.InRange(own.Width, data.Width - 2, data.Width + 2);
        Assert.InRange(own.Height, data.Height - 2, data.Height + 2);
        Assert.InRange(data.Height, alone / 2 - 4, alone / 2 + 4);
        // Its plot area starts where the data panel's does: its y axis takes the data panels' width.
        await WaitAsync(page, "p => { const o = [...document.querySelectorAll('#chart .u-over')].map(e => Math.round(e.getBoundingClientRect().left)); return o.length === 2 && o[0] === o[1]; }");
        Assert.Equal("Histogram of trainer · loss", (await panel.Locator(".panel-title > span").First.TextContentAsync())?.Trim());

        // Axes: the values counted across (from the lowest to the highest y in view), whole counts up the side.
        var state = await StateAsync(page);
        var h = state.GetProperty("histogram");
        var hp = state.GetProperty("histogramPanel");
        Assert.Equal(new[] { "y", "count" }, hp.GetProperty("axisNames").EnumerateArray().Select(e => e.GetString() ?? "").ToArray());
        Assert.Equal(h.GetProperty("low").GetDouble(), hp.GetProperty("xRange")[0].GetDouble());
        Assert.Equal(h.GetProperty("high").GetDouble(), hp.GetProperty("xRange")[1].GetDouble());
        long most = h.GetProperty("bars").EnumerateArray().Max(e => e.GetInt64());
        Assert.InRange(hp.GetProperty("yRange")[1].GetDouble(), most, most * 1.1);
        AssertTicksApart(hp.GetProperty("xTicks"), horizontal: true, minGapPx: 4, "histogram x");
        AssertTicksApart(hp.GetProperty("yTicks"), horizontal: false, minGapPx: 0, "histogram y");
        Assert.True(hp.GetProperty("yTicks").GetArrayLength() >= 2);
        foreach (var tick in hp.GetProperty("yTicks").EnumerateArray())
            Assert.Matches(@"^\d+(k)?$", tick.GetProperty("text").GetString());

        // The tallest bar is drawn in the series' colour, and a hover over it names its bin and count.
        int tallest = h.GetProperty("bars").EnumerateArray().Select((e, k) => (e.GetInt64(), k)).Max().k;
        var over = (await panel.Locator(".u-over").BoundingBoxAsync())!;
        float atX = (float)(over.Width * (tallest + 0.5) / 50), atY = (float)(over.Height - 4);
        var pixel = await page.EvaluateAsync<int[]>(@"([x, y]) => {
            const c = document.querySelector('#histogram canvas'), o = document.querySelector('#histogram .u-over');
            const rc = c.getBoundingClientRect(), ro = o.getBoundingClientRect(), k = c.width / rc.width;
            const px = [Math.round((ro.left - rc.left + x) * k), Math.round((ro.top - rc.top + y) * k)];
            if (!px.every(Number.isFinite)) throw new Error(JSON.stringify([x, y, rc, ro, c.width]));
            return [...c.getContext('2d').getImageData(Math.round((ro.left - rc.left + x) * k), Math.round((ro.top - rc.top + y) * k), 1, 1).data].slice(0, 3);
        }", new double[] { atX, atY });
        string color = state.GetProperty("series")[0].GetProperty("color").GetString()!;
        Assert.Equal(Convert.FromHexString(color[1..7]).Select(b => (int)b).ToArray(), pixel);
        await page.Mouse.MoveAsync((float)over.X + atX, (float)over.Y + atY);
        await WaitAsync(page, $"p => p.histogramPanel.hover && p.histogramPanel.hover.count === {most}");
        Assert.True(await panel.Locator(".histogram-tip").IsVisibleAsync());
        Assert.Contains($"{most:N0} points", await panel.Locator(".histogram-tip").TextContentAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "histogram-panel-light.png") });

        // A zoom of the data panel counts the histogram again, its title saying how many points it holds now.
        await DragAcrossAsync(page, 0, 0.2, 0.4);
        await WaitAsync(page, $"p => p.histogram && p.histogram.total < {Steps} && p.histogramPanel.note.includes(p.histogram.total.toLocaleString('en-US') + ' points')");
        var zoomed = (await StateAsync(page)).GetProperty("histogram");
        AssertCountsOfSentPoints(zoomed, steps, loss);
        Assert.Equal(zoomed.GetProperty("low").GetDouble(), (await StateAsync(page)).GetProperty("histogramPanel").GetProperty("xRange")[0].GetDouble());

        // Its close button takes it away: no histogram asked, the data panel has the plot area again.
        await panel.Locator(".panel-close").ClickAsync();
        await WaitAsync(page, "p => p.request && p.request.histogram === undefined && p.histogram === null && p.histogramPanel === null");
        Assert.True(await page.IsHiddenAsync("#histogram"));
        Assert.Equal("", await page.InputValueAsync("#histogram-series"));
        Assert.InRange((await dataPanel.BoundingBoxAsync())!.Height, alone - 2, alone + 2);
    }

    [Fact]
    public async Task The_histogram_picker_and_panel_follow_the_theme_to_dark()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await LossAsync(viewer);
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 }, ColorScheme = ColorScheme.Light });
        var page = await context.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.state === 'finished'");
        const string PickerColours = "() => { const s = getComputedStyle(document.querySelector('#histogram-series')); return [s.backgroundColor, s.color]; }";
        var picker = await page.EvaluateAsync<string[]>(PickerColours);
        Assert.True(Lightness(picker[0]) > 0.8, $"light picker background {picker[0]}");
        await page.SelectOptionAsync("#histogram-series", "0");
        await WaitAsync(page, "p => p.histogram && p.histogramPanel && p.histogramPanel.xTicks.length > 1");
        string lightAxis = (await StateAsync(page)).GetProperty("colors").GetProperty("axis").GetString()!;

        // The system turns dark: the picker goes dark, and the panel is drawn again in the dark theme's ink.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await WaitAsync(page, "(p, light) => p.colors.axis !== light && p.histogramPanel && p.histogramPanel.xTicks.length > 1", lightAxis);
        picker = await page.EvaluateAsync<string[]>(PickerColours);
        Assert.True(Lightness(picker[0]) < 0.2, $"dark picker background {picker[0]}");
        Assert.True(Lightness(picker[1]) > 0.8, $"dark picker text {picker[1]}");
        var title = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#histogram .panel-title')).color");
        Assert.True(Lightness(title) > 0.8, $"title {title}");
        // The bars took the series' dark-theme colour.
        var state = await StateAsync(page);
        string color = state.GetProperty("series")[0].GetProperty("color").GetString()!;
        Assert.Equal(state.GetProperty("series")[0].GetProperty("darkColor").GetString(), color);
        Assert.Equal(color, await page.EvaluateAsync<string>("() => window.plotpipe.histogramPanel.barColor"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "histogram-panel-dark.png") });
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_histogram_panel_counts_again_as_points_stream_in_and_empties_while_its_series_is_hidden()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "trainer");
        var random = new Random(7);
        var (steps, loss) = Columns(2 * Half, 0, 1, s => Math.Sin(s / 300.0) + random.NextDouble());
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            Points(w, 0, steps.AsSpan(0, Half), loss.AsSpan(0, Half));
        });
        var page = await browser.NewPageAsync(1200, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.points === {Half}");
        await page.SelectOptionAsync("#histogram-series", "0");
        // A following window ends on the first pixel column's edge at or past the newest x: within a column of it.
        await WaitAsync(page, $"p => p.histogram && p.histogram.x[1] >= {Half - 1} && p.histogram.x[1] - {Half - 1} <= (p.histogram.x[1] - p.histogram.x[0]) / 400");
        AssertCountsOfSentPoints((await StateAsync(page)).GetProperty("histogram"), steps, loss);

        // New points move the followed window: the histogram counts what it shows now.
        await SendAsync(viewer, w => Points(w, 0, steps.AsSpan(Half), loss.AsSpan(Half)));
        await WaitAsync(page, $"p => p.histogram && p.histogram.x[1] >= {2 * Half - 1} && p.histogram.x[1] - {2 * Half - 1} <= (p.histogram.x[1] - p.histogram.x[0]) / 400");
        AssertCountsOfSentPoints((await StateAsync(page)).GetProperty("histogram"), steps, loss);

        // Hidden in the legend, the series is counted no more: the panel says so instead of keeping old bars.
        await page.Locator("#legend li[data-index=\"0\"]").ClickAsync();
        await WaitAsync(page, "p => p.hidden.includes(0) && p.histogram === null && p.histogramPanel.note.includes('hidden')");
        Assert.True(await page.Locator("#histogram .not-shown").IsVisibleAsync());
        Assert.Contains("hidden", await page.Locator("#histogram .not-shown").TextContentAsync());
        await page.Locator("#legend li[data-index=\"0\"]").ClickAsync();
        await WaitAsync(page, "p => !p.hidden.includes(0) && p.histogram && p.histogram.total > 0");
        Assert.False(await page.Locator("#histogram .not-shown").IsVisibleAsync());
        await SendAsync(viewer, FrameWriter.WriteFinish);
    }

    // 20,000 steps of a falling, noisy loss from the producer "trainer", finished.
    private static async Task<(double[] Steps, double[] Loss)> LossAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "trainer");
        var random = new Random(5);
        var (steps, loss) = Columns(Steps, 0, 1, s => (2.5 * Math.Exp(-s / 4000.0)) + random.NextDouble());
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            Points(w, 0, steps, loss);
            FrameWriter.WriteFinish(w);
        });
        return (steps, loss);
    }

    // The lightness (0 to 1) of a CSS "rgb(r, g, b)" colour.
    private static double Lightness(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',').Take(3).Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture) / 255).ToArray();
        return (parts.Max() + parts.Min()) / 2;
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
