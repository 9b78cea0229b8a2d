using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Xunit.Abstractions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Recording;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Memory;

/// <summary>
/// What pages cost the real viewer process: dense scatter series viewed at a large size by several pages, each a real
/// WebSocket client speaking the page protocol, with the viewer's peak resident memory read from the kernel.
/// </summary>
[Collection(HeavyStreamCollection.Name)]
public class ViewMemoryTests(ITestOutputHelper output)
{
    /// <summary>Set to 1 to run the full-size case: 60 dense series at 2,048 × 2,048 on three pages under 2 GiB.</summary>
    public const string FullSizeVariable = "PLOTPIPE_FULL_VIEW_MEMORY";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A viewer's memory budget and the load its pages put on it.</summary>
    private sealed record Load(long MaxMemoryBytes, int Series, int PointsPerSeries, int Pages, int SidePx);

    // Without the guard this costs some 800 MB a page (grids, the message, the socket's copies): two pages pass 768 MiB.
    private static readonly Load Ci = new(768L << 20, 12, 150_000, 2, 2048);

    private static readonly Load Full = new(2L << 30, 60, 150_000, 3, 2048);

    [Fact]
    public async Task Dense_scatters_on_several_large_pages_keep_the_viewer_inside_max_memory()
    {
        var load = Environment.GetEnvironmentVariable(FullSizeVariable) == "1" ? Full : Ci;
        await RunAsync(load);
    }

    private async Task RunAsync(Load load)
    {
        using var viewer = await ViewerProcess.StartAsync("--max-memory", (load.MaxMemoryBytes >> 20).ToString(CultureInfo.InvariantCulture) + "M");
        await SendDenseScattersAsync(viewer, load.Series, load.PointsPerSeries);
        long before = PeakResidentBytes(viewer);

        var pages = new List<PageSocket>();
        try
        {
            for (int p = 0; p < load.Pages; p++)
            {
                var page = await PageSocket.ConnectAsync(viewer.Url, viewer.Token);
                pages.Add(page);
                await page.SendAsync(Request(load.SidePx, seq: 1, x: null));
                var view = await ReceiveFullViewAsync(page, load);
                output.WriteLine($"page {p + 1}: {Describe(view)}, viewer at {PeakResidentBytes(viewer) >> 20} MiB");
            }
            // Every page zooms in (still dense) and back out: the pages already open keep being served.
            for (int p = 0; p < pages.Count; p++)
            {
                await pages[p].SendAsync(Request(load.SidePx, seq: 2, x: [0.1, 0.9]));
                await ReceiveFullViewAsync(pages[p], load, zoomed: true);
                await pages[p].SendAsync(Request(load.SidePx, seq: 3, x: null));
                var view = await ReceiveFullViewAsync(pages[p], load);
                output.WriteLine($"page {p + 1} again: {Describe(view)}");
            }
            Assert.False(viewer.HasExited, viewer.Errors);
            long peak = PeakResidentBytes(viewer);
            output.WriteLine($"{load.Series} dense scatters x {load.PointsPerSeries:N0} points at {load.SidePx} x {load.SidePx} on {load.Pages} pages, " +
                $"--max-memory {load.MaxMemoryBytes >> 20} MiB: peak resident {before >> 20} MiB with the points, {peak >> 20} MiB with the pages");
            Assert.True(peak <= load.MaxMemoryBytes, $"peak resident memory {peak >> 20} MiB is over --max-memory {load.MaxMemoryBytes >> 20} MiB");
        }
        finally
        {
            foreach (var page in pages) page.Dispose();
        }
    }

