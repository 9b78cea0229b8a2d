using System.Globalization;
using System.Web;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The page's Markers button: the markers of the x range on screen, as the CSV <c>what=markers</c> serves.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageMarkersExportTests(BrowserFixture browser)
{
    private const int Points = 10_000;

    [Fact]
    public async Task Markers_from_the_page_after_a_zoom_are_those_of_the_x_range_on_screen()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "markers");
        var (xs, wave) = Columns(Points, 0, 0.01, x => Math.Sin(x) * 3);
        // One marker every x = 0.5 over [0, 100]: a zoom into a third of the x range shown keeps some, leaves the rest out.
        var at = Enumerable.Range(0, 201).Select(i => i * 0.5).ToArray();
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "wave", "b-", 0, SeriesFlags.None);
            Points(w, 0, xs, wave);
            foreach (double x in at) FrameWriter.WriteEvent(w, EventKind.Mark, x, 0, false, "at " + x.ToString(CultureInfo.InvariantCulture));
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.status.points === {Points} && p.markers.count === {at.Length} && p.inView > 0");

        await DragAcrossAsync(page, 0, 0.3, 0.6);
        await WaitAsync(page, $"p => p.inView > 0 && p.inView < {Points}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#save-markers"));
        var query = HttpUtility.ParseQueryString(new Uri(download.Url).Query);
        Assert.Equal("markers", query["what"]);
        double from = double.Parse(query["from"]!, CultureInfo.InvariantCulture);
        double to = double.Parse(query["to"]!, CultureInfo.InvariantCulture);

        var path = Path.Combine(BrowserFixture.ArtifactsDir, "zoomed-markers.csv");
        await download.SaveAsAsync(path);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("kind,x,x2,xKind,text,producer,time", lines[0]);
        var expected = at.Where(x => x >= from && x <= to).Select(x => "at " + x.ToString(CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(expected.Length, 1, at.Length - 1);
        Assert.Equal(expected, lines.Skip(1).Select(l => l.Split(',')[4]).ToArray());
        await page.Context.CloseAsync();
    }
}
