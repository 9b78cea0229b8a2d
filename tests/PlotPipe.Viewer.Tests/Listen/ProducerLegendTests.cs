using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Browser;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>The page's legend with many producers: a header per producer, and a click on it hides or shows all its series.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProducerLegendTests(BrowserFixture browser)
{
    [Fact]
    public async Task Legend_groups_series_by_producer_and_a_click_on_a_producer_hides_and_shows_its_series()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var xs = new double[1000];
        for (int i = 0; i < xs.Length; i++) xs[i] = i;
        var producers = new List<TcpProducer>();
        try
        {
            foreach (var (name, points) in new[] { ("alpha", 1000), ("beta", 400) })
            {
                var p = await TcpProducer.HelloAsync(viewer.ProducerPort, name, viewer.Token);
                producers.Add(p);
                await p.SendAsync(w =>
                {
                    FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "samples", "o");
                    FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Scatter, "outliers", "x");
                    FrameWriter.WritePoints(w, 0, xs.AsSpan(0, points), xs.AsSpan(0, points));
                    FrameWriter.WritePoints(w, 1, xs.AsSpan(0, 10), xs.AsSpan(0, 10));
                });
                // Connections are read concurrently: wait for this producer's series so the legend's order is known.
                int expected = producers.Count * 2;
                await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/series")).GetArrayLength() == expected, $"{expected} series");
            }
            var page = await browser.NewPageAsync();
            await page.GotoAsync(viewer.Url.ToString());
            await LivePageTests.WaitAsync(page, "p => p.series.length === 4 && p.drawn === 1420");

            Assert.Equal(["alpha", "samples", "outliers", "beta", "samples", "outliers"], await page.Locator("#legend .name").AllTextContentsAsync());
            Assert.Equal(["1,010", "1,000", "10", "410", "400", "10"], await page.Locator("#legend .count").AllTextContentsAsync());

            await page.Locator("#legend li.producer", new() { HasText = "alpha" }).ClickAsync();
            await LivePageTests.WaitAsync(page, "p => p.drawn === 410");
            Assert.Equal(3, await page.Locator("#legend li.hidden").CountAsync());

            await page.Locator("#legend li.producer", new() { HasText = "alpha" }).ClickAsync();
            await LivePageTests.WaitAsync(page, "p => p.drawn === 1420");
            Assert.Equal(0, await page.Locator("#legend li.hidden").CountAsync());
            await page.Context.CloseAsync();
        }
        finally
        {
            foreach (var p in producers) p.Dispose();
        }
    }

    [Fact]
    public async Task Legend_of_a_single_producer_has_no_producer_header()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var p = await TcpProducer.HelloAsync(viewer.ProducerPort, "solo", viewer.Token);
        await p.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "samples", "o");
            FrameWriter.WritePoints(w, 0, [1, 2], [1, 2]);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await LivePageTests.WaitAsync(page, "p => p.series.length === 1 && p.drawn === 2");
        Assert.Equal(["samples"], await page.Locator("#legend .name").AllTextContentsAsync());
        Assert.Equal(0, await page.Locator("#legend li.producer").CountAsync());
        await page.Context.CloseAsync();
    }
}
