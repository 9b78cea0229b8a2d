using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>Markers on the live page: marks and spans drawn where their x is, listed to jump to, hidden with a toggle; real viewer, real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MarkersPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_producers_mark_and_span_are_drawn_at_their_x_the_list_jumps_to_them_and_the_toggle_hides_them()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "trainer");
        var (xs, ys) = Columns(1000, 0, 1, x => Math.Sin(x / 50));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
            FrameWriter.WriteEvent(w, EventKind.Mark, 300, 0, false, "learning rate dropped");
            FrameWriter.WriteEvent(w, EventKind.Span, 600, 700, false, "evaluation");
            // A time marker has no time panel here to go on.
            FrameWriter.WriteEvent(w, EventKind.Mark, 1.7e9, 0, true, "deploy");
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1200, 700);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.state === 'finished' && p.status.events === 3 && p.markers.count === 3 && p.panels.length === 1 && p.panels[0].xRange[1] === 999 && p.markers.drawn.length === 2");

        var state = await StateAsync(page);
        var panel = state.GetProperty("panels")[0];
        var (xMin, xMax) = Range(panel.GetProperty("xRange"));
        double width = panel.GetProperty("plotWidth").GetDouble() / await page.EvaluateAsync<double>("() => uPlot.pxRatio");
        double Px(double x) => (x - xMin) / (xMax - xMin) * width;
        var drawn = state.GetProperty("markers").GetProperty("drawn").EnumerateArray().ToDictionary(d => d.GetProperty("seq").GetInt64());
        Assert.Equal([1L, 2], drawn.Keys.Order());
        Assert.Equal("mark", drawn[1].GetProperty("kind").GetString());
        Assert.InRange(drawn[1].GetProperty("left").GetDouble(), Px(300) - 1.5, Px(300) + 1.5);
        Assert.Equal("span", drawn[2].GetProperty("kind").GetString());
        Assert.InRange(drawn[2].GetProperty("left").GetDouble(), Px(600) - 1.5, Px(600) + 1.5);
        Assert.InRange(drawn[2].GetProperty("right").GetDouble(), Px(700) - 1.5, Px(700) + 1.5);
        // The mark's line is on the canvas, in its colour, at its column: not only in the page's bookkeeping.
        var area = await PlotAreaAsync(page, 0);
        string ink = await page.EvaluateAsync<string>(@"([x]) => {
            const p = document.querySelector('section.panel canvas'), r = p.getBoundingClientRect(), k = p.width / r.width;
            const over = document.querySelector('section.panel .u-over').getBoundingClientRect();
            const d = p.getContext('2d').getImageData(Math.round((over.left - r.left + x) * k), Math.round((over.top - r.top + over.height * 0.6) * k), 1, 1).data;
            return `${d[0]},${d[1]},${d[2]}`; }", new object[] { Px(300) });
        Assert.NotEqual("255,255,255", ink);
        Assert.Equal(3, await page.Locator("#marker-list li").CountAsync());
        Assert.True(area.Width > 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "markers-light.png") });
        await page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Dark });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "markers-dark.png") });
        await page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Light });

        // A click on the span's row centres the view on it and keeps the zoom width.
        double before = xMax - xMin;
        await page.ClickAsync("#marker-list li[data-seq=\"2\"]");
        await WaitAsync(page, "(p, w) => Math.abs((p.panels[0].xRange[0] + p.panels[0].xRange[1]) / 2 - 650) < 1e-6 && Math.abs(p.panels[0].xRange[1] - p.panels[0].xRange[0] - w) < 1e-6", before);
        await page.ClickAsync("#marker-list li[data-seq=\"1\"]");
        await WaitAsync(page, "(p, w) => Math.abs((p.panels[0].xRange[0] + p.panels[0].xRange[1]) / 2 - 300) < 1e-6 && Math.abs(p.panels[0].xRange[1] - p.panels[0].xRange[0] - w) < 1e-6", before);

        // The toggle hides them from the panels, and the page remembers it on the next visit.
        await page.ClickAsync("#markers-toggle");
        await WaitAsync(page, "p => !p.markers.shown && p.markers.drawn.length === 0 && p.draws > 0");
        await page.ReloadAsync();
        await WaitAsync(page, "p => p.markers.count === 3 && p.panels.length === 1 && p.panels[0].drawn > 0");
        Assert.False((await StateAsync(page)).GetProperty("markers").GetProperty("shown").GetBoolean());
        Assert.Empty((await StateAsync(page)).GetProperty("markers").GetProperty("drawn").EnumerateArray());
        await page.ClickAsync("#markers-toggle");
        await WaitAsync(page, "p => p.markers.shown && p.markers.drawn.length === 2");
        await page.Context.CloseAsync();
    }
}
