using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The smoothing slider of a panel: the weight goes with the view request and the viewer's smoothed curve is drawn.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SmoothPageTests(BrowserFixture browser)
{
    private const int Steps = 20_000;

    [Fact]
    public async Task Moving_the_smoothing_slider_sends_the_weight_and_draws_a_smoothed_curve_over_the_raw_line()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "trainer");
        var random = new Random(3);
        var (steps, loss) = Columns(Steps, 0, 1, s => (2.5 * Math.Exp(-s / 4000.0)) + random.NextDouble());
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Scatter, "samples", "r.", 0, SeriesFlags.None);
            Points(w, 0, steps, loss);
            Points(w, 1, steps[..100], loss[..100]);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1200, 700);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn > 0 && p.status.state === 'finished'");
        Assert.Equal(0, (await StateAsync(page)).GetProperty("panels")[0].GetProperty("smoothDrawn").GetInt32());
        Assert.Equal("0.000", await page.TextContentAsync(".panel .smooth output"));

        // The keyboard moves the slider as a user does: End takes it to the largest weight.
        await page.FocusAsync(".panel .smooth-weight");
        await page.Keyboard.PressAsync("End");
        await WaitAsync(page, "p => p.request && p.request.panels[0].smooth === 0.999");
        await WaitAsync(page, "p => p.panels[0].smoothDrawn > 0 && p.lastView.panels[0].series.includes(0x80000000)");
        Assert.Equal("0.999", await page.TextContentAsync(".panel .smooth output"));
        var state = await StateAsync(page);
        var carried = state.GetProperty("lastView").GetProperty("panels")[0].GetProperty("series").EnumerateArray().Select(e => e.GetDouble()).ToList();
        // One smoothed curve, for the line; a scatter has none.
        Assert.DoesNotContain(0x80000000 + 1.0, carried);
        Assert.Equal(0.999, state.GetProperty("panels")[0].GetProperty("smooth").GetDouble());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "smoothed.png") });

        // Back to 0: the request carries no weight and only the raw line is drawn.
        await page.Keyboard.PressAsync("Home");
        await WaitAsync(page, "p => p.request && p.request.panels[0].smooth === undefined && !p.lastView.panels[0].series.includes(0x80000000) && p.panels[0].smoothDrawn === 0");
    }
}
