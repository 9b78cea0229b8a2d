using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>Mouse, resize and follow on a large line series: the ranges shown and the points drawn follow the user.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ZoomPanFollowTests(BrowserFixture browser)
{
    private const int Points = 1_000_000;
    private const double Step = 0.001;
    private const double LastX = (Points - 1) * Step;

    [Fact]
    public async Task Zoom_pan_resize_and_follow_show_the_right_part_of_a_million_point_line()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "signal", "b-");
        var xs = new double[Points];
        var ys = new double[Points];
        for (int i = 0; i < Points; i++)
        {
            xs[i] = i * Step;
            ys[i] = Math.Sin(xs[i]);
        }
        // The stream stays open: follow is for live streams.
        await viewer.PointsAsync(0, xs, ys);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());

        // A plot of lines only starts following the last 10 % of x (rounded to 1-2-5: 100 here).
        // A following window ends on the first pixel column's edge at or past the newest x: within a column of it.
        var follow = await WaitForViewAsync(page, LastX - 100, LastX, following: true, tolerance: 100.0 / 500);
        AssertY(follow, -1.2, -1.0, 1.0, 1.2);
        AssertDrawn(follow);

        // Drag-select the second quarter of the plot's width: x zooms there, y fits what is in view.
        var over = await OverAsync(page);
        var before = LivePageTests.Range(follow, "xRange");
        double span = before.Max - before.Min;
        double row = over.Y + over.Height * 0.5;
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.25), Px(row));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.5), Px(row + 4), new() { Steps = 5 });
        await page.Mouse.UpAsync();
        double z0 = before.Min + span * 0.25, z1 = before.Min + span * 0.5;
        var zoomed = await WaitForViewAsync(page, z0, z1, following: false, tolerance: span * 0.01);
        AssertDrawn(zoomed);

        // The wheel zooms x in around the cursor.
        var (a, b) = LivePageTests.Range(zoomed, "xRange");
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.5), Px(row));
        await page.Mouse.WheelAsync(0, -500);
        double f = Math.Pow(1.002, -500), c = (a + b) / 2;
        var wheeled = await WaitForViewAsync(page, c - (c - a) * f, c + (b - c) * f, following: false, tolerance: (b - a) * 0.01);
        AssertDrawn(wheeled);

        // Shift-drag pans: dragging right by a tenth of the width shows what lies a tenth to the left.
        (a, b) = LivePageTests.Range(wheeled, "xRange");
        await page.Keyboard.DownAsync("Shift");
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.4), Px(row));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.5), Px(row), new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.Keyboard.UpAsync("Shift");
        double shift = (b - a) * 0.1;
        var panned = await WaitForViewAsync(page, a - shift, b - shift, following: false, tolerance: (b - a) * 0.01);
        AssertDrawn(panned);

        // Double-click fits all data.
        await page.Mouse.DblClickAsync(Px(over.X + over.Width * 0.5), Px(row));
        var all = await WaitForViewAsync(page, 0, LastX, following: false);
        AssertY(all, -1.2, -1.0, 1.0, 1.2);
        AssertDrawn(all);

        // A smaller window asks for a view at its new size.
        int widthBefore = all.GetProperty("plotWidth").GetInt32();
        int viewsBefore = all.GetProperty("views").GetInt32();
        await page.SetViewportSizeAsync(900, 560);
        await LivePageTests.WaitAsync(page, $"p => p.plotWidth < {widthBefore} && p.views > {viewsBefore}");
        var resized = await WaitForViewAsync(page, 0, LastX, following: false);
        AssertDrawn(resized);

        // The checkbox brings follow back with the same automatic span.
        await page.ClickAsync("#follow");
        var again = await WaitForViewAsync(page, LastX - 100, LastX, following: true, tolerance: 100.0 / 500);
        AssertDrawn(again);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "zoom-pan-follow.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wheel_notch_out_of_follow_sends_one_numbered_request_and_draws_its_answer()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "signal", "b-");
        var xs = new double[100_000];
        var ys = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i * Step;
            ys[i] = Math.Sin(xs[i]);
        }
        await viewer.PointsAsync(0, xs, ys);

        var page = await browser.NewPageAsync();
        var sent = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) => { if (frame.Text is { } text) sent.Enqueue(text); };
        await page.GotoAsync(viewer.Url.ToString());
        await LivePageTests.WaitAsync(page, "p => p.follow && p.drawn > 0 && p.lastView && p.lastView.seq === p.request.seq");
        int requestsBefore = Requests(sent).Count;
        long seqBefore = (await LivePageTests.StateAsync(page)).GetProperty("request").GetProperty("seq").GetInt64();

        // Leaving follow and zooming are two changes of one input: one request, numbered next, and its answer drawn.
        var over = await OverAsync(page);
        await page.Mouse.MoveAsync(Px(over.X + over.Width * 0.5), Px(over.Y + over.Height * 0.5));
        await page.Mouse.WheelAsync(0, -100);
        await LivePageTests.WaitAsync(page, "p => !p.follow && p.request.seq > " + seqBefore
            + " && p.answer && p.answer.seq === p.request.seq && p.lastView.seq === p.request.seq && p.drawLog.some((d) => d.viewAt === p.viewAt)");
        var state = await LivePageTests.StateAsync(page);
        var requests = Requests(sent);
        Assert.Equal(requestsBefore + 1, requests.Count);
        Assert.Equal(seqBefore + 1, requests[^1].GetProperty("seq").GetInt64());
        Assert.True(requests[^1].GetProperty("follow").ValueKind == JsonValueKind.Null, requests[^1].ToString());
        Assert.Equal(seqBefore + 1, state.GetProperty("answer").GetProperty("seq").GetInt64());
        Assert.True(state.GetProperty("answer").GetProperty("builtMs").GetDouble() >= 0);
        // The page reports the views it draws, so the viewer's flow control sends it the next.
        Assert.Contains("""{"type":"drawn"}""", sent);
    }

    private static List<JsonElement> Requests(IEnumerable<string> sent) =>
        sent.Select(t => JsonDocument.Parse(t).RootElement).Where(e => e.GetProperty("type").GetString() == "view").ToList();

    private static float Px(double v) => (float)v;

    private static async Task<LocatorBoundingBoxResult> OverAsync(IPage page) =>
        await page.Locator("#chart .u-over").BoundingBoxAsync() ?? throw new InvalidOperationException("no plot area on the page");

    // Waits until the page shows [lo, hi] and the viewer's answer for it has arrived: its points-in-view count
    // is exactly the number of points with x in that range.
    private static async Task<JsonElement> WaitForViewAsync(IPage page, double lo, double hi, bool following, double tolerance = 1e-6)
    {
        await page.WaitForFunctionAsync(
            """
            ([lo, hi, tol, following, step]) => {
              const p = window.plotpipe;
              if (!p || p.follow !== following) return false;
              const [x0, x1] = p.xRange;
              if (Math.abs(x0 - lo) > tol || Math.abs(x1 - hi) > tol) return false;
              const expected = Math.floor(Math.min(x1, hi + tol) / step + 1e-9) - Math.ceil(Math.max(0, x0) / step - 1e-9) + 1;
              return Math.abs(p.inView - Math.min(expected, 1e6)) <= 2 && p.drawn > 0;
            }
            """,
            new object[] { lo, hi, tolerance, following, Step },
            new PageWaitForFunctionOptions { PollingInterval = 25 });
        return await LivePageTests.StateAsync(page);
    }

    // Points reach the canvas, and never more than the pixels can use once lines are decimated (M4: four a column).
    private static void AssertDrawn(JsonElement state)
    {
        int drawn = state.GetProperty("drawn").GetInt32();
        long inView = (long)state.GetProperty("inView").GetDouble();
        int width = state.GetProperty("plotWidth").GetInt32();
        Assert.True(drawn > 0, "no points drawn");
        Assert.True(drawn <= 4 * width + 8 || drawn == inView, $"drew {drawn} points for {inView} in view on {width} pixels");
    }

    private static void AssertY(JsonElement state, double minLo, double minHi, double maxLo, double maxHi)
    {
        var (y0, y1) = LivePageTests.Range(state, "yRange");
        Assert.InRange(y0, minLo, minHi);
        Assert.InRange(y1, maxLo, maxHi);
    }
}
