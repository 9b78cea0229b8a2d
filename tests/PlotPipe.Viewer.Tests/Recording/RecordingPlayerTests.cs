using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>The viewer plays a recording: the store holds exactly what was received up to the play head.</summary>
public sealed class RecordingPlayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-player-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Seeking_holds_the_points_received_by_the_head_and_seeking_back_shows_the_prefix_again()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 20);
        var batches = TimedRecording.Batches(path);
        Assert.Equal(20, batches.Count);
        var store = new PlotStore();
        await using var player = RecordingPlayer.Open(path, store);
        Assert.Equal(batches[0].Micros, player.StartMicros);
        Assert.Equal(batches[^1].Micros, player.EndMicros);

        double middle = player.LengthSeconds / 2;
        long expected = TimedRecording.ReceivedBy(path, player.StartMicros + (long)Math.Round(middle * 1e6));
        Assert.InRange(expected, 100, 1_900);
        await player.SeekAsync(middle);
        Assert.Equal(expected, store.TotalPoints);
        Assert.Equal(expected, player.Report().Points);
        await player.SeekAsync(player.LengthSeconds);
        Assert.Equal(2_000, store.TotalPoints);
        Assert.Equal("signal=1000;marks=1000", string.Join(";", store.Series.Select(s => $"{s.Name}={s.Count}")));
        Assert.Equal(StreamState.Finished, store.State);
        await player.SeekAsync(middle);
        Assert.Equal(expected, store.TotalPoints);
        Assert.Equal(StreamState.Streaming, store.State);
        // The prefix holds the very points received first, not just as many.
        var signal = store.Series[0].Snapshot();
        Assert.Equal(0, signal.X(0));
        Assert.Equal(Math.Sin(99 / 40.0), signal.Y(99));
        await player.SeekAsync(0);
        Assert.Equal(100, store.TotalPoints);
        Assert.Equal(0, store.TotalEvicted);
    }

    [Fact]
    public async Task Playing_flat_out_from_the_start_ends_with_every_point_and_stops_at_the_end()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 10);
        var store = new PlotStore();
        await using var player = RecordingPlayer.Open(path, store);
        player.SetSpeed(double.PositiveInfinity);
        await player.PlayAsync();
        await player.Ended.WaitAsync(TimeSpan.FromSeconds(20));
        await Http.WaitForAsync(() => !player.Playing, "the player stopped at the end");
        Assert.Equal(1_000, store.TotalPoints);
        Assert.Equal(player.LengthSeconds, player.HeadSeconds);
    }

    [Fact]
    public async Task Seeking_back_over_a_series_a_later_definition_replaced_ends_with_the_plot_the_run_ended_with()
    {
        var path = Path.Combine(_dir, "replaced.arrow");
        var recording = new PlotStore();
        await using (var recorder = Recorder.Start(path, recording, _ => { }, blockRows: 100, maxBlocks: 100_000))
        {
            IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
            var producer = recording.AddProducer("trainer", "stdin");
            var a = recording.Define(new Protocol.SeriesDefinition(0, Protocol.SeriesKind.Line, "a", "-"), producer);
            var draft = recording.Define(new Protocol.SeriesDefinition(1, Protocol.SeriesKind.Line, "draft", "k:"), producer);
            sink.Append(a, Enumerable.Range(0, 500).Select(i => (double)i).ToArray(), new double[500]);
            sink.Append(draft, [1, 2, 3], [4, 5, 6]);
            var final = recording.Define(new Protocol.SeriesDefinition(1, Protocol.SeriesKind.Scatter, "final", "bs"), producer);
            sink.Append(final, [7, 8], [9, 10]);
        }
        var store = new PlotStore();
        await using var player = RecordingPlayer.Open(path, store);
        await player.SeekAsync(player.LengthSeconds);
        string Counts() => string.Join(";", store.Series.Select(s => $"{s.Name}={s.Count}"));
        Assert.Equal("a=500;final=2", Counts());
        long held = store.HeldBytes;
        for (int i = 0; i < 3; i++)
        {
            await player.SeekAsync(0);
            await player.SeekAsync(player.LengthSeconds);
            Assert.Equal("a=500;final=2", Counts());
            // Nothing read again lands in a series the plot no longer shows: the memory held stays the same.
            Assert.Equal(held, store.HeldBytes);
        }
    }

    [Fact]
    public async Task A_speed_under_a_tenth_or_a_seek_to_nowhere_is_refused_naming_the_value()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 2);
        await using var player = RecordingPlayer.Open(path, new PlotStore());
        Assert.Contains("0.05", Assert.Throws<ArgumentException>(() => player.SetSpeed(0.05)).Message);
        Assert.Contains("NaN", (await Assert.ThrowsAsync<ArgumentException>(() => player.SeekAsync(double.NaN))).Message);
    }
}
