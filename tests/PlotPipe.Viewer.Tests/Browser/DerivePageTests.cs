using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The sidebar's derive box: a rule typed in the page becomes a series in the legend; a bad one shows the viewer's reason.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DerivePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_rule_typed_in_the_page_adds_its_series_to_the_legend_and_a_bad_one_shows_why_under_the_box()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "trainer");
        var (steps, loss) = Columns(2000, 0, 1, s => 2 * Math.Exp(-s / 500) + 0.1 * Math.Sin(s));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            Points(w, 0, steps[..1000], loss[..1000]);
        });
        var page = await browser.NewPageAsync(1200, 700);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.series.some(s => s.name === 'loss' && s.count === 1000) && p.panels.length === 1 && p.panels[0].drawn > 0");

        // A rule the viewer cannot read: its reason under the box, the text kept, the fault selected.
        await page.FillAsync("#derive-rule", "smooth = ema(loss, 0.9");
        await page.ClickAsync(".derive-form button");
        await page.WaitForSelectorAsync("#derive-problem:not([hidden])");
        Assert.Equal("at position 23: expected ) to close ema( but the expression ends", await page.TextContentAsync("#derive-problem"));
        Assert.Equal("smooth = ema(loss, 0.9", await page.InputValueAsync("#derive-rule"));
        Assert.Equal("true", await page.GetAttributeAsync("#derive-rule", "aria-invalid"));
        // Position 23 is just past the text's end: the caret goes there, ready for the missing ")".
        Assert.Equal(22, await page.EvalOnSelectorAsync<int>("#derive-rule", "e => e.selectionStart"));
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            await page.Locator("#side").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"derive-refused-{scheme.ToString().ToLowerInvariant()}.png") });
        }
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });

        // A name the plot has already is refused too.
        await page.FillAsync("#derive-rule", "loss = ema(loss, 0.9)");
        await page.PressAsync("#derive-rule", "Enter");
        await WaitAsync(page, "p => p.derive.problem && p.derive.problem === 'a series named loss exists already: choose another name'");

        // Mended, it is taken: the box empties, the reason goes, and the series comes into the legend.
        await page.FillAsync("#derive-rule", "smooth = ema(loss, 0.9)");
        await page.ClickAsync(".derive-form button");
        await WaitAsync(page, "p => p.derive.added.includes('smooth = ema(loss, 0.9)') && p.series.some(s => s.name === 'smooth' && s.count === 1000)");
        Assert.True(await page.IsHiddenAsync("#derive-problem"));
        Assert.Equal("", await page.InputValueAsync("#derive-rule"));
        await page.WaitForSelectorAsync("#legend li .name:text-is('smooth')");

        // From then on it is computed from the points that arrive, as the page shows.
        await SendAsync(viewer, w => Points(w, 0, steps[1000..], loss[1000..]));
        await WaitAsync(page, "p => p.series.some(s => s.name === 'smooth' && s.count === 2000)");
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"derive-added-{scheme.ToString().ToLowerInvariant()}.png") });
        }
    }
}
