using System.Buffers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>The real viewer with <c>--record</c>, its file read by the npm apache-arrow package.</summary>
public sealed class RecordingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-record-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static async Task DefineAsync(ViewerProcess viewer, SentSeries[] series)
    {
        await viewer.HandshakeAsync();
        for (int i = 0; i < series.Length; i++)
            await viewer.DefineAsync(i, i % 2 == 1 ? SeriesKind.Scatter : SeriesKind.Line, series[i].Name, i % 2 == 1 ? "ro" : "b-");
    }

    // Sends the series interleaved, chunk by chunk, from point `from`; returns where it stopped.
    internal static async Task SendAsync(ViewerProcess viewer, SentSeries[] series, int chunk, int from = 0, int upTo = int.MaxValue)
    {
        for (int at = from; at < upTo; at += chunk)
        {
            bool any = false;
            for (int i = 0; i < series.Length; i++)
            {
                int n = Math.Min(chunk, Math.Min(series[i].Count, upTo) - at);
                if (n <= 0) continue;
                any = true;
                var (xs, ys) = series[i].Slice(at, n);
                await viewer.PointsAsync(i, xs, ys);
            }
            if (!any) return;
        }
    }

    internal static async Task<JsonElement> RecordingAsync(ViewerProcess viewer) =>
        (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recording");

    [Fact]
    public async Task Recording_holds_every_point_while_the_viewer_keeps_only_its_cap()
    {
        var path = Path.Combine(_dir, "r.arrow");
        double startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SentSeries[] sent = [new("a", 0, 500_000), new("b", 1, 300_000), new("c", 2, 200_000)];
        using var viewer = await ViewerProcess.StartAsync("--max-points", "65536", "--record", path);
        await DefineAsync(viewer, sent);
        await SendAsync(viewer, sent, 10_000);
        await viewer.FinishAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        await Http.WaitForAsync(async () => (await RecordingAsync(viewer)).GetProperty("points").GetInt64() == 1_000_000, "every point recorded");

        foreach (var row in (await Http.GetJsonAsync(viewer, "api/series")).EnumerateArray())
        {
            long kept = row.GetProperty("count").GetInt64();
            Assert.InRange(kept, 65_536, 65_536 + 65_536 / 4);
        }
        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(1_000_000, read.Rows);
        Assert.Equal(["series:Dictionary<Int32, Utf8>", "x:Float64", "y:Float64"], read.Columns);
        Assert.Equal("2", read.Schema.GetProperty("plotpipe.recording").GetString());
        // When the rows arrived, per batch in its metadata: within the test's run, in order.
        double endedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(read.FirstTime!.Value, startedMs - 1, endedMs + 1);
        Assert.InRange(read.LastTime!.Value, read.FirstTime.Value, endedMs + 1);
        foreach (var s in sent) Assert.Equal(s.Expected(s.Count), read.Series(s.Name));
    }

    [Fact]
    public async Task Viewer_killed_mid_stream_leaves_a_recording_readable_up_to_its_last_batch()
    {
        var path = Path.Combine(_dir, "killed.arrow");
        SentSeries[] sent = [new("a", 0, 4_000_000), new("b", 1, 4_000_000)];
        using var viewer = await ViewerProcess.StartAsync("--record", path);
        await DefineAsync(viewer, sent);
        int at = 0;
        long recorded = 0;
        while (recorded < 300_000)
        {
            Assert.True(at < 4_000_000, "the recording never reached 300,000 points");
            await SendAsync(viewer, sent, 5_000, at, at + 5_000);
            at += 5_000;
            recorded = (await RecordingAsync(viewer)).GetProperty("points").GetInt64();
        }
        // Points in flight when it dies.
        await SendAsync(viewer, sent, 5_000, at, at + 20_000);
        viewer.Signal(9);
        Assert.NotNull(await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.InRange(read.Rows, recorded, 2L * (at + 20_000));
        long total = 0;
        foreach (var s in sent)
        {
            // Each series' recorded rows are exactly the first points it sent, however many got in.
            var got = read.Series(s.Name);
            Assert.Equal(s.Expected(got.Count), got);
            total += got.Count;
        }
        Assert.Equal(read.Rows, total);
    }

    [Fact]
    public async Task Write_error_stops_the_recording_alone_and_the_status_says_why()
    {
        SentSeries[] sent = [new("a", 0, 100_000)];
        using var viewer = await ViewerProcess.StartAsync("--record", "/dev/full");
        await DefineAsync(viewer, sent);
        await SendAsync(viewer, sent, 10_000);
        await viewer.FinishAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recordError").ValueKind == JsonValueKind.String, "a record error");

        var status = await Http.GetJsonAsync(viewer, "api/status");
        Assert.Contains("No space left on device", status.GetProperty("recordError").GetString());
        Assert.False(status.GetProperty("recording").GetProperty("active").GetBoolean());
        // Nothing could be written, not even the schema: every point received is counted lost.
        Assert.Equal(100_000, status.GetProperty("recording").GetProperty("received").GetInt64());
        Assert.Equal(0, status.GetProperty("recording").GetProperty("points").GetInt64());
        Assert.Equal(100_000, status.GetProperty("recording").GetProperty("lost").GetInt64());
        Assert.Equal(100_000, status.GetProperty("points").GetInt64());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.False(viewer.HasExited);
    }

    [Fact]
    public async Task Recording_file_removed_mid_stream_stops_the_recording_and_the_display_goes_on()
    {
        var path = Path.Combine(_dir, "removed.arrow");
        SentSeries[] sent = [new("a", 0, 200_000)];
        using var viewer = await ViewerProcess.StartAsync("--record", path);
        await DefineAsync(viewer, sent);
        await SendAsync(viewer, sent, 10_000, 0, 100_000);
        await Http.WaitForAsync(async () => (await RecordingAsync(viewer)).GetProperty("points").GetInt64() == 100_000, "the first points recorded");
        File.Delete(path);
        await SendAsync(viewer, sent, 10_000, 100_000);
        await viewer.FinishAsync();
        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recordError").ValueKind == JsonValueKind.String, "a record error");

        var status = await Http.GetJsonAsync(viewer, "api/status");
        Assert.Contains("removed", status.GetProperty("recordError").GetString());
        await Http.WaitForStateAsync(viewer, "finished");
        status = await Http.GetJsonAsync(viewer, "api/status");
        Assert.Equal(200_000, status.GetProperty("points").GetInt64());
        // Once stopped, every point is counted: the batch that found the file gone was written, the rest lost.
        var recording = status.GetProperty("recording");
        Assert.Equal(200_000, recording.GetProperty("received").GetInt64());
        Assert.Equal(200_000, recording.GetProperty("points").GetInt64() + recording.GetProperty("lost").GetInt64());
        Assert.InRange(recording.GetProperty("points").GetInt64(), 100_000, 199_999);
    }

    [Fact]
    public async Task Text_input_is_recorded_too()
    {
        var path = Path.Combine(_dir, "text.arrow");
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--record", path);
        var text = new System.Text.StringBuilder("step,loss,accuracy\n");
        for (int i = 1; i <= 1000; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{1.0 / i},{i / 1000.0}\n");
        await viewer.WriteAsync(text.ToString());
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("recording").GetProperty("points").GetInt64() == 2000, "both columns recorded");

        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(2000, read.Rows);
        double sumLoss = 0, sumAccuracy = 0, sumX = 0;
        for (int i = 1; i <= 1000; i++)
        {
            sumX += i;
            sumLoss += 1.0 / i;
            sumAccuracy += i / 1000.0;
        }
        Assert.Equal((1000L, 1.0, 1.0, 1000.0, 0.001, sumX, sumLoss), read.Series("loss"));
        Assert.Equal((1000L, 1.0, 0.001, 1000.0, 1.0, sumX, sumAccuracy), read.Series("accuracy"));
    }
}
