using System.Buffers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary><c>plotpipe view r.arrow</c>: a recording opens as the finished plot it was.</summary>
public sealed class OpenRecordingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-open-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Records a version 2 stream with a title, a second panel with labels and a log scale, a time series and a replaced series.</summary>
    internal static async Task<(JsonElement Series, JsonElement Plot)> RecordPlotAsync(string path, params string[] extra)
    {
        using var viewer = await ViewerProcess.StartAsync(["--record", path, .. extra]);
        var frames = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(frames, version: 2);
        FrameWriter.WriteHello(frames, "trainer", "");
        FrameWriter.WriteDefinePlot(frames, [new(PlotProperties.Title, "a run")]);
        FrameWriter.WriteDefinePanel(frames, 1, [new(PlotProperties.Title, "loss"), new(PlotProperties.YLabel, "nats"), new(PlotProperties.YScale, "log"), new(PlotProperties.LinkX, "false")]);
        FrameWriter.WriteDefineSeries(frames, 0, SeriesKind.Line, "temperature", "g-", 0, SeriesFlags.TimeX);
        FrameWriter.WriteDefineSeries(frames, 1, SeriesKind.Scatter, "loss", "ro", 1, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(frames, 2, SeriesKind.Line, "draft", "k:", 0, SeriesFlags.None);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        var a = new SentSeries("temperature", 0, 150_000);
        var b = new SentSeries("loss", 1, 70_001);
        for (int at = 0; at < a.Count; at += 10_000)
        {
            var (xs, ys) = a.Slice(at, Math.Min(10_000, a.Count - at));
            await viewer.PointsAsync(0, xs, ys);
            if (at < b.Count)
            {
                (xs, ys) = b.Slice(at, Math.Min(10_000, b.Count - at));
                await viewer.PointsAsync(1, xs, ys);
            }
        }
        await viewer.PointsAsync(2, new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 });
        // Series 2 redefined: its points go, as they did on the live page.
        frames.ResetWrittenCount();
        FrameWriter.WriteDefineSeries(frames, 2, SeriesKind.Scatter, "final", "bs", 1, SeriesFlags.None);
        FrameWriter.WritePoints(frames, 2, [7.0, 8.0], [9.0, 10.0]);
        FrameWriter.WriteFinish(frames);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        var series = await Http.GetJsonAsync(viewer, "api/series");
        var finished = await Http.GetJsonAsync(viewer, "api/status");
        // Only the replaced series' 3 points leave a plot this small: a count short of what was sent would be points lost.
        Assert.True(finished.GetProperty("evicted").GetInt64() == 3, $"evicted at the finish: {finished.GetRawText()}");
        Assert.True(Counts(series) == "temperature=150000;loss=70001;final=2", $"{Counts(series)} at the finish: {finished.GetRawText()}");
        long held = 0;
        foreach (var s in series.EnumerateArray()) held += s.GetProperty("count").GetInt64();
        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recording").GetProperty("points").GetInt64() == 150_000 + 70_001 + 3 + 2, "every point recorded");
        var plot = await Http.GetJsonAsync(viewer, "api/plot");
        // Stopped as a user would stop it: the recording ends with its end-of-stream marker.
        viewer.Signal(15);
        Assert.NotNull(await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        return (series, plot);
    }

    [Fact]
    public async Task Opened_recording_serves_the_same_series_counts_and_plot_definition()
    {
        var path = Path.Combine(_dir, "run.arrow");
        var (series, plot) = await RecordPlotAsync(path);

        using var opened = await CommandLineViewer.StartAsync(path);
        var status = await opened.WaitForStateAsync("finished");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.Equal(series.GetRawText(), (await opened.GetAsync("api/series")).GetRawText());
        Assert.Equal(plot.GetRawText(), (await opened.GetAsync("api/plot")).GetRawText());
        Assert.Contains("\"a run\"", plot.GetRawText());
        Assert.Contains("opened " + path + ": 220006 points", opened.Errors);
    }

    [Fact]
    public async Task Opened_recording_of_a_killed_viewer_holds_its_whole_batches_and_says_it_was_cut()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await RecordPlotAsync(path);
        // What a viewer killed mid-batch leaves: the last message cut short, and no end-of-stream marker.
        long whole = new FileInfo(path).Length;
        using (var file = File.OpenWrite(path)) file.SetLength(whole - 8 - 100);

        using var opened = await CommandLineViewer.StartAsync(path);
        var status = await opened.WaitForStateAsync("finished");
        Assert.Contains("mid-batch", status.GetProperty("error").GetString());
        Assert.InRange(status.GetProperty("points").GetInt64(), 1, 150_000 + 70_001 + 2 - 1);
    }

    [Fact]
    public async Task A_paused_recording_reads_0_points_per_second_at_once_not_the_rate_from_before_the_pause()
    {
        // 400 batches of 100 rows 3 ms apart: about 1.2 s of run, 12 s to play at a tenth of its speed.
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 400);
        using var viewer = await CommandLineViewer.StartAsync(path);
        await viewer.WaitForStateAsync("finished");
        // At its end, play starts again from the start.
        Assert.True((await viewer.PostAsync("api/timeline?speed=0.1&play=true")).GetProperty("playing").GetBoolean());
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("pointsPerSecond").GetDouble() > 0, "a rate while playing");

        var paused = await viewer.PostAsync("api/timeline?play=false");
        Assert.False(paused.GetProperty("playing").GetBoolean());
        Assert.True(paused.GetProperty("headSeconds").GetDouble() < paused.GetProperty("lengthSeconds").GetDouble(), "the replay ended before it was paused");
        // Still streaming (the head is mid-run), but nothing arrives while it stands.
        var status = await viewer.GetAsync("api/status");
        Assert.Equal(("streaming", 0.0), (status.GetProperty("state").GetString(), status.GetProperty("pointsPerSecond").GetDouble()));
        // A seek while paused brings points in at once: not an arrival rate either.
        double half = paused.GetProperty("lengthSeconds").GetDouble() / 2;
        await viewer.PostAsync($"api/timeline?seek={half.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.Equal(0, (await viewer.GetAsync("api/status")).GetProperty("pointsPerSecond").GetDouble());

        await viewer.PostAsync("api/timeline?play=true");
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("pointsPerSecond").GetDouble() > 0, "a rate once playing again");
    }

    [Fact]
    public async Task Arrow_stream_that_is_not_a_recording_is_refused_with_a_reason()
    {
        var path = Path.Combine(_dir, "other.arrow");
        await File.WriteAllBytesAsync(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x08, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        using var opened = await CommandLineViewer.StartAsync(path);
        var status = await opened.WaitForStateAsync("disconnected");
        Assert.StartsWith($"cannot open {path} as a recording", status.GetProperty("error").GetString());
    }

    private static string Counts(JsonElement series) =>
        string.Join(";", series.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}={s.GetProperty("count").GetInt64()}"));
}