    [Fact]
    public async Task A_flood_beside_large_pages_of_dense_scatters_keeps_the_viewer_inside_max_memory()
    {
        var load = Environment.GetEnvironmentVariable(FullSizeVariable) == "1" ? Full : Ci;
        using var viewer = await ViewerProcess.StartAsync("--max-memory", (load.MaxMemoryBytes >> 20).ToString(CultureInfo.InvariantCulture) + "M");
        await viewer.HandshakeAsync();
        const int framePoints = 1 << 16;
        var frames = new ArrayBufferWriter<byte>();
        var rng = new Random(7);
        var xs = new double[framePoints];
        var ys = new double[framePoints];
        for (int i = 0; i < framePoints; i++)
        {
            xs[i] = rng.NextDouble();
            ys[i] = rng.NextDouble();
        }
        for (int id = 0; id < load.Series; id++) FrameWriter.WriteDefineSeries(frames, id, SeriesKind.Scatter, $"flood {id}", "o");
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        frames.ResetWrittenCount();
        for (int id = 0; id < load.Series; id++) FrameWriter.WritePoints(frames, id, xs, ys);
        // Every series dense before the pages open.
        for (int round = 0; round < 3; round++) await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();

        using var stop = new CancellationTokenSource();
        var pages = new List<PageSocket>();
        var readers = new List<Task<int>>();
        try
        {
            for (int p = 0; p < load.Pages; p++)
            {
                var page = await PageSocket.ConnectAsync(viewer.Url, viewer.Token);
                pages.Add(page);
                await page.SendAsync(Request(load.SidePx, seq: 1, x: null));
                readers.Add(ReadViewsAsync(page, stop.Token));
            }
            // Twice the points the budget keeps, as fast as the viewer takes them, while the pages draw.
            long keeps = load.MaxMemoryBytes / 4 / 16;
            int rounds = (int)(2 * keeps / ((long)load.Series * framePoints)) + 1;
            for (int round = 0; round < rounds; round++) await viewer.Input.WriteAsync(frames.WrittenMemory);
            await viewer.Input.FlushAsync();
            long sent = (long)(rounds + 3) * load.Series * framePoints;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            JsonElement status;
            while (true)
            {
                status = await GetAsync(viewer, "/api/status");
                if (status.GetProperty("points").GetInt64() + status.GetProperty("evicted").GetInt64() == sent) break;
                Assert.False(viewer.HasExited, viewer.Errors);
                Assert.True(DateTime.UtcNow < deadline, $"not all points arrived: {status}");
                await Task.Delay(100);
            }
            await stop.CancelAsync();
            int views = 0;
            foreach (var reader in readers) views += await reader;
            Assert.True(views >= load.Pages, $"{views} views reached {load.Pages} pages");
            Assert.True(status.GetProperty("evicted").GetInt64() > 0);
            Assert.False(viewer.HasExited, viewer.Errors);
            long peak = PeakResidentBytes(viewer);
            output.WriteLine($"flood of {sent:N0} points into {load.Series} scatters beside {load.Pages} pages at {load.SidePx} x {load.SidePx} ({views} views), " +
                $"--max-memory {load.MaxMemoryBytes >> 20} MiB: {status.GetProperty("points").GetInt64():N0} points kept, peak resident {peak >> 20} MiB");
            Assert.True(peak <= load.MaxMemoryBytes, $"peak resident memory {peak >> 20} MiB is over --max-memory {load.MaxMemoryBytes >> 20} MiB");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var page in pages) page.Dispose();
        }
    }

    // Reads a page's messages until stopped, saying "drawn" after each view as the page does; returns the views read.
    private static async Task<int> ReadViewsAsync(PageSocket page, CancellationToken stop)
    {
        int views = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var (type, _) = await page.ReceiveAsync().WaitAsync(stop);
                if (type == WebSocketMessageType.Close) break;
                if (type != WebSocketMessageType.Binary) continue;
                views++;
                await page.SendAsync("""{"type":"drawn"}""");
            }
        }
        catch (OperationCanceledException)
        {
        }
        return views;
    }

    [Fact]
    public async Task A_page_that_shares_the_views_memory_is_told_and_sharpens_again_when_the_other_page_closes()
    {
        // 64 MiB for views: ten dense clouds at 1,024 × 1,024 fit one page whole (some 59 MB), not two.
        var load = new Load(256L << 20, 10, 150_000, 2, 1024);
        using var viewer = await ViewerProcess.StartAsync("--max-memory", "256M");
        await SendDenseScattersAsync(viewer, load.Series, load.PointsPerSeries);
        using var first = await PageSocket.ConnectAsync(viewer.Url, viewer.Token);
        await first.SendAsync(Request(load.SidePx, seq: 1, x: null));
        var (limits, view) = await ReceiveUntilViewAsync(first, load);
        Assert.Empty(limits);
        Assert.Equal(1024, view.Panels[0].Series[0].A);

        var second = await PageSocket.ConnectAsync(viewer.Url, viewer.Token);
        await second.SendAsync(Request(load.SidePx, seq: 1, x: null));
        await ReceiveUntilViewAsync(second, load);
        // The first page, asking nothing, is told its view is coarse now and gets one at that resolution.
        (limits, view) = await ReceiveUntilViewAsync(first, load, v => v.Panels[0].Series[0].A < 1024);
        var limit = Assert.Single(limits);
        int cellPx = limit.GetProperty("cellPx").GetInt32();
        Assert.InRange(cellPx, 2, 16);
        Assert.Equal((1024 + cellPx - 1) / cellPx, view.Panels[0].Series[0].A);
        Assert.StartsWith($"coarse view (cells of {cellPx} × {cellPx} px): views have 64 MiB of memory, shared with 1 other view", limit.GetProperty("reason").GetString());

        // The second page goes: the first is told, and gets its whole view back, still without asking.
        second.Dispose();
        (limits, view) = await ReceiveUntilViewAsync(first, load, v => v.Panels[0].Series[0].A == 1024);
        Assert.Equal(1, limits[^1].GetProperty("cellPx").GetInt32());
        Assert.Equal(JsonValueKind.Null, limits[^1].GetProperty("reason").ValueKind);
        Assert.False(viewer.HasExited, viewer.Errors);
    }

    // The limit messages and the first full view (every series a grid counting all its points) that satisfies
    // the condition, after the answer to the page's request.
    private static async Task<(List<JsonElement> Limits, DecodedView View)> ReceiveUntilViewAsync(PageSocket page, Load load, Func<DecodedView, bool>? done = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var limits = new List<JsonElement>();
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "no such view arrived in time");
            var (type, bytes) = await page.ReceiveAsync();
            Assert.NotEqual(WebSocketMessageType.Close, type);
            if (type == WebSocketMessageType.Text)
            {
                var message = JsonDocument.Parse(bytes).RootElement.Clone();
                if (message.GetProperty("type").GetString() == "limit") limits.Add(message);
                continue;
            }
            var view = DecodedView.Decode(bytes);
            var series = view.Panels[0].Series;
            if (series.Count != load.Series || series.Any(s => s.Mode != 1 || s.PointsInView != load.PointsPerSeries)) continue;
            if (done is null || done(view)) return (limits, view);
        }
    }

    private static string Request(int sidePx, long seq, double[]? x) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["type"] = "view",
        ["seq"] = seq,
        ["x"] = x,
        ["width"] = sidePx,
        ["panels"] = new[] { new Dictionary<string, object?> { ["id"] = 0, ["height"] = sidePx, ["y"] = new[] { 0.0, 1.0 } } },
    });

    // The view answering the page's latest request: every series there, each a density grid that counts every point in view.
    private static async Task<DecodedView> ReceiveFullViewAsync(PageSocket page, Load load, bool zoomed = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        bool answered = false;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "no full view arrived in time");
            var (type, bytes) = await page.ReceiveAsync();
            Assert.NotEqual(WebSocketMessageType.Close, type);
            if (type == WebSocketMessageType.Text)
            {
                using var doc = JsonDocument.Parse(bytes);
                if (doc.RootElement.GetProperty("type").GetString() == "answer") answered = true;
                continue;
            }
            if (!answered) continue;
            var view = DecodedView.Decode(bytes);
            var panel = Assert.Single(view.Panels);
            Assert.Equal(load.Series, panel.Series.Count);
            foreach (var s in panel.Series)
            {
                Assert.Equal(1u, s.Mode);
                Assert.InRange(s.A, 1, load.SidePx);
                Assert.InRange(s.B, 1, load.SidePx);
                long counted = 0;
                foreach (uint c in s.Density) counted += c;
                Assert.Equal(s.PointsInView, counted);
                if (zoomed) Assert.InRange(s.PointsInView, load.PointsPerSeries * 7 / 10, load.PointsPerSeries * 9 / 10);
                else Assert.Equal(load.PointsPerSeries, s.PointsInView);
            }
            return view;
        }
    }

    private static string Describe(DecodedView view)
    {
        var s = view.Panels[0].Series[0];
        return $"{view.Bytes >> 20} MiB, grids of {s.A} x {s.B}";
    }

    // Uniform points in the unit square, far more in view than a scatter sends as points.
    private static async Task SendDenseScattersAsync(ViewerProcess viewer, int series, int points)
    {
        await viewer.HandshakeAsync();
        var rng = new Random(11);
        var xs = new double[points];
        var ys = new double[points];
        for (int id = 0; id < series; id++)
        {
            await viewer.DefineAsync(id, SeriesKind.Scatter, $"cloud {id}", "o");
            for (int i = 0; i < points; i++)
            {
                xs[i] = rng.NextDouble();
                ys[i] = rng.NextDouble();
            }
            await viewer.PointsAsync(id, xs, ys);
        }
        long sent = (long)series * points;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await GetAsync(viewer, "/api/status");
            if (status.GetProperty("points").GetInt64() == sent) return;
            Assert.False(viewer.HasExited, viewer.Errors);
            Assert.True(DateTime.UtcNow < deadline, $"only {status.GetProperty("points").GetInt64()} of {sent} points arrived");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> GetAsync(ViewerProcess viewer, string path)
    {
        var uri = new UriBuilder(viewer.Url) { Path = path }.Uri;
        using var response = await Http.GetAsync(uri);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    // The most memory the process has had resident, from the kernel.
    private static long PeakResidentBytes(ViewerProcess viewer)
    {
        foreach (var line in File.ReadLines($"/proc/{viewer.ProcessId}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmHWM line");
    }
}
