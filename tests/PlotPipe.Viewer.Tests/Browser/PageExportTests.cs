using System.Globalization;
using System.Web;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>What the page takes out of the viewer: the exact points of the range on screen, and the recording's state.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageExportTests(BrowserFixture browser)
{
    private const int Points = 10_000;

    [Fact]
    public async Task Csv_from_the_page_after_a_zoom_holds_exactly_the_points_of_the_x_range_on_screen()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "export");
        var (xs, wave) = Columns(Points, 0, 0.01, x => Math.Sin(x) * 3);
        var (_, noise) = Columns(Points, 0, 0.01, x => Math.Sin(x * 91.7) * 0.5);
        // One point out of place: a scatter's x need not grow, and its export must still find every point in range.
        noise[^1] = 42.5;
        var scatterXs = xs.ToArray();
        scatterXs[^1] = 42.5;
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "wave", "b-", 0, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Scatter, "noise", "r.", 0, SeriesFlags.None);
            Points(w, 0, xs, wave);
            Points(w, 1, scatterXs, noise);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.inView === {2 * Points}");

        await DragAcrossAsync(page, 0, 0.3, 0.6);
        await WaitAsync(page, $"p => p.inView > 0 && p.inView < {Points}");
        var shown = Range((await StateAsync(page)).GetProperty("panels")[0].GetProperty("xRange"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#save-csv"));
        var query = HttpUtility.ParseQueryString(new Uri(download.Url).Query);
        double from = double.Parse(query["from"]!, CultureInfo.InvariantCulture);
        double to = double.Parse(query["to"]!, CultureInfo.InvariantCulture);
        // The range asked for is the one on screen.
        Assert.Equal(shown.Min, from, 9);
        Assert.Equal(shown.Max, to, 9);
        Assert.True(to - from < 50, $"the zoom should have narrowed x, got [{from}, {to}]");

        var path = Path.Combine(BrowserFixture.ArtifactsDir, "zoomed-range.csv");
        await download.SaveAsAsync(path);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("series,x,y", lines[0]);
        var got = lines.Skip(1).Select(l => l.Split(','))
            .Select(f => (Series: f[0], X: double.Parse(f[1], CultureInfo.InvariantCulture), Y: double.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToLookup(p => p.Series, p => (p.X, p.Y));

        var expectedWave = xs.Zip(wave).Where(p => p.First >= from && p.First <= to).ToArray();
        var expectedNoise = scatterXs.Zip(noise).Where(p => p.First >= from && p.First <= to).ToArray();
        Assert.NotEmpty(expectedWave);
        Assert.Equal(expectedWave, got["wave"].Select(p => (p.X, p.Y)).ToArray());
        Assert.Equal(expectedNoise, got["noise"].Select(p => (p.X, p.Y)).ToArray());
        Assert.Equal(expectedWave.Length + expectedNoise.Length, lines.Length - 1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_recording_that_fails_says_why_on_the_page_while_the_plot_goes_on()
    {
        using var viewer = await ViewerProcess.StartAsync("--record", "/dev/full");
        await OpenAsync(viewer, "recorder");
        var (xs, ys) = Columns(Points, 0, 1, x => x * 0.5);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "ramp", "g-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.status.points === {Points} && p.drawn > 0 && typeof p.status.recordError === 'string'");
        var status = await page.Locator("#status").TextContentAsync();
        Assert.Contains("No space left on device", status);
        Assert.Contains("10,000 points", status);
        await page.Context.CloseAsync();
    }
}
