using System.Buffers;
using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>Streams for the page's tests, written with the real protocol into a real viewer, and ways to read the page's state.</summary>
public static class BrowserFeed
{
    /// <summary>Writes frames straight into the viewer's standard input.</summary>
    public static async Task SendAsync(ViewerProcess viewer, Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>(1 << 16);
        write(w);
        await viewer.Input.WriteAsync(w.WrittenMemory);
        await viewer.Input.FlushAsync();
    }

    /// <summary>Opens a version 2 stream: handshake and Hello.</summary>
    public static Task OpenAsync(ViewerProcess viewer, string producer = "page-test") => SendAsync(viewer, w =>
    {
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, producer, "");
    });

    /// <summary>Points in frames the protocol allows.</summary>
    public static void Points(ArrayBufferWriter<byte> w, int id, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        const int PerFrame = ProtocolLimits.MaxPointsPerFrame / 4;
        for (int at = 0; at < xs.Length; at += PerFrame)
        {
            int n = Math.Min(PerFrame, xs.Length - at);
            FrameWriter.WritePoints(w, id, xs.Slice(at, n), ys.Slice(at, n));
        }
    }

    /// <summary>Columns of n points, x = x0 + i·step, y = f(x).</summary>
    public static (double[] Xs, double[] Ys) Columns(int n, double x0, double step, Func<double, double> f)
    {
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = x0 + i * step;
            ys[i] = f(xs[i]);
        }
        return (xs, ys);
    }

    /// <summary>Waits until <paramref name="predicate"/>, a JavaScript function of <c>window.plotpipe</c>, holds.</summary>
    public static async Task WaitAsync(IPage page, string predicate, object? arg = null)
    {
        try
        {
            await page.WaitForFunctionAsync(
                $"(arg) => window.plotpipe && ({predicate})(window.plotpipe, arg)",
                arg,
                new PageWaitForFunctionOptions { PollingInterval = 25 });
        }
        catch (TimeoutException e)
        {
            // The page's state says why far better than a bare timeout.
            var state = await page.EvaluateAsync<string>(
                "() => JSON.stringify(window.plotpipe, (k, v) => k === 'drawLog' || k === 'drawTimes' || k === 'series' ? undefined : v)");
            throw new TimeoutException($"waiting for {predicate} ({arg}): {e.Message}\nstate: {state}", e);
        }
    }

    /// <summary>The page's state as JSON (panels with their ranges and tick labels included).</summary>
    public static async Task<JsonElement> StateAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.plotpipe))");

    /// <summary>A [min, max] pair of the state.</summary>
    public static (double Min, double Max) Range(JsonElement e) => (e[0].GetDouble(), e[1].GetDouble());

    /// <summary>A panel's plot area on the page.</summary>
    public static async Task<LocatorBoundingBoxResult> PlotAreaAsync(IPage page, int panelId) =>
        await page.Locator($"section.panel[data-panel=\"{panelId}\"] .u-over").BoundingBoxAsync()
        ?? throw new InvalidOperationException($"no plot area for panel {panelId}");

    /// <summary>Drags across a panel's plot area from one share of its width to another, along its middle.</summary>
    public static async Task DragAcrossAsync(IPage page, int panelId, double fromShare, double toShare)
    {
        var box = await PlotAreaAsync(page, panelId);
        float row = (float)(box.Y + box.Height * 0.5);
        await page.Mouse.MoveAsync((float)(box.X + box.Width * fromShare), row);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(box.X + box.Width * toShare), row + 4, new() { Steps = 5 });
        await page.Mouse.UpAsync();
    }

    /// <summary>The repository's root, found upwards from the test's output folder (it holds web/package.json).</summary>
    public static string RepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "web", "package.json"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");
    }

    /// <summary>Asserts that an axis has tick labels and no two of them overlap (with <paramref name="minGapPx"/> between them).</summary>
    public static void AssertTicksApart(JsonElement ticks, bool horizontal, double minGapPx, string what)
    {
        var list = ticks.EnumerateArray().ToList();
        Assert.True(list.Count >= 1, $"{what}: no tick labels");
        for (int i = 1; i < list.Count; i++)
        {
            var a = list[i - 1];
            var b = list[i];
            double gap = horizontal
                ? (b.GetProperty("at").GetDouble() - b.GetProperty("width").GetDouble() / 2) - (a.GetProperty("at").GetDouble() + a.GetProperty("width").GetDouble() / 2)
                // Vertical: labels are a line (12 px) tall per line, centred on their tick; y grows downwards.
                : Math.Abs(b.GetProperty("at").GetDouble() - a.GetProperty("at").GetDouble()) - 12 * (a.GetProperty("lines").GetInt32() + b.GetProperty("lines").GetInt32()) / 2.0;
            Assert.True(gap >= minGapPx, $"{what}: \"{a.GetProperty("text")}\" and \"{b.GetProperty("text")}\" are {gap:F1} px apart");
        }
    }
}
