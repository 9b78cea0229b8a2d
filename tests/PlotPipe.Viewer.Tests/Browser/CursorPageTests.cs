using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>Reading values off the plot: the readout tooltip beside the cursor and the delta cursors A and B.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CursorPageTests(BrowserFixture browser)
{
    // Where a point of data is on the page, from the panel's ranges and its plot area.
    private static async Task<(float X, float Y)> PageXYAsync(IPage page, int panelIndex, double x, double y)
    {
        var panel = (await StateAsync(page)).GetProperty("panels")[panelIndex];
        var (x0, x1) = Range(panel.GetProperty("xRange"));
        var (y0, y1) = Range(panel.GetProperty("yRange"));
        var box = await PlotAreaAsync(page, panel.GetProperty("id").GetInt32());
        return ((float)(box.X + (x - x0) / (x1 - x0) * box.Width), (float)(box.Y + (y1 - y) / (y1 - y0) * box.Height));
    }

    // 40 lines of 500 points in one panel, series k about y = k: the brief's many-series page.
    private static async Task FortySeriesAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "sweep");
        await SendAsync(viewer, w =>
        {
            for (int k = 0; k < 40; k++)
            {
                var (xs, ys) = Columns(500, 0, 1, x => k + 0.3 * Math.Sin(x * 0.1 + k));
                FrameWriter.WriteDefineSeries(w, k, SeriesKind.Line, $"train loss {k}", "-", 0, SeriesFlags.None);
                Points(w, k, xs, ys);
            }
            FrameWriter.WriteFinish(w);
        });
    }

    [Fact]
    public async Task Readout_is_a_tooltip_beside_the_cursor_nearest_series_first_capped_and_never_off_screen()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await FortySeriesAsync(viewer);
        var page = await browser.NewPageAsync(1280, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.inView === 20000 && p.panels[0].drawn > 0");
        // The sidebar keeps the legend only.
        Assert.Equal(0, await page.Locator("aside #cursor").CountAsync());

        var (px, py) = await PageXYAsync(page, 0, 250, 20);
        await page.Mouse.MoveAsync(px, py);
        await WaitAsync(page, "p => p.readout.length === 40 && p.readoutShown && p.readoutShown.length === 8");
        var state = await StateAsync(page);
        // Nearest on screen first: series 20 runs within 0.3 of y = 20, its neighbours 19 and 21 next.
        var shown = state.GetProperty("readoutShown").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(20, shown[0]);
        Assert.Equal([19, 21], shown[1..3].Order());
        // Exact stored values, not pixels: x = 250 and y as sent.
        foreach (var r in state.GetProperty("readout").EnumerateArray())
        {
            int k = r.GetProperty("index").GetInt32();
            Assert.Equal(250.0, r.GetProperty("x").GetDouble());
            Assert.Equal(k + 0.3 * Math.Sin(250 * 0.1 + k), r.GetProperty("y").GetDouble());
        }
        var tip = page.Locator("#cursor");
        Assert.Equal(8, await tip.Locator("tr").CountAsync());
        Assert.Equal("+32 more", await tip.Locator(".tip-more").TextContentAsync());
        // The series share their x: it is said once, above the rows.
        Assert.Equal("x 250", await tip.Locator(".tip-head").TextContentAsync());
        string y20 = (20 + 0.3 * Math.Sin(250 * 0.1 + 20)).ToString("G7", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"train loss 20y {y20}", await tip.Locator("tr").First.TextContentAsync());
        // Beside the cursor, on screen, and no value wraps: every row is one line of text.
        var box = (await tip.BoundingBoxAsync())!;
        Assert.InRange(box.X - px, 4, 40);
        Assert.InRange(box.Y - py, 4, 40);
        foreach (var row in await tip.Locator("tr").AllAsync()) Assert.InRange((await row.BoundingBoxAsync())!.Height, 10, 22);

        // At the plot's bottom it flips above the cursor (the legend leaves it room on the right), and stays in the window.
        var area = await PlotAreaAsync(page, 0);
        float cx = (float)(area.X + area.Width - 3), cy = (float)(area.Y + area.Height - 3);
        await page.Mouse.MoveAsync(cx, cy);
        await WaitAsync(page, "p => p.readout.length === 40 && p.readout[0].x > 480");
        box = (await tip.BoundingBoxAsync())!;
        Assert.True(box.Y + box.Height < cy && box.X > cx, $"tooltip at {box.X},{box.Y} {box.Width}x{box.Height}, cursor at {cx},{cy}");
        Assert.True(box.X >= 0 && box.X + box.Width <= 1280 && box.Y >= 0 && box.Y + box.Height <= 800, $"tooltip at {box.X},{box.Y} {box.Width}x{box.Height}");

        // Leaving the plot hides it.
        await page.Mouse.MoveAsync(5, 5);
        await page.WaitForFunctionAsync("() => document.getElementById('cursor').hidden");
        await page.Context.CloseAsync();
    }

    // Two panels on one x axis: a ramp and a sine in the first, a cosine in the second, x = 0, 1, …, 400.
    private static readonly Func<int, double>[] Curves = [i => i * 0.25 - 10, i => 3 * Math.Sin(i * 0.05), i => 2 * Math.Cos(i * 0.03)];

    [Fact]
    public async Task Delta_cursors_A_and_B_show_dx_and_each_series_dy_between_their_stored_points()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "delta");
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePanel(w, 1, [new("title", "Cosine")]);
            for (int k = 0; k < Curves.Length; k++)
            {
                var (xs, ys) = Columns(401, 0, 1, x => Curves[k]((int)x));
                FrameWriter.WriteDefineSeries(w, k, SeriesKind.Line, $"curve {k}", "-", k == 2 ? 1 : 0, SeriesFlags.None);
                Points(w, k, xs, ys);
            }
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1280, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 2 && p.inView === 1203 && p.panels.every(q => q.drawn > 0)");

        // A at x = 100 (near the ramp), B at x = 330: each snaps to the stored x there.
        var (ax, ay) = await PageXYAsync(page, 0, 100, Curves[0](100));
        await page.Mouse.MoveAsync(ax, ay);
        await page.Keyboard.PressAsync("a");
        await WaitAsync(page, "p => p.delta && p.delta.a && !p.delta.b");
        Assert.Contains("press b", await page.Locator("#delta").TextContentAsync());
        var (bx, by) = await PageXYAsync(page, 0, 330, Curves[0](330));
        await page.Mouse.MoveAsync(bx, by);
        await page.Keyboard.PressAsync("b");
        await WaitAsync(page, "p => p.delta && p.delta.b && p.delta.rows.length === 3");

        var delta = (await StateAsync(page)).GetProperty("delta");
        Assert.Equal(100.0, delta.GetProperty("a").GetProperty("x").GetDouble());
        Assert.Equal(330.0, delta.GetProperty("b").GetProperty("x").GetDouble());
        Assert.Equal(230.0, delta.GetProperty("dx").GetDouble());
        var dys = new Dictionary<int, double>();
        foreach (var r in delta.GetProperty("rows").EnumerateArray())
        {
            int k = r.GetProperty("index").GetInt32();
            // The stored values at A and B, and their difference to the last bit.
            Assert.Equal(Curves[k](100), r.GetProperty("a").GetProperty("y").GetDouble());
            Assert.Equal(Curves[k](330), r.GetProperty("b").GetProperty("y").GetDouble());
            dys[k] = r.GetProperty("dy").GetDouble();
            Assert.Equal(Curves[k](330) - Curves[k](100), dys[k]);
        }
        Assert.Equal([0, 1, 2], dys.Keys.Order());
        Assert.StartsWith("Δx +230", await page.Locator("#delta .delta-head").TextContentAsync());
        // The ramp's Δy is 57.5 exactly, as its row says; the others say theirs to 7 significant digits.
        var rowTexts = await page.Locator("#delta tr").AllTextContentsAsync();
        Assert.Contains(rowTexts, t => t.Contains("curve 0") && t.Contains("Δy +57.5"));
        foreach (var k in new[] { 1, 2 })
        {
            var text = rowTexts.Single(t => t.Contains($"curve {k}"));
            double shownDy = double.Parse(text[(text.IndexOf("Δy ", StringComparison.Ordinal) + 3)..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(dys[k], shownDy, Math.Abs(dys[k]) * 1e-6);
        }
        // Both lines on both panels of the x group, where their x is.
        Assert.Equal(4, await page.Locator(".delta-line:not([hidden])").CountAsync());
        var lineA = (await page.Locator("section.panel[data-panel=\"0\"] .delta-line.delta-a").BoundingBoxAsync())!;
        var area = await PlotAreaAsync(page, 0);
        Assert.InRange(lineA.X - ax, -2, 2);
        Assert.InRange(lineA.Height, area.Height - 2, area.Height + 2);

        // Hiding a series drops its row; Escape clears both cursors.
        await page.Locator("#legend li[data-index=\"1\"]").ClickAsync();
        await WaitAsync(page, "p => p.delta && p.delta.rows.length === 2 && p.delta.rows.every(r => r.index !== 1)");
        await page.Mouse.MoveAsync(ax, ay);
        await page.Keyboard.PressAsync("Escape");
        await WaitAsync(page, "p => p.delta === null");
        Assert.Equal(0, await page.Locator(".delta-line").CountAsync());
        Assert.True(await page.Locator("#delta").IsHiddenAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Delta_cursors_on_a_time_axis_give_dx_as_a_duration()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "logger");
        // 2026-05-20 10:00:00 UTC, a reading every half second for five minutes.
        const double Start = 1_779_271_200;
        var (xs, ys) = Columns(600, Start, 0.5, t => 20 + (t - Start) / 60);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "temperature", "r-", 0, SeriesFlags.TimeX);
            Points(w, 0, xs, ys);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1280, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].time && p.panels[0].drawn > 0");
        var (ax, ay) = await PageXYAsync(page, 0, Start + 20, 20 + 20.0 / 60);
        await page.Mouse.MoveAsync(ax, ay);
        await page.Keyboard.PressAsync("a");
        await WaitAsync(page, "p => p.delta && p.delta.a");
        var (bx, by) = await PageXYAsync(page, 0, Start + 92.5, 20 + 92.5 / 60);
        await page.Mouse.MoveAsync(bx, by);
        await page.Keyboard.PressAsync("b");
        await WaitAsync(page, "p => p.delta && p.delta.rows.length === 1");
        var delta = (await StateAsync(page)).GetProperty("delta");
        Assert.Equal(72.5, delta.GetProperty("dx").GetDouble());
        Assert.Equal(ys[185] - ys[40], delta.GetProperty("rows")[0].GetProperty("dy").GetDouble());
        Assert.StartsWith("Δx +1 min 12.5 s", await page.Locator("#delta .delta-head").TextContentAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Readout_and_delta_box_stay_on_screen_in_light_and_dark_on_desktop_and_phone()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await FortySeriesAsync(viewer);
        foreach (var (width, height, name) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var context = await browser.Browser.NewContextAsync(new()
                {
                    ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme,
                    HasTouch = name == "phone", IsMobile = name == "phone",
                });
                var page = await context.NewPageAsync();
                page.SetDefaultTimeout(15_000);
                await page.GotoAsync(viewer.Url.ToString());
                await WaitAsync(page, "p => p.panels.length === 1 && p.inView === 20000 && p.panels[0].drawn > 0");
                var (ax, ay) = await PageXYAsync(page, 0, 120, 12);
                await page.Mouse.MoveAsync(ax, ay);
                await page.Keyboard.PressAsync("a");
                var (bx, by) = await PageXYAsync(page, 0, 300, 30);
                await page.Mouse.MoveAsync(bx, by);
                await page.Keyboard.PressAsync("b");
                await WaitAsync(page, "p => p.delta && p.delta.rows.length === 40 && p.readout.length === 40");
                await page.WaitForFunctionAsync("() => !document.getElementById('cursor').hidden");
                string what = $"{name} {scheme}";
                foreach (var id in new[] { "#cursor", "#delta" })
                {
                    var box = (await page.Locator(id).BoundingBoxAsync())!;
                    Assert.True(box.X >= 0 && box.X + box.Width <= width && box.Y >= 0, $"{what}: {id} at {box.X},{box.Y} {box.Width}x{box.Height}");
                }
                var tip = (await page.Locator("#cursor").BoundingBoxAsync())!;
                Assert.True(tip.Y + tip.Height <= height, $"{what}: tooltip bottom {tip.Y + tip.Height}");
                // Forty rows would cover the plot: the box lists eight and opens the rest on a click.
                Assert.Equal(8, await page.Locator("#delta tr").CountAsync());
                Assert.Equal("+32 more", await page.Locator("#delta .delta-more").TextContentAsync());
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"cursors-{name}-{scheme.ToString().ToLowerInvariant()}.png") });
                if (name == "desktop" && scheme == ColorScheme.Light)
                {
                    await page.Locator("#delta .delta-more").ClickAsync();
                    Assert.Equal(40, await page.Locator("#delta tr").CountAsync());
                }
                await context.CloseAsync();
            }
        }
    }
}
