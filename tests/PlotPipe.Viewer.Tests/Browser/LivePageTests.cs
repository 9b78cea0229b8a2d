using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The live page in a real browser, fed by a real viewer process.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LivePageTests(BrowserFixture browser)
{
    private const int PerBatch = 1000;

    [Fact]
    public async Task Page_draws_points_while_they_stream()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Scatter, "noise", "bo");
        await viewer.DefineAsync(1, SeriesKind.Line, "sine", "r-");
        await viewer.DefineAsync(2, SeriesKind.Line, "cosine", "g--");
        await SendBatchAsync(viewer, 0);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.inView === {3 * PerBatch} && p.drawn > 0");

        for (int batch = 1; batch < 3; batch++) await SendBatchAsync(viewer, batch);
        int total = 3 * 3 * PerBatch;
        await WaitAsync(page, $"p => p.inView === {total} && p.status.points === {total} && p.series.length === 3");

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "live-page.png") });
        var state = await StateAsync(page);
        Assert.Equal(total, state.GetProperty("inView").GetInt32());
        // Every scatter point is drawn; lines may be thinned to what the pixels can show, never to nothing.
        Assert.InRange(state.GetProperty("drawn").GetInt32(), 3 * PerBatch + 2, total);
        Assert.False(state.GetProperty("follow").GetBoolean(), "a plot with a scatter starts showing all data, not following");

        // A version 1 stream defines nothing: one panel, its axes named "x" and "y" as before.
        var panel = state.GetProperty("panels")[0];
        Assert.Equal(["x", "y"], panel.GetProperty("axisNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(1, state.GetProperty("panels").GetArrayLength());
        Assert.Equal("PlotPipe — streaming", await page.TitleAsync());

        var legend = await page.Locator("#legend .name").AllTextContentsAsync();
        Assert.Equal(["noise", "sine", "cosine"], legend);
        Assert.Equal("streaming", await page.GetAttributeAsync("#status", "data-state"));
        Assert.Contains("9,000 points", await page.TextContentAsync("#status"));

        // All data is in view: x from the first to the last point (plus a little room for markers), y around ±1.
        double last = (3 * PerBatch - 1) * 0.01;
        var x = Range(state, "xRange");
        Assert.InRange(x.Min, -0.05 * last, 0.0);
        Assert.InRange(x.Max, last, 1.05 * last);
        var y = Range(state, "yRange");
        Assert.InRange(y.Min, -1.6, -1.0);
        Assert.InRange(y.Max, 1.0, 1.6);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_live_page_loads_streams_and_finishes_with_nothing_in_the_browsers_console()
    {
        using var viewer = await OneLineAsync();

        var page = await browser.NewPageAsync();
        var problems = ConsoleProblems.Watch(page);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.status.points === {PerBatch} && p.drawn > 0");
        await SendBatchAsync(viewer, 1, seriesCount: 1);
        await viewer.FinishAsync();
        await WaitAsync(page, $"p => p.status.state === 'finished' && p.status.points === {2 * PerBatch}");
        // The timeline's question is asked at load: it must have been answered, not still pending.
        Assert.True(await page.EvaluateAsync<bool>("() => performance.getEntriesByType('resource').some((e) => e.name.includes('/api/timeline'))"),
            "the page asked whether there is a timeline");
        await page.Context.CloseAsync();
        problems.AssertNone();
    }

    [Fact]
    public async Task Status_says_finished_after_the_finish_frame()
    {
        using var viewer = await OneLineAsync();

        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.views > 0 && p.status.state === 'streaming'");
        Assert.Equal("streaming", await page.GetAttributeAsync("#status", "data-state"));

        await viewer.FinishAsync();
        await WaitAsync(page, "() => document.getElementById('status').dataset.state === 'finished'");
        var text = await page.TextContentAsync("#status");
        Assert.StartsWith("finished", text);
        Assert.Contains("1,000 points", text);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Status_says_disconnected_when_the_producer_dies_and_points_stay()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Scatter, "noise", "ko");
        await SendBatchAsync(viewer, 0, seriesCount: 1);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.inView === {PerBatch}");

        viewer.CloseInput();
        await WaitAsync(page, "() => document.getElementById('status').dataset.state === 'disconnected'");
        var text = await page.TextContentAsync("#status");
        Assert.StartsWith("disconnected", text);
        Assert.Contains("without finishing", text);
        var state = await StateAsync(page);
        Assert.Equal(PerBatch, state.GetProperty("status").GetProperty("points").GetInt32());
        Assert.Equal(PerBatch, state.GetProperty("drawn").GetInt32());
        Assert.False(viewer.HasExited, "the viewer stays while a page shows its data");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Page_says_viewer_gone_and_reconnects_when_a_viewer_comes_back()
    {
        var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.connected && p.metas > 0");

        viewer.Dispose();
        await WaitAsync(page, "p => !p.connected && document.getElementById('status').dataset.state === 'gone'");
        Assert.Contains("viewer gone", await page.TextContentAsync("#status"));
        await page.Context.CloseAsync();
    }

    // A viewer streaming one line, its first batch sent.
    private static async Task<ViewerProcess> OneLineAsync()
    {
        var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "sine", "b-");
        await SendBatchAsync(viewer, 0, seriesCount: 1);
        return viewer;
    }

    // Series s gets x = 0.01 i and a sine, cosine or noise of it; batches follow on from each other.
    private static async Task SendBatchAsync(ViewerProcess viewer, int batch, int seriesCount = 3)
    {
        var xs = new double[PerBatch];
        var ys = new double[PerBatch];
        for (int s = 0; s < seriesCount; s++)
        {
            for (int i = 0; i < PerBatch; i++)
            {
                double x = (batch * PerBatch + i) * 0.01;
                xs[i] = x;
                ys[i] = s switch
                {
                    0 => Math.Sin(x * 7.3 + i % 17) * 0.9,
                    1 => Math.Sin(x),
                    _ => Math.Cos(x),
                };
            }
            await viewer.PointsAsync(s, xs, ys);
        }
    }

    internal static Task WaitAsync(IPage page, string predicateOnPlotpipe) =>
        page.WaitForFunctionAsync(
            predicateOnPlotpipe.StartsWith("()", StringComparison.Ordinal) ? predicateOnPlotpipe : $"() => window.plotpipe && ({predicateOnPlotpipe})(window.plotpipe)",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 25 });

    internal static async Task<JsonElement> StateAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.plotpipe))");

    internal static (double Min, double Max) Range(JsonElement state, string name)
    {
        var r = state.GetProperty(name);
        return (r[0].GetDouble(), r[1].GetDouble());
    }
}
