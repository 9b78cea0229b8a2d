using PlotPipe.Viewer.Tests.Browser;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>
/// Before the first point: <c>plotpipe view</c> given nothing to read says how to feed it (the exact lines of an
/// empty standard input, which say nothing of the kind, are in <see cref="ExitOnFinishTests"/>), and the page says
/// it waits for data rather than "streaming · 0 points/s", on the real viewer in real Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NothingToPlotTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_viewer_with_no_file_no_stdin_and_no_listen_says_how_to_feed_it_and_stays_up()
    {
        using var viewer = await CommandLineViewer.StartAsync();
        const string line = "plotpipe: nothing to plot: give a FILE, --stdin (a program's output piped in) or --listen PORT (producers over TCP); the page can open a recording to compare";
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Split('\n').Contains(line)), "the line saying how to feed the viewer");
        Assert.Equal(0, (await viewer.GetAsync("api/status")).GetProperty("points").GetInt64());
    }

    [Fact]
    public async Task The_page_says_waiting_for_data_until_the_first_point_then_streaming()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "() => document.getElementById('status').textContent === 'waiting for data · 0 points · 0 dropped'");
        Assert.Equal("waiting", await page.GetAttributeAsync("#status", "data-state"));
        Assert.Equal("PlotPipe — waiting for data", await page.TitleAsync());

        await viewer.WriteAsync("1\n2\n");
        await WaitAsync(page, "() => document.getElementById('status').textContent.startsWith('streaming · 2 points · ')");
        Assert.Equal("streaming", await page.GetAttributeAsync("#status", "data-state"));
        await page.Context.CloseAsync();
    }
}
