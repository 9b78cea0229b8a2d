using System.Buffers;
using System.Text.Json;
using Xunit.Abstractions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Memory;

/// <summary>
/// The real viewer process under inputs that used to kill it or grow without bound: a flood past its heap limit,
/// endless redefinitions, a small points cap over many series. Each reads the viewer's own account
/// (<c>/api/status</c>) and the kernel's (peak resident memory).
/// </summary>
public class ViewerMemoryTests(ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<JsonElement> GetAsync(ViewerProcess viewer, string path)
    {
        // Keep the page address's query (it may carry an access token).
        var uri = new UriBuilder(viewer.Url) { Path = path }.Uri;
        using var response = await Http.GetAsync(uri);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    // Ingest runs behind the pipe: wait until every point sent is either held or counted as evicted.
    private static async Task<JsonElement> StatusOnceAllArrivedAsync(ViewerProcess viewer, long sent)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await GetAsync(viewer, "/api/status");
            long seen = status.GetProperty("points").GetInt64() + status.GetProperty("evicted").GetInt64();
            if (seen == sent) return status;
            Assert.True(seen < sent, $"the viewer accounts for {seen} points of {sent} sent");
            Assert.False(viewer.HasExited, $"the viewer exited: {viewer.Errors}");
            Assert.True(DateTime.UtcNow < deadline, $"only {seen} of {sent} points arrived: {status}");
            await Task.Delay(50);
        }
    }

    // The most memory the process has had resident, from the kernel.
    private static long PeakResidentBytes(ViewerProcess viewer)
    {
        foreach (var line in File.ReadLines($"/proc/{viewer.ProcessId}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException("no VmHWM line");
    }

    [Fact]
    public async Task Viewer_with_a_1_GiB_heap_evicts_and_counts_under_a_flood_instead_of_dying()
    {
        const long heapLimit = 1L << 30;
        using var viewer = await ViewerProcess.StartAsync(
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x40000000" });
        await viewer.HandshakeAsync();
        const int seriesCount = 4, framePoints = 1 << 18;
        var frames = new ArrayBufferWriter<byte>();
        var xs = new double[framePoints];
        var ys = new double[framePoints];
        var rng = new Random(7);
        for (int i = 0; i < framePoints; i++) { xs[i] = rng.NextDouble(); ys[i] = rng.NextDouble(); }
        for (int id = 0; id < seriesCount; id++) FrameWriter.WriteDefineSeries(frames, id, SeriesKind.Scatter, $"flood {id}", "o");
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        frames.ResetWrittenCount();
        for (int id = 0; id < seriesCount; id++) FrameWriter.WritePoints(frames, id, xs, ys);

        // 2.5 GiB of points, as fast as the viewer takes them: without a guard it died near 930 MB.
        const int rounds = 160;
        for (int round = 0; round < rounds; round++) await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();
        long sent = (long)rounds * seriesCount * framePoints;

        var status = await StatusOnceAllArrivedAsync(viewer, sent);
        long budget = status.GetProperty("maxMemoryBytes").GetInt64();
        long held = status.GetProperty("heldBytes").GetInt64();
        long points = status.GetProperty("points").GetInt64();
        Assert.InRange(budget, 64L << 20, heapLimit / 2);
        Assert.InRange(held, 1, budget);
        Assert.True(points * 16 <= budget, $"{points} points held in a budget of {budget} bytes");
        Assert.True(status.GetProperty("evicted").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        // Still up and answering, every series still there with its newest points.
        var series = await GetAsync(viewer, "/api/series");
        Assert.Equal(seriesCount, series.GetArrayLength());
        Assert.False(viewer.HasExited, viewer.Errors);
        output.WriteLine($"flood: {sent} points sent, {points} held in {held} bytes of a {budget}-byte budget, " +
            $"{status.GetProperty("evicted").GetInt64()} evicted, peak resident {PeakResidentBytes(viewer) >> 20} MiB");
    }

    [Fact]
    public async Task Forty_thousand_redefinitions_of_one_id_leave_one_series_in_bounded_memory()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        const int redefinitions = 40_000;
        var frames = new ArrayBufferWriter<byte>();
        for (int i = 0; i < redefinitions; i++)
        {
            FrameWriter.WriteDefineSeries(frames, 0, SeriesKind.Line, $"series {i}", "-");
            FrameWriter.WritePoints(frames, 0, [i], [i]);
        }
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();

        var status = await StatusOnceAllArrivedAsync(viewer, redefinitions);
        Assert.Equal(1, status.GetProperty("points").GetInt64());
        Assert.Equal(redefinitions - 1, status.GetProperty("evicted").GetInt64());
        // One series holding one chunk: at most 1 MiB of columns.
        Assert.InRange(status.GetProperty("heldBytes").GetInt64(), 1, ColumnChunk.BytesFor(ColumnChunk.MaxShift));
        var series = await GetAsync(viewer, "/api/series");
        Assert.Equal(1, series.GetArrayLength());
        Assert.Equal($"series {redefinitions - 1}", series[0].GetProperty("name").GetString());
        // Before, 40,000 redefinitions held 40,000 series in 6.2 GB. The viewer itself idles near 100 MB; every
        // replaced chunk is garbage the collector may keep a while, so the bound leaves it room, far below that.
        long peak = PeakResidentBytes(viewer);
        Assert.True(peak < 600L << 20, $"peak resident memory {peak >> 20} MiB");
        output.WriteLine($"redefinitions: {status.GetProperty("heldBytes").GetInt64()} bytes held, peak resident {peak >> 20} MiB");
    }

    [Fact]
    public async Task A_points_cap_of_1000_over_1024_series_holds_under_300_KB_a_series()
    {
        using var viewer = await ViewerProcess.StartAsync("--max-points", "1000");
        await viewer.HandshakeAsync();
        const int seriesCount = ProtocolLimits.MaxSeries, pointsPerRound = 5_000, rounds = 3;
        var frames = new ArrayBufferWriter<byte>();
        for (int id = 0; id < seriesCount; id++) FrameWriter.WriteDefineSeries(frames, id, SeriesKind.Scatter, $"s{id}", "o");
        var xs = new double[pointsPerRound];
        var ys = new double[pointsPerRound];
        for (int i = 0; i < pointsPerRound; i++) { xs[i] = i; ys[i] = -i; }
        for (int round = 0; round < rounds; round++)
            for (int id = 0; id < seriesCount; id++) FrameWriter.WritePoints(frames, id, xs, ys);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();

        long sent = (long)seriesCount * pointsPerRound * rounds;
        var status = await StatusOnceAllArrivedAsync(viewer, sent);
        long points = status.GetProperty("points").GetInt64();
        Assert.InRange(points, seriesCount * 1_000L, seriesCount * (1_000L + 4_096));
        // Chunks of 4,096 points (67 KB with summaries): two in use, and evicted ones waiting a moment for reuse.
        long perSeries = status.GetProperty("heldBytes").GetInt64() / seriesCount;
        Assert.True(perSeries <= 300_000, $"{perSeries} bytes a series");
        // Before, this cost 2.18 GB (a 65,536-point chunk each whatever the cap).
        long peak = PeakResidentBytes(viewer);
        Assert.True(peak < 700L << 20, $"peak resident memory {peak >> 20} MiB");
        output.WriteLine($"cap 1000 x 1024 series: {points} points, {perSeries} bytes a series, peak resident {peak >> 20} MiB");
    }

    [Fact]
    public async Task Max_memory_with_a_suffix_becomes_the_viewers_budget()
    {
        using var viewer = await ViewerProcess.StartAsync("--max-memory", "96M");
        var status = await GetAsync(viewer, "/api/status");
        Assert.Equal(96L << 20, status.GetProperty("maxMemoryBytes").GetInt64());
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("12K")]
    public async Task Max_memory_that_is_not_a_size_is_refused_by_name(string size)
    {
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"), "--no-browser", "--max-memory", size],
            AppContext.BaseDirectory, timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code);
        Assert.Contains($"--max-memory {size} is not a size", errors);
    }
}
