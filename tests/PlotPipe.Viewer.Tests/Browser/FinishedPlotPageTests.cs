using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>A finished plot is shown whole; follow is for live streams, over a window that shows something of sparse data.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FinishedPlotPageTests(BrowserFixture browser)
{
    private const int Points = 100_000;

    private static async Task LineAsync(ViewerProcess viewer, int points, bool finish)
    {
        await OpenAsync(viewer, "run");
        var (xs, ys) = Columns(points, 0, 1, x => Math.Sin(x / 500));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "signal", "b-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
            if (finish) FrameWriter.WriteFinish(w);
        });
    }

    // A following window ends on the first pixel column's edge at or past the newest x (a grid fixed in x, so the next
    // window moved by whole columns keeps its columns): within a column of it, and exactly `span` wide.
    private static string Follows(double newest, double span) =>
        $"p.panels[0].xRange[1] >= {newest} && p.panels[0].xRange[1] - {newest} <= {span} / p.panels[0].plotWidth"
        + $" && Math.abs(p.panels[0].xRange[1] - p.panels[0].xRange[0] - {span}) <= {span} * 1e-9";

    private static string Whole(int points) =>
        $"p => p.status.state === 'finished' && !p.follow && p.panels.length === 1 && p.panels[0].xRange[0] === 0 && p.panels[0].xRange[1] === {points - 1} && p.inView === {points} && p.drawn > 0";

    [Fact]
    public async Task A_finished_line_of_a_hundred_thousand_points_opens_whole_with_follow_off()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await LineAsync(viewer, Points, finish: true);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, Whole(Points));
        Assert.False(await page.IsCheckedAsync("#follow"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "finished-whole.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_page_following_a_live_line_shows_it_whole_when_the_stream_ends()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await LineAsync(viewer, Points, finish: false);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        // Live lines follow their newest tenth (10,000, rounded to 1, 2 or 5 × 10ⁿ).
        await WaitAsync(page, $"p => p.follow && p.status.state === 'streaming' && {Follows(Points - 1, 10_000)}");
        Assert.True(await page.IsCheckedAsync("#follow"));
        await SendAsync(viewer, w => FrameWriter.WriteFinish(w));
        await WaitAsync(page, Whole(Points));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Follow_the_user_chose_stays_on_when_the_stream_ends()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await LineAsync(viewer, Points, finish: false);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.follow && p.drawn > 0");
        await page.FillAsync("#follow-span", "500");
        await page.Keyboard.PressAsync("Tab");
        await WaitAsync(page, $"p => p.follow && p.followSpan === 500 && {Follows(Points - 1, 500)}");
        await SendAsync(viewer, w => FrameWriter.WriteFinish(w));
        // The finished state has reached the page (and the rule that would end follow has run): follow stays.
        await WaitAsync(page, "p => p.status.state === 'finished'");
        var state = await StateAsync(page);
        Assert.True(state.GetProperty("follow").GetBoolean());
        var (left, right) = Range(state.GetProperty("panels")[0].GetProperty("xRange"));
        Assert.InRange(right, Points - 1.0, Points - 1.0 + 500.0 / state.GetProperty("panels")[0].GetProperty("plotWidth").GetDouble());
        Assert.Equal(500, right - left, 1e-6);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_sparse_live_time_series_follows_at_least_the_last_minute()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "loadavg");
        // A reading every two seconds, as a script polling /proc/loadavg sends them: the old 10 % rule followed 2 s.
        double t0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var (times, load) = Columns(15, t0, 2, t => 1.5 + 0.3 * Math.Sin(t - t0));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "load1", "b.-", 0, SeriesFlags.TimeX);
            Points(w, 0, times, load);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.follow && p.panels[0].time && {Follows(t0 + 28, 60)} && p.inView === 15");
        var panel = (await StateAsync(page)).GetProperty("panels")[0];
        // Nothing named the axes: y keeps its placeholder, time needs none (as in the pictures).
        Assert.Equal([null, "y"], panel.GetProperty("axisNames").EnumerateArray().Select(n => n.GetString()));

        // A new reading moves the window on.
        await SendAsync(viewer, w => FrameWriter.WritePoints(w, 0, [t0 + 30], [1.7]));
        await WaitAsync(page, $"p => p.follow && {Follows(t0 + 30, 60)}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "sparse-time-follow.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_opened_recording_of_a_line_opens_whole()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-whole-");
        try
        {
            var path = Path.Combine(dir.FullName, "run.arrow");
            using (var recording = await ViewerProcess.StartAsync("--record", path))
            {
                await LineAsync(recording, Points, finish: true);
                await Http.WaitForStateAsync(recording, "finished");
                await Http.WaitForAsync(async () => (await Http.GetJsonAsync(recording, "api/status")).GetProperty("recording").GetProperty("points").GetInt64() == Points, "every point recorded");
                recording.Signal(15);
                Assert.NotNull(await recording.WaitForExitAsync(TimeSpan.FromSeconds(10)));
            }

            using var opened = await CommandLineViewer.StartAsync(path);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(opened.Url.ToString());
            await WaitAsync(page, Whole(Points));
            Assert.False(await page.IsCheckedAsync("#follow"));
            await page.Context.CloseAsync();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
