using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>
/// Colours for real plots on the page: many series take many colours, every series reads on the dark theme (WCAG
/// contrast computed here from the colours Chromium really paints with), and a long legend has a filter, a wide
/// mode, and panels whose series are all hidden fold to their title.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SeriesColourTests(BrowserFixture browser)
{
    private const int Cycled = 40;
    private const string Letters = "bgrcmykw";
    private const int Points = 100;

    // 40 series from the cycle in panel 1 and one per colour letter in panel 2, finished.
    private static async Task ManySeriesAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "sweep");
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePanel(w, 1, [new("title", "Cycle")]);
            FrameWriter.WriteDefinePanel(w, 2, [new("title", "Letters")]);
            for (int i = 0; i < Cycled; i++)
            {
                FrameWriter.WriteDefineSeries(w, i, SeriesKind.Line, $"s{i:D2} a rather long series name that will not fit", "-", 1, SeriesFlags.None);
                var (xs, ys) = Columns(Points, 0, 1, x => i + Math.Sin(x / 8 + i));
                Points(w, i, xs, ys);
            }
            for (int k = 0; k < Letters.Length; k++)
            {
                int id = Cycled + k;
                FrameWriter.WriteDefineSeries(w, id, SeriesKind.Line, $"{Letters[k]}-", $"{Letters[k]}-", 2, SeriesFlags.None);
                var (xs, ys) = Columns(Points, 0, 1, x => k + Math.Cos(x / 8 + k));
                Points(w, id, xs, ys);
            }
            FrameWriter.WriteFinish(w);
        });
    }

    private async Task<IPage> PageAsync(ViewerProcess viewer, ColorScheme scheme)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, ColorScheme = scheme });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(viewer.Url.ToString());
        int all = Cycled + Letters.Length;
        await WaitAsync(page, $"p => p.series.length === {all} && p.status.state === 'finished' && p.drawn === {all * Points}");
        return page;
    }

    // What Chromium paints: the body's computed background, and each series' colour as a canvas resolves it.
    private static async Task<(string Background, List<(string Name, string Color)> Series)> PaintedAsync(IPage page)
    {
        var painted = await page.EvaluateAsync<JsonElement>(@"() => {
            const c = document.createElement('canvas').getContext('2d');
            const resolved = (css) => { c.fillStyle = '#000000'; c.fillStyle = css; return c.fillStyle; };
            return {
                background: getComputedStyle(document.body).backgroundColor,
                series: window.plotpipe.series.map(s => ({ name: s.name, color: resolved(s.color) })),
            };
        }");
        var series = painted.GetProperty("series").EnumerateArray()
            .Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("color").GetString()!)).ToList();
        return (painted.GetProperty("background").GetString()!, series);
    }

    [Fact]
    public async Task Forty_series_take_at_least_twenty_distinct_colours_on_both_themes()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ManySeriesAsync(viewer);
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var page = await PageAsync(viewer, scheme);
            var (_, series) = await PaintedAsync(page);
            var cycled = series.Take(Cycled).Select(s => s.Color).ToList();
            Assert.True(cycled.Distinct().Count() >= 20, $"{scheme}: {cycled.Distinct().Count()} distinct colours among 40: {string.Join(" ", cycled)}");
            // The first 20 all differ: a colour comes back no sooner than 20 series on.
            Assert.Equal(20, cycled.Take(20).Distinct().Count());
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"forty-series-{scheme.ToString().ToLowerInvariant()}.png") });
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task On_the_dark_theme_every_series_colour_stands_at_least_4_5_to_1_from_the_background()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ManySeriesAsync(viewer);
        var page = await PageAsync(viewer, ColorScheme.Dark);
        var (background, series) = await PaintedAsync(page);
        Assert.Equal("rgb(13, 17, 23)", background);
        foreach (var (name, color) in series)
        {
            double ratio = WcagContrast.Ratio(color, background);
            Assert.True(ratio >= 4.5, $"{name}: {color} on {background} has contrast {ratio:F2}");
        }
        // Black is grey on dark, not black on near-black, and stays apart from white.
        Assert.Contains(series, s => s.Name == "k-" && s.Color == "#9198a1");
        Assert.Contains(series, s => s.Name == "w-" && s.Color == "#ffffff");

        // The PNG saved from the page is the page as shown, on its dark background.
        var picture = await page.EvaluateAsync<JsonElement>(@"async () => {
            const { composePicture } = await import('./save.js');
            const { legendRows } = await import('./legend.js');
            const canvas = composePicture('t', legendRows(document.getElementById('legend'), window.plotpipe.series));
            const px = (x, y) => Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3));
            return { corner: px(1, 1) };
        }");
        Assert.Equal([13, 17, 23], picture.GetProperty("corner").EnumerateArray().Select(v => v.GetInt32()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Legend_of_many_series_filters_widens_and_a_panel_with_every_series_hidden_folds_to_its_title()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await ManySeriesAsync(viewer);
        var page = await PageAsync(viewer, ColorScheme.Light);
        var filter = page.Locator(".legend-filter");
        Assert.True(await filter.IsVisibleAsync());

        await filter.FillAsync("s1");
        await WaitAsync(page, "() => document.querySelectorAll('#legend li[data-index]').length === 10");
        var names = await page.Locator("#legend li[data-index] .name").AllTextContentsAsync();
        Assert.All(names, n => Assert.StartsWith("s1", n));
        // A long name is cut in the narrow column and shown whole on hover (its title) and in the wide one.
        var first = page.Locator("#legend li[data-index=\"10\"] .name");
        Assert.StartsWith("s10 a rather long series name that will not fit", await first.GetAttributeAsync("title"));
        Assert.True(await first.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"), "the narrow column cuts the name");
        double narrow = (await page.Locator("aside").BoundingBoxAsync())!.Width;
        await page.Locator(".legend-wide").ClickAsync();
        double wide = (await page.Locator("aside").BoundingBoxAsync())!.Width;
        Assert.True(wide > narrow * 1.5, $"wide {wide} px against {narrow} px");
        Assert.False(await first.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"), "the wide column shows the name whole");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "forty-series-wide-legend.png") });
        await filter.FillAsync("");
        await WaitAsync(page, $"() => document.querySelectorAll('#legend li[data-index]').length === {Cycled + Letters.Length}");
        await page.Locator(".legend-wide").ClickAsync();

        // Hiding every series of the letters' panel folds it to its title; the cycle's panel takes the room.
        double before = (await page.Locator("section.panel[data-panel=\"1\"]").BoundingBoxAsync())!.Height;
        await page.Locator("#legend li.panel-group", new() { HasText = "Letters" }).ClickAsync();
        await WaitAsync(page, "p => p.collapsed.includes(2)");
        var letters = page.Locator("section.panel[data-panel=\"2\"]");
        Assert.True((await letters.BoundingBoxAsync())!.Height < 40);
        Assert.False(await letters.Locator(".panel-chart").IsVisibleAsync());
        Assert.True(await letters.Locator(".panel-title").IsVisibleAsync());
        await WaitAsync(page, $"p => p.panels[0].plotHeight > {before.ToString(CultureInfo.InvariantCulture)}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "forty-series-folded-panel.png") });

        // A click on the folded title shows its series again.
        await letters.Locator(".panel-title").ClickAsync();
        await WaitAsync(page, "p => p.collapsed.length === 0 && p.hidden.length === 0");
        Assert.True(await letters.Locator(".panel-chart").IsVisibleAsync());
        await page.Context.CloseAsync();
    }
}
