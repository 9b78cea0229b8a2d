using System.Buffers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>Markers travel in a recording: <c>--record</c> keeps them, an opened or replayed recording shows them again, and other Arrow readers still read the file.</summary>
public sealed class RecordedMarkersTests : IDisposable
{
    private const int Points = 100_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-markers-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Shown(JsonElement events, string? producer = null) => string.Join(";", events.EnumerateArray().Select(e =>
        $"{e.GetProperty("kind").GetString()} {e.GetProperty("x").GetDouble()}-{(e.GetProperty("x2").ValueKind == JsonValueKind.Number ? e.GetProperty("x2").GetDouble() : "")} {e.GetProperty("xKind").GetString()} {e.GetProperty("text").GetString()} {producer ?? e.GetProperty("producer").GetString()}"));

    private const string Expected = "mark 300- plain learning rate dropped trainer;span 600-700 plain evaluation trainer;mark 1700000000- time deploy trainer;mark 99999- plain done trainer";

    // Markers among the points, and one after the last point, which no batch of points carries.
    private async Task<string> RecordAsync()
    {
        var path = Path.Combine(_dir, "run.arrow");
        using var viewer = await ViewerProcess.StartAsync("--record", path);
        var frames = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(frames, version: 2);
        FrameWriter.WriteHello(frames, "trainer", "");
        FrameWriter.WriteDefineSeries(frames, 0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        var loss = new SentSeries("loss", 0, Points);
        for (int at = 0; at < Points; at += 10_000)
        {
            var (xs, ys) = loss.Slice(at, 10_000);
            await viewer.PointsAsync(0, xs, ys);
            if (at == 10_000)
            {
                frames.ResetWrittenCount();
                FrameWriter.WriteEvent(frames, EventKind.Mark, 300, 0, false, "learning rate dropped");
                FrameWriter.WriteEvent(frames, EventKind.Span, 600, 700, false, "evaluation");
                FrameWriter.WriteEvent(frames, EventKind.Mark, 1.7e9, 0, true, "deploy");
                await viewer.Input.WriteAsync(frames.WrittenMemory);
            }
        }
        // Every point written before "done" is sent, so it arrives in a later batch whatever the machine's pace.
        await viewer.Input.FlushAsync();
        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recording").GetProperty("points").GetInt64() == Points, "every point recorded");
        frames.ResetWrittenCount();
        FrameWriter.WriteEvent(frames, EventKind.Mark, Points - 1, 0, false, "done");
        FrameWriter.WriteFinish(frames);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        Assert.Equal(Expected, Shown(await Http.GetJsonAsync(viewer, "api/events")));
        Assert.Equal(4, (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("events").GetInt64());
        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recording").GetProperty("points").GetInt64() == Points, "every point recorded");
        viewer.Signal(15);
        Assert.NotNull(await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        return path;
    }

    [Fact]
    public async Task An_opened_recording_lists_the_markers_the_viewer_got_and_arrow_js_still_reads_its_points()
    {
        var path = await RecordAsync();

        using var opened = await CommandLineViewer.StartAsync(path);
        await opened.WaitForStateAsync("finished");
        Assert.Equal(Expected, Shown(await opened.GetAsync("api/events")));

        // The markers ride in batch metadata: the points table is what any Arrow reader knew.
        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(Points, read.Rows);
        Assert.Equal(["loss"], read.SeriesNames);
        Assert.Equal(3, read.Columns.Length);
    }

    [Fact]
    public async Task A_replayed_recording_adds_each_marker_once_when_its_head_reaches_it_and_again_after_seeking_back()
    {
        var path = await RecordAsync();
        var store = new PlotStore();
        await using var player = RecordingPlayer.Open(path, store);
        // At the start the head holds the first batch, with the markers that came with its points; "done" came last.
        await player.SeekAsync(0);
        long atStart = store.Events.Received;
        Assert.DoesNotContain(store.Events.Snapshot(), h => h.Event.Text == "done");
        await player.SeekAsync(player.LengthSeconds);
        Assert.Equal(["learning rate dropped", "evaluation", "deploy", "done"], store.Events.Snapshot().Select(h => h.Event.Text));
        Assert.Equal(new PlotEvent(EventKind.Span, 600, 700, false, "evaluation"), store.Events.Snapshot()[1].Event);
        Assert.Equal("trainer", store.Events.Snapshot()[1].Producer);
        // Back to the start and on to the end again: the same four, not eight.
        await player.SeekAsync(0);
        Assert.Equal(atStart, store.Events.Received);
        await player.SeekAsync(player.LengthSeconds);
        Assert.Equal([1L, 2, 3, 4], store.Events.Snapshot().Select(h => h.Seq));
    }

    [Fact]
    public async Task Replay_into_a_listening_viewer_sends_the_recorded_markers_after_their_points()
    {
        var path = await RecordAsync();
        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var (code, output, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "replay", path, "--speed", "max", "--to", $"127.0.0.1:{fresh.ProducerPort}"],
            environment: new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = fresh.Token });
        Assert.True(code == 0, errors);
        Assert.Contains($"Replayed {Points} points", output);
        await fresh.WaitForStateAsync("finished");
        // The replay is a producer of its own: the markers are the recording's, sent under its name.
        var events = await fresh.GetAsync("api/events");
        Assert.Equal(Expected, Shown(events, producer: "trainer"));
        Assert.All(events.EnumerateArray(), e => Assert.StartsWith("replay of", e.GetProperty("producer").GetString()));
    }
}
