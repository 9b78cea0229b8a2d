using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Browser;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>The page's status line with a producer that goes quiet past --producer-timeout, in real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StalledPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_status_line_reads_stalled_while_the_only_producer_is_silent_and_streaming_once_it_sends()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--producer-timeout", "1");
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "quiet", viewer.Token);
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2], [1, 2]);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await LivePageTests.WaitAsync(page, "p => p.status.points === 2");

        await LivePageTests.WaitAsync(page, "p => p.status.state === 'stalled'");
        var status = page.Locator("#status");
        Assert.StartsWith("stalled · 2 points", await status.TextContentAsync());
        Assert.Equal("stalled", await status.GetAttributeAsync("data-state"));

        await producer.SendAsync(w => FrameWriter.WritePoints(w, 0, [3], [3]));
        await LivePageTests.WaitAsync(page, "p => p.status.state === 'streaming' && p.status.points === 3");
        Assert.StartsWith("streaming · 3 points", await status.TextContentAsync());
        await page.Context.CloseAsync();
    }
}
