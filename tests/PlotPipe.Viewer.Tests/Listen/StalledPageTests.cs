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

        // Beside a producer that streams, the plot streams and the line counts the stalled one.
        using (var busy = await TcpProducer.HelloAsync(viewer.ProducerPort, "busy", viewer.Token))
        using (var stop = new CancellationTokenSource())
        {
            var sending = ProducerLifeTests.StreamSteadilyAsync(busy, stop.Token);
            await LivePageTests.WaitAsync(page, "p => p.status.state === 'streaming' && p.status.stalledProducers === 1");
            Assert.Contains(" · 1 stalled · ", await status.TextContentAsync());
            await stop.CancelAsync();
            await sending;
        }

        await producer.SendAsync(w => FrameWriter.WritePoints(w, 0, [3], [3]));
        await LivePageTests.WaitAsync(page, "p => p.status.state === 'streaming' && p.series.find(s => s.name === 'loss').count === 3");
        Assert.StartsWith("streaming · ", await status.TextContentAsync());
        await page.Context.CloseAsync();
    }
}
