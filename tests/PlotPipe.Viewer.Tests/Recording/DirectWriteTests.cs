using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// Full batches written past the page cache (O_DIRECT) end on page boundaries, and the file reads back, in PlotPipe and
/// in npm apache-arrow, as the same recording written through the page cache.
/// </summary>
public sealed class DirectWriteTests : IDisposable
{
    private const int BlockRows = 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-direct-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_recording_written_past_the_page_cache_reads_back_as_the_one_written_through_it()
    {
        var (through, throughDirect) = await RecordAsync("through.arrow", direct: false);
        var (past, pastDirect) = await RecordAsync("past.arrow", direct: true);

        Assert.Equal(0, throughDirect);
        // The first full batch of each run of them starts where the schema or a partial batch ended, off a page
        // boundary: it goes through the page cache, padded to end on one, and the rest go past it. Ten full batches of
        // "a", then a partial one, then five full of "b": 9 + 4.
        if (DirectSupported()) Assert.Equal(13, pastDirect);

        var ours = Load(through);
        var theirs = Load(past);
        Assert.Equal(ours.Series.Select(s => s.Name), theirs.Series.Select(s => s.Name));
        for (int i = 0; i < ours.Series.Count; i++)
        {
            var (x, y) = StorePoints.Of(ours.Series[i]);
            var (px, py) = StorePoints.Of(theirs.Series[i]);
            Assert.Equal(x, px);
            Assert.Equal(y, py);
        }
        Assert.Equal(["before b", "after b"], theirs.Events.Snapshot().Select(e => e.Event.Text));

        var read = await ArrowJs.ReadAsync(past);
        Assert.Null(read.Error);
        Assert.Equal(10 * BlockRows + 100 + 5 * BlockRows, read.Rows);
        Assert.Equal(await ArrowJs.ReadAsync(through) is var plain ? plain.Series("b") : default, read.Series("b"));
        Assert.Equal(plain.Series("a"), read.Series("a"));
        Assert.Equal(2, read.Markers.Length);
    }

    [Fact]
    public async Task A_disk_that_takes_direct_writes_slower_than_the_page_cache_gets_the_rest_through_the_page_cache()
    {
        var path = Path.Combine(_dir, "slow.arrow");
        var store = new PlotStore();
        const int Blocks = 3 * Recorder.DirectWindow;
        // Every disk is slower than infinitely fast: after the first window of direct writes, the page cache takes the rest.
        await using (var recorder = Recorder.Start(path, store, _ => { }, BlockRows, maxBlocks: 100, slowDiskBytesPerSecond: double.PositiveInfinity))
        {
            var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-"));
            var (x, y) = Signal(0, Blocks * BlockRows);
            for (int i = 0; i < Blocks; i++) recorder.Add(a, x.AsSpan(i * BlockRows, BlockRows), y.AsSpan(i * BlockRows, BlockRows));
            await Http.WaitForAsync(() => recorder.Points == Blocks * BlockRows, "the recording wrote every point");
            if (DirectSupported())
            {
                Assert.Equal(Recorder.DirectWindow, recorder.DirectBatches);
                Assert.True(recorder.DirectGivenUp);
            }
        }
        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(Blocks * BlockRows, read.Rows);
        var (rx, ry) = StorePoints.Of(Assert.Single(Load(path).Series));
        var (sx, sy) = Signal(0, Blocks * BlockRows);
        Assert.Equal(sx, rx);
        Assert.Equal(sy, ry);
    }

    private async Task<(string Path, long DirectBatches)> RecordAsync(string name, bool direct)
    {
        var path = Path.Combine(_dir, name);
        var store = new PlotStore();
        long directBatches;
        await using (var recorder = Recorder.Start(path, store, _ => { }, BlockRows, maxBlocks: 100, direct: direct))
        {
            IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
            var producer = store.AddProducer("bench", "stdin");
            var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-"), producer);
            var (x, y) = Signal(0, 10 * BlockRows);
            sink.Append(a, x, y);
            (x, y) = Signal(10 * BlockRows, 100);
            sink.Append(a, x, y);
            // The 100 points wait for the flush, written as a batch of their own.
            await Http.WaitForAsync(() => recorder.Points == 10 * BlockRows + 100, "the recording wrote the partial batch");
            store.Events.Add(new PlotEvent(EventKind.Mark, 1, null, false, "before b"), "bench");
            var b = store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "r-"), producer);
            (x, y) = Signal(20 * BlockRows, 5 * BlockRows);
            sink.Append(b, x, y);
            store.Events.Add(new PlotEvent(EventKind.Mark, 2, null, false, "after b"), "bench");
            await Http.WaitForAsync(() => recorder.Points == 15 * BlockRows + 100, "the recording wrote every point");
            directBatches = recorder.DirectBatches;
        }
        return (path, directBatches);
    }

    // Values that differ in every bit of the double, so a misplaced or padded column reads back wrong.
    private static (double[] X, double[] Y) Signal(int from, int count)
    {
        var x = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = from + i;
            y[i] = Math.Sin((from + i) * 0.37) * 1e3 + 1.0 / (from + i + 3);
        }
        return (x, y);
    }

    private static PlotStore Load(string path)
    {
        var store = new PlotStore();
        using var input = File.OpenRead(path);
        RecordingLoader.Load(input, store);
        return store;
    }

    private bool DirectSupported()
    {
        var probe = Path.Combine(_dir, "probe");
        using var file = File.OpenHandle(probe, FileMode.Create, FileAccess.Write);
        using var direct = RecordTarget.OpenDirect(probe, file);
        return direct is not null;
    }
}
