using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>A recording whose batches are full (a busy machine writes them so) opens with every point.</summary>
public sealed class FullBatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-full-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(65_536)]
    [InlineData(4_096)]
    [InlineData(1_000)]
    public async Task A_recording_written_in_full_batches_opens_with_every_point_of_every_series(int blockRows)
    {
        var path = Path.Combine(_dir, "full.arrow");
        var store = new PlotStore();
        await using (var recorder = Recorder.Start(path, store, _ => { }, blockRows, maxBlocks: 100_000))
        {
            IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
            var producer = store.AddProducer("trainer", "stdin");
            store.Plot.DefinePlot([new(PlotProperties.Title, "a run")]);
            store.Plot.DefinePanel(1, [new(PlotProperties.Title, "loss")]);
            var temperature = store.Define(new SeriesDefinition(0, SeriesKind.Line, "temperature", "g-", 0, SeriesFlags.TimeX), producer);
            var loss = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "loss", "ro", 1), producer);
            var draft = store.Define(new SeriesDefinition(2, SeriesKind.Line, "draft", "k:"), producer);
            for (int at = 0; at < 150_000; at += 10_000)
            {
                sink.Append(temperature, Enumerable.Range(at, 10_000).Select(i => (double)i).ToArray(), new double[10_000]);
                if (at < 70_001) sink.Append(loss, Enumerable.Range(at, Math.Min(10_000, 70_001 - at)).Select(i => (double)i).ToArray(), new double[Math.Min(10_000, 70_001 - at)]);
            }
            sink.Append(draft, [1, 2, 3], [4, 5, 6]);
            var final = store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "final", "bs", 1), producer);
            sink.Append(final, [7, 8], [9, 10]);
        }
        var opened = new PlotStore();
        await using (var input = File.OpenRead(path)) RecordingLoader.Load(input, opened);
        Assert.Equal("temperature=150000;loss=70001;final=2", string.Join(";", opened.Series.Select(s => $"{s.Name}={s.Count}")));
    }

    [Fact]
    public async Task A_title_panel_or_producer_that_comes_after_many_batches_still_reaches_the_recording()
    {
        var path = Path.Combine(_dir, "late.arrow");
        var store = new PlotStore();
        await using (var recorder = Recorder.Start(path, store, _ => { }, blockRows: 100, maxBlocks: 100_000))
        {
            IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
            var first = store.AddProducer("first", "stdin");
            var a = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "a", "o"), first);
            // Many batches with the same definitions, written while nothing changes.
            for (int i = 0; i < 50; i++)
            {
                sink.Append(a, new double[100], new double[100]);
                await Http.WaitForAsync(() => recorder.Points == (i + 1) * 100L, "the recording wrote the batch");
            }
            store.Plot.DefinePlot([new(PlotProperties.Title, "renamed late")]);
            store.Plot.DefinePanel(1, [new(PlotProperties.Title, "late panel")]);
            var second = store.AddProducer("second", "stdin");
            var b = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "b", "o", 1), second);
            sink.Append(b, new double[100], new double[100]);
        }
        var opened = new PlotStore();
        await using (var input = File.OpenRead(path)) RecordingLoader.Load(input, opened);
        Assert.Equal("renamed late", opened.Plot.Title);
        Assert.Contains(opened.Plot.Panels, p => p.Title == "late panel");
        Assert.Equal(["first", "second"], opened.Producers);
        Assert.Equal("a=5000;b=100", string.Join(";", opened.Series.Select(s => $"{s.Name}={s.Count}")));
    }
}
