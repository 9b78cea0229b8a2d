using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The page on a phone (390 × 844, touch): one-line header, folded legend, pan, pinch and tap.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhonePageTests(BrowserFixture browser)
{
    private async Task<IPage> PhoneAsync(ViewerProcess viewer)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, DeviceScaleFactor = 2,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(viewer.Url.ToString());
        return page;
    }

    private static async Task SineAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "phone");
        var (xs, ys) = Columns(1001, 0, 1, x => Math.Sin(x * 0.02));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePlot(w, [new("title", "Training run with a long title")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train loss", "b-", 0, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "validation loss", "r-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
            Points(w, 1, xs, ys.Select(y => y * 0.5).ToArray());
            FrameWriter.WriteFinish(w);
        });
    }

    // Touch points through the browser's own input pipeline: Playwright's touchscreen only taps.
    private static async Task TouchAsync(ICDPSession cdp, string type, params (double X, double Y)[] points) =>
        await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = points.Select((p, i) => new Dictionary<string, object> { ["x"] = p.X, ["y"] = p.Y, ["id"] = i }).ToArray(),
        });

    private static async Task<(double Min, double Max)> XRangeAsync(IPage page) =>
        Range((await StateAsync(page)).GetProperty("panels")[0].GetProperty("xRange"));

    [Fact]
    public async Task Phone_header_is_one_line_and_the_legend_opens_from_a_button()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await SineAsync(viewer);
        var page = await PhoneAsync(viewer);
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.state === 'finished'");

        // One line: every part of the header on one row, the header no taller than a row of buttons.
        var header = (await page.Locator("header").BoundingBoxAsync())!;
        Assert.InRange(header.Height, 20, 44);
        foreach (var part in new[] { "#title", "#status", "#legend-toggle" })
        {
            var box = (await page.Locator(part).BoundingBoxAsync())!;
            Assert.True(box.Y >= header.Y && box.Y + box.Height <= header.Y + header.Height, $"{part} at {box.Y} + {box.Height}, header {header.Y} + {header.Height}");
            Assert.True(box.X + box.Width <= 390, $"{part} ends at {box.X + box.Width}");
        }
        // The status is cut with an ellipsis, not wrapped; a tap opens it whole.
        Assert.Equal("ellipsis", await page.EvalOnSelectorAsync<string>("#status", "e => getComputedStyle(e).textOverflow"));
        var statusBox = (await page.Locator("#status").BoundingBoxAsync())!;
        Assert.True(statusBox.Height < 24, $"status is {statusBox.Height} px tall");
        await page.Locator("#status").TapAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('status').classList.contains('open')");
        Assert.True((await page.Locator("#status").BoundingBoxAsync())!.Width > 300);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "phone-status-open.png") });
        await page.Locator("#status").TapAsync();

        // The legend and the save buttons are folded away: the chart has the width; the button opens them over the chart.
        Assert.True(await page.Locator("aside").IsHiddenAsync());
        Assert.True(await page.Locator("#save-png").IsHiddenAsync());
        Assert.True((await page.Locator("#chart").BoundingBoxAsync())!.Width > 370);
        await page.Locator("#legend-toggle").TapAsync();
        await page.Locator("aside").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Equal(new[] { "train loss", "validation loss" }, await page.Locator("#legend .name").AllTextContentsAsync());
        Assert.True(await page.Locator("aside #save-png").IsVisibleAsync());
        // A series hidden from the open legend leaves the views; the button folds it again.
        await page.Locator("#legend li[data-index=\"1\"]").TapAsync();
        await WaitAsync(page, "p => p.hidden.length === 1 && p.lastView.panels.every(q => !q.series.includes(1))");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "phone-legend-open.png") });
        await page.Locator("#legend-toggle").TapAsync();
        await page.Locator("aside").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "phone-header.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Phone_finger_held_still_puts_delta_cursor_A_then_B_with_exact_differences()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await SineAsync(viewer);
        var page = await PhoneAsync(viewer);
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.panels[0].xRange[1] === 1000");
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var area = await PlotAreaAsync(page, 0);
        double my = area.Y + area.Height / 2;
        // Held until the page has put the cursor: no clock in the test, the page's own hold decides.
        await TouchAsync(cdp, "touchStart", (area.X + area.Width * 0.2, my));
        await WaitAsync(page, "p => p.delta && p.delta.a && !p.delta.b");
        await TouchAsync(cdp, "touchEnd");
        await TouchAsync(cdp, "touchStart", (area.X + area.Width * 0.75, my));
        await WaitAsync(page, "p => p.delta && p.delta.b && p.delta.rows.length === 2");
        await TouchAsync(cdp, "touchEnd");

        var delta = (await StateAsync(page)).GetProperty("delta");
        double ax = delta.GetProperty("a").GetProperty("x").GetDouble(), bx = delta.GetProperty("b").GetProperty("x").GetDouble();
        // Stored x (whole numbers here) where the fingers were, within a couple of pixels (a pixel is about 3 x-units).
        Assert.Equal(Math.Round(ax), ax);
        Assert.Equal(Math.Round(bx), bx);
        Assert.InRange(ax, 200 - 8, 200 + 8);
        Assert.InRange(bx, 750 - 8, 750 + 8);
        Assert.Equal(bx - ax, delta.GetProperty("dx").GetDouble());
        foreach (var r in delta.GetProperty("rows").EnumerateArray())
        {
            double scale = r.GetProperty("index").GetInt32() == 0 ? 1 : 0.5;
            Assert.Equal(Math.Sin(bx * 0.02) * scale - Math.Sin(ax * 0.02) * scale, r.GetProperty("dy").GetDouble());
        }
        // No tap readout came of either hold, and the box's × clears them.
        Assert.True(await page.Locator("#cursor").IsHiddenAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "phone-delta.png") });
        await page.Locator("#delta .delta-close").TapAsync();
        await WaitAsync(page, "p => p.delta === null");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Phone_pinch_zooms_x_swipe_pans_it_and_a_tap_reads_out()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await SineAsync(viewer);
        var page = await PhoneAsync(viewer);
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.panels[0].xRange[0] === 0 && p.panels[0].xRange[1] === 1000");
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var area = await PlotAreaAsync(page, 0);
        double mx = area.X + area.Width / 2, my = area.Y + area.Height / 2;

        // Two fingers 60 px apart spread to 180 px: x zooms in three times about their middle.
        await TouchAsync(cdp, "touchStart", (mx - 30, my), (mx + 30, my));
        for (int step = 1; step <= 6; step++) await TouchAsync(cdp, "touchMove", (mx - 30 - 10 * step, my), (mx + 30 + 10 * step, my));
        await TouchAsync(cdp, "touchEnd");
        await WaitAsync(page, "p => p.request && p.request.panels[0].x !== null && p.lastView.seq === p.request.seq");
        var (min, max) = await XRangeAsync(page);
        // Touch points land on whole pixels or nearly: a pixel here is under 3 x-units.
        Assert.Equal(1000.0 / 3, max - min, 1.0);
        double middle = (mx - area.X) / area.Width * 1000;
        Assert.Equal(middle, (min + max) / 2, 3.0);
        var asked = (await StateAsync(page)).GetProperty("request").GetProperty("panels")[0].GetProperty("x");
        Assert.Equal((min, max), Range(asked));

        // One finger swiped left by 40 % of the plot's width pans x right by 40 % of the span; y keeps fitting.
        double from = area.X + area.Width * 0.7, to = area.X + area.Width * 0.3;
        await TouchAsync(cdp, "touchStart", (from, my));
        for (int step = 1; step <= 8; step++) await TouchAsync(cdp, "touchMove", (from + (to - from) * step / 8, my + step));
        await TouchAsync(cdp, "touchEnd");
        double shift = (max - min) * 0.4;
        await WaitAsync(page, "(p, x) => Math.abs(p.panels[0].xRange[0] - x) < 1.5 && p.lastView.seq === p.request.seq", min + shift);
        var (min2, max2) = await XRangeAsync(page);
        Assert.Equal(max - min, max2 - min2, 1e-6);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await StateAsync(page)).GetProperty("request").GetProperty("panels")[0].GetProperty("y").ValueKind);

        // A tap shows the readout there, inside the screen: near the right edge, on the finger's left.
        float tapX = (float)(area.X + area.Width * 0.9);
        await page.Touchscreen.TapAsync(tapX, (float)(area.Y + area.Height * 0.2));
        await WaitAsync(page, "p => p.readout.length === 2");
        double tappedX = min2 + (max2 - min2) * 0.9;
        foreach (var r in (await StateAsync(page)).GetProperty("readout").EnumerateArray()) Assert.InRange(r.GetProperty("x").GetDouble(), tappedX - 2, tappedX + 2);
        var tip = (await page.Locator("#cursor").BoundingBoxAsync())!;
        Assert.True(tip.X >= 0 && tip.X + tip.Width <= 390 && tip.Y >= 0 && tip.Y + tip.Height <= 844, $"tooltip at {tip.X},{tip.Y} {tip.Width}x{tip.Height}");
        Assert.True(tip.X + tip.Width < tapX, $"tooltip ends at {tip.X + tip.Width}, the finger is at {tapX}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "phone-tap.png") });
        await page.Context.CloseAsync();
    }
}
