using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The page's tools: hiding series from the legend, saving a PNG, the keyboard and the dark theme.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageToolsTests(BrowserFixture browser)
{
    private const int Points = 2000;

    // Three series: noise (scatter) and sine in the default panel, cosine in a second panel.
    private static async Task ThreeSeriesAsync(ViewerProcess viewer, int batch = 0)
    {
        if (batch == 0) await OpenAsync(viewer, "tools");
        var (xs, noise) = Columns(Points, batch * Points * 0.01, 0.01, x => Math.Sin(x * 7.3) * 0.9);
        var sine = xs.Select(Math.Sin).ToArray();
        var cosine = xs.Select(Math.Cos).ToArray();
        await SendAsync(viewer, w =>
        {
            if (batch == 0)
            {
                FrameWriter.WriteDefinePlot(w, [new("title", "Waves")]);
                FrameWriter.WriteDefinePanel(w, 1, [new("title", "Cosine"), new("ylabel", "cos x")]);
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "noise", "bo", 0, SeriesFlags.None);
                FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "sine", "r-", 0, SeriesFlags.None);
                FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "cosine", "g--", 1, SeriesFlags.None);
            }
            Points(w, 0, xs, noise);
            Points(w, 1, xs, sine);
            Points(w, 2, xs, cosine);
        });
    }

    // The series indexes the last view message carried, over all panels.
    private static async Task<int[]> CarriedAsync(IPage page) =>
        await page.EvaluateAsync<int[]>("() => window.plotpipe.lastView.panels.flatMap(p => p.series).sort()");

    [Fact]
    public async Task Hiding_a_series_from_the_legend_stops_the_viewer_sending_it_and_double_click_shows_one_alone()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ThreeSeriesAsync(viewer);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.panels.length === 2 && p.inView === {3 * Points}");
        Assert.Equal(new[] { 0, 1, 2 }, await CarriedAsync(page));
        // Two panels, one producer: the legend groups the series under their panels.
        Assert.Equal(new[] { "Main", "noise", "sine", "Cosine", "cosine" }, await page.Locator("#legend .name").AllTextContentsAsync());

        await page.Locator("#legend li[data-index=\"1\"]").ClickAsync();
        await WaitAsync(page, $"p => p.hidden.length === 1 && p.lastView.panels.every(q => !q.series.includes(1)) && p.inView === {2 * Points}");
        Assert.Equal(new[] { 0, 2 }, await CarriedAsync(page));
        Assert.Equal(1, await page.Locator("#legend li.hidden").CountAsync());
        // Gone from the canvas too: the default panel drew the noise's points only.
        var state = await StateAsync(page);
        Assert.Equal([0], state.GetProperty("panels")[0].GetProperty("series").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Points, state.GetProperty("panels")[0].GetProperty("drawn").GetInt32());

        // New data keeps it out of the views.
        int views = state.GetProperty("views").GetInt32();
        await ThreeSeriesAsync(viewer, batch: 1);
        await WaitAsync(page, $"(p, v) => p.views > v && p.status.points === {6 * Points} && p.inView === {4 * Points}", views);
        Assert.Equal(new[] { 0, 2 }, await CarriedAsync(page));

        // Double-click shows one series alone; again shows all.
        await page.Locator("#legend li[data-index=\"2\"]").DblClickAsync();
        await WaitAsync(page, "p => p.hidden.length === 2 && p.lastView.panels.flatMap(q => q.series).join() === '2'");
        Assert.Equal(new[] { "0", "1" }, (await page.EvaluateAsync<int[]>("() => window.plotpipe.hidden.sort()")).Select(i => i.ToString()));
        await page.Locator("#legend li[data-index=\"2\"]").DblClickAsync();
        await WaitAsync(page, $"p => p.hidden.length === 0 && p.inView === {6 * Points}");
        Assert.Equal(new[] { 0, 1, 2 }, await CarriedAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Hover_readout_shows_each_visible_series_exact_nearest_point_with_a_marker()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ThreeSeriesAsync(viewer);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.panels.length === 2 && p.inView === {3 * Points} && p.panels.every(q => q.drawn > 0)");
        var box = await PlotAreaAsync(page, 0);
        await page.Mouse.MoveAsync((float)(box.X + box.Width * 0.5), (float)(box.Y + box.Height * 0.5));
        await WaitAsync(page, "p => p.readout.length === 3");
        var rows = (await StateAsync(page)).GetProperty("readout").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], rows.Select(r => r.GetProperty("index").GetInt32()).Order());
        double cursorX = await page.EvaluateAsync<double>("() => { const u = window.plotpipe.panels[0]; return (u.xRange[0] + u.xRange[1]) / 2; }");
        foreach (var r in rows)
        {
            double x = r.GetProperty("x").GetDouble(), y = r.GetProperty("y").GetDouble();
            // A stored point, not a pixel's worth of decimation: x is on the 0.01 grid, within two pixels of the
            // plot's middle (a pixel is 0.02 here), and y is exactly the series' value there.
            Assert.InRange(x, cursorX - 0.045, cursorX + 0.045);
            int i = (int)Math.Round(x / 0.01);
            Assert.Equal(i * 0.01, x, 12);
            double expected = r.GetProperty("index").GetInt32() switch { 0 => Math.Sin(x * 7.3) * 0.9, 1 => Math.Sin(x), _ => Math.Cos(x) };
            Assert.Equal(expected, y, 12);
        }
        Assert.Equal(3, await page.Locator("#cursor tr").CountAsync());
        Assert.Equal(2, await page.Locator("section.panel[data-panel=\"0\"] .hover-dot:not([hidden])").CountAsync());
        Assert.Equal(1, await page.Locator("section.panel[data-panel=\"1\"] .hover-dot:not([hidden])").CountAsync());

        // A hidden series is left out of the readout.
        await page.Locator("#legend li[data-index=\"1\"]").ClickAsync();
        await page.Mouse.MoveAsync((float)(box.X + box.Width * 0.3), (float)(box.Y + box.Height * 0.5));
        await WaitAsync(page, "p => p.readout.length === 2 && p.readout.every(r => r.index !== 1)");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Hover_readout_on_a_time_panel_shows_the_stored_time_as_a_date_in_the_browsers_zone()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "logger");
        // 2026-05-20 10:00:00 UTC, one reading a second for an hour.
        const double Start = 1_779_271_200;
        var (xs, ys) = Columns(3600, Start, 1, t => 20 + (t - Start) / 3600);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "temperature", "r-", 0, SeriesFlags.TimeX);
            Points(w, 0, xs, ys);
        });
        // Tokyo is 9 hours ahead of UTC all year: the readout must show the browser's local time.
        var page = await browser.NewPageAsync(timeZone: "Asia/Tokyo");
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].time && p.panels[0].drawn > 0");
        var box = await PlotAreaAsync(page, 0);
        await page.Mouse.MoveAsync((float)(box.X + box.Width * 0.5), (float)(box.Y + box.Height * 0.5));
        await WaitAsync(page, "p => p.readout.length === 1");
        var row = (await StateAsync(page)).GetProperty("readout")[0];
        double x = row.GetProperty("x").GetDouble();
        // A stored reading: a whole second, with its exact value.
        Assert.Equal(Math.Round(x), x);
        Assert.Equal(20 + (x - Start) / 3600, row.GetProperty("y").GetDouble(), 12);
        var local = DateTimeOffset.FromUnixTimeSeconds((long)x).ToOffset(TimeSpan.FromHours(9));
        var text = await page.Locator("#cursor").TextContentAsync() ?? "";
        Assert.Contains(local.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.Contains(local.ToString("MMM d yyyy", System.Globalization.CultureInfo.InvariantCulture), text);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Save_png_downloads_every_panel_and_the_legend_as_the_plots_title()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ThreeSeriesAsync(viewer);
        var page = await browser.NewPageAsync(1200, 800);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.panels.length === 2 && p.inView === {3 * Points} && p.panels.every(q => q.drawn > 0)");

        // Stacked panels line up even when only one has a y label.
        var plotAreas = await page.EvaluateAsync<double[]>("() => window.plotpipe.panels.map(p => p.plotWidth)");
        Assert.Single(plotAreas.Distinct());

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#save-png"));
        Assert.Equal("Waves.png", download.SuggestedFilename);
        var path = Path.Combine(BrowserFixture.ArtifactsDir, "saved-view.png");
        await download.SaveAsAsync(path);
        await WaitAsync(page, "p => p.saved !== null");
        var saved = (await StateAsync(page)).GetProperty("saved");

        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.Equal(saved.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(saved.GetProperty("height").GetInt32(), image.Height);
        // As wide as the charts plus the legend, as tall as both panels with their titles.
        var chart = await page.Locator("#chart").BoundingBoxAsync();
        Assert.InRange(image.Width, chart!.Width + 150, chart.Width + 260);
        Assert.InRange(image.Height, chart.Height - 60, chart.Height + 60);
        // Not blank: the series' colours are in it, the legend's included (the right-hand strip).
        Assert.Equal(["#0000ff", "#ff0000", "#008000"], (await StateAsync(page)).GetProperty("series").EnumerateArray().Select(s => s.GetProperty("color").GetString()));
        Assert.True(CountNear(image, 0, image.Width, 0x00, 0x00, 0xff) > 500, "no blue noise dots");
        Assert.True(CountNear(image, 0, image.Width, 0xff, 0x00, 0x00) > 100, "no red sine");
        int legendLeft = image.Width - 200;
        Assert.True(CountNear(image, legendLeft, image.Width, 0x00, 0x80, 0x00, tolerance: 90) > 3, "no green cosine swatch in the legend");
        Assert.True(CountNear(image, legendLeft, image.Width, 0x00, 0x00, 0xff) > 5, "no blue noise swatch in the legend");

        // The key s saves too.
        var again = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("s"));
        Assert.Equal("Waves.png", again.SuggestedFilename);
        await page.Context.CloseAsync();
    }

    // Pixels within `tolerance` of a colour in each channel; a thin antialiased line needs a wide one.
    private static int CountNear(SKBitmap image, int fromX, int toX, byte r, byte g, byte b, int tolerance = 40)
    {
        int n = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = Math.Max(0, fromX); x < toX; x++)
            {
                var c = image.GetPixel(x, y);
                if (Math.Abs(c.Red - r) < tolerance && Math.Abs(c.Green - g) < tolerance && Math.Abs(c.Blue - b) < tolerance) n++;
            }
        }
        return n;
    }

    [Fact]
    public async Task Keys_follow_fit_pan_and_zoom_and_are_ignored_while_typing()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "keys");
        var (xs, ys) = Columns(100_001, 0, 0.01, Math.Sin);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "signal", "b-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        // The stream has ended: the plot opens whole; f follows the last 10 % (100 x-units), f again keeps that window.
        await WaitAsync(page, "p => !p.follow && p.panels.length === 1 && p.panels[0].xRange[0] === 0 && p.panels[0].xRange[1] === 1000");
        await page.Keyboard.PressAsync("f");
        await WaitAsync(page, "p => p.follow && p.followSpan === 'auto' && p.panels[0].xRange[1] === 1000 && p.panels[0].xRange[0] === 900");
        Assert.Equal("auto (100)", await page.GetAttributeAsync("#follow-span", "placeholder"));
        await page.Keyboard.PressAsync("f");
        await WaitAsync(page, "p => !p.follow && p.request.follow === null && p.lastView.seq === p.request.seq");
        Assert.Equal((900.0, 1000.0), Range((await StateAsync(page)).GetProperty("panels")[0].GetProperty("xRange")));
        await page.Keyboard.PressAsync("0");
        await WaitAsync(page, "p => p.panels[0].xRange[0] === 0 && p.panels[0].xRange[1] === 1000 && p.inView === 100001");

        await page.Keyboard.PressAsync("+");
        await WaitAsync(page, "p => Math.abs(p.panels[0].xRange[0] - 100) < 1e-9 && Math.abs(p.panels[0].xRange[1] - 900) < 1e-9");
        await page.Keyboard.PressAsync("ArrowRight");
        await WaitAsync(page, "p => Math.abs(p.panels[0].xRange[0] - 180) < 1e-9 && Math.abs(p.panels[0].xRange[1] - 980) < 1e-9");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await WaitAsync(page, "p => Math.abs(p.panels[0].xRange[0] - 20) < 1e-9 && Math.abs(p.panels[0].xRange[1] - 820) < 1e-9");
        await page.Keyboard.PressAsync("-");
        await WaitAsync(page, "p => Math.abs(p.panels[0].xRange[0] + 80) < 1e-9 && Math.abs(p.panels[0].xRange[1] - 920) < 1e-9");
        // Up moves y by a tenth of its span: it is then pinned, no longer fitted.
        var (y0, y1) = Range((await StateAsync(page)).GetProperty("panels")[0].GetProperty("yRange"));
        await page.Keyboard.PressAsync("ArrowUp");
        await WaitAsync(page, "(p, y) => Math.abs(p.panels[0].yRange[0] - y) < 1e-9", y0 + (y1 - y0) * 0.1);
        await page.Keyboard.PressAsync("Home");
        await WaitAsync(page, "p => p.panels[0].xRange[0] === 0 && p.panels[0].xRange[1] === 1000 && p.panels[0].yRange[1] < 1.2");

        // Typing a follow span: its digits and letters are not keys for the page.
        await page.FocusAsync("#follow-span");
        await page.Keyboard.TypeAsync("50f0"); // a number field keeps 500
        await page.Keyboard.PressAsync("Tab");
        await WaitAsync(page, "p => p.follow && Math.abs(p.panels[0].xRange[0] - 500) < 1e-9");
        await page.Keyboard.PressAsync("f");
        await WaitAsync(page, "p => !p.follow && Math.abs(p.panels[0].xRange[0] - 500) < 1e-9");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dark_theme_follows_the_system_colour_scheme()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ThreeSeriesAsync(viewer);
        var colors = new Dictionary<ColorScheme, JsonElement>();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 700 }, ColorScheme = scheme });
            var page = await context.NewPageAsync();
            await page.GotoAsync(viewer.Url.ToString());
            await WaitAsync(page, $"p => p.panels.length === 2 && p.inView === {3 * Points} && p.panels.every(q => q.drawn > 0)");
            colors[scheme] = (await StateAsync(page)).GetProperty("colors");
            var body = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            // What the axes were drawn with is what the theme says.
            var axisStroke = await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--axis').trim()");
            Assert.Equal(axisStroke, colors[scheme].GetProperty("axis").GetString());
            Assert.Equal(scheme == ColorScheme.Dark ? "rgb(13, 17, 23)" : "rgb(255, 255, 255)", body);
            var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"theme-{scheme.ToString().ToLowerInvariant()}.png") });
            using var image = SKBitmap.Decode(shot);
            // The page's corner pixel is the theme's background.
            var corner = image.GetPixel(image.Width - 5, image.Height - 5);
            Assert.True(scheme == ColorScheme.Dark ? corner.Red < 40 : corner.Red > 240, $"{scheme}: corner is {corner}");
            await context.CloseAsync();
        }
        Assert.NotEqual(colors[ColorScheme.Light].GetProperty("background").GetString(), colors[ColorScheme.Dark].GetProperty("background").GetString());
        Assert.NotEqual(colors[ColorScheme.Light].GetProperty("axis").GetString(), colors[ColorScheme.Dark].GetProperty("axis").GetString());
        Assert.NotEqual(colors[ColorScheme.Light].GetProperty("grid").GetString(), colors[ColorScheme.Dark].GetProperty("grid").GetString());
    }
}
