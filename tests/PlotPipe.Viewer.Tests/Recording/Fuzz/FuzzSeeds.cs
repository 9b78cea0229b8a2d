using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Recording.Fuzz;

/// <summary>
/// Real recordings to damage: written by the viewer's own <see cref="Recorder"/> (and its <see cref="PointExport"/>)
/// from a plot with everything a recording can hold, in small batches so that a few kilobytes hold many messages.
/// </summary>
internal static class FuzzSeeds
{
    private static readonly Lazy<Task<IReadOnlyList<(string Name, byte[] Bytes)>>> Made = new(MakeAsync);

    /// <summary>The seeds, made once per test run.</summary>
    public static Task<IReadOnlyList<(string Name, byte[] Bytes)>> AllAsync() => Made.Value;

    private static async Task<IReadOnlyList<(string Name, byte[] Bytes)>> MakeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-fuzz-seeds-").FullName;
        try
        {
            var plot = await RecordAsync(Path.Combine(dir, "plot.arrow"), FillPlot);
            var tiny = await RecordAsync(Path.Combine(dir, "tiny.arrow"), (store, sink) =>
            {
                var s = store.Define(new SeriesDefinition(0, SeriesKind.Line, "y", "-"));
                sink.Append(s, [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]);
            });
            // Series defined, no point: the file is a schema alone.
            var empty = await RecordAsync(Path.Combine(dir, "empty.arrow"), (store, _) => store.Define(new SeriesDefinition(0, SeriesKind.Line, "y", "-")));
            // The export /api/export?format=arrow gives: the same format with time null.
            var opened = new PlotStore();
            RecordingLoader.Load(new MemoryStream(plot), opened);
            using var export = new MemoryStream();
            await PointExport.WriteArrowAsync(new PointExport.Request(opened.Series, double.NegativeInfinity, double.PositiveInfinity), opened, export, CancellationToken.None);
            return [("plot", plot), ("export", export.ToArray()), ("tiny", tiny), ("empty", empty)];
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<byte[]> RecordAsync(string path, Action<PlotStore, IPointSink> fill)
    {
        var store = new PlotStore();
        await using (var recorder = Recorder.Start(path, store, _ => { }, blockRows: 96, maxBlocks: 100_000))
        {
            fill(store, new TeeSink(StoreSink.Instance, recorder));
        }
        return await File.ReadAllBytesAsync(path);
    }

    // Two producers (one series name in both), a titled plot, a panel with labels and log scales, time on x, a
    // replaced series, a series of text input, and values at the edges of doubles; series defined as points come,
    // so the dictionary grows by deltas and the definitions change between batches.
    private static void FillPlot(PlotStore store, IPointSink sink)
    {
        var trainer = store.AddProducer("trainer", "127.0.0.1:50000")!;
        var probe = store.AddProducer("probe", "stdin")!;
        store.Plot.DefinePlot([new(PlotProperties.Title, "a run")]);
        store.Plot.DefinePanel(1, [new(PlotProperties.Title, "loss"), new(PlotProperties.YLabel, "nats"), new(PlotProperties.YScale, "log"), new(PlotProperties.LinkX, "false")]);
        store.Plot.DefinePanel(2, [new(PlotProperties.XLabel, "step"), new(PlotProperties.XScale, "log")]);
        var temperature = store.Define(new SeriesDefinition(0, SeriesKind.Line, "temperature", "g-", 0, SeriesFlags.TimeX), trainer);
        var loss = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "loss", "ro", 1), trainer);
        double[] edges = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, -double.MaxValue, double.Epsilon, -0.0, 0, 1e-300];
        for (int at = 0; at < 480; at += 48)
        {
            sink.Append(temperature, Column(48, i => 1.7e9 + at + i), Column(48, i => 20 + Math.Sin(at + i)));
            sink.Append(loss, Column(48, i => at + i), Column(48, i => i % 7 == 0 ? edges[(at + i) % edges.Length] : 1.0 / (1 + at + i)));
            if (at == 96)
            {
                var other = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b--", 2), probe);
                sink.Append(other, Column(200, i => i + 1), Column(200, i => -i));
                var text = store.Define(new SeriesDefinition(7, SeriesKind.Line, "text column", "-"));
                sink.Append(text, Column(50, i => i), Column(50, i => i * i));
            }
        }
        var draft = store.Define(new SeriesDefinition(2, SeriesKind.Line, "draft", "k:"), trainer);
        sink.Append(draft, [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]);
        var final = store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "final", "bs", 1), trainer);
        sink.Append(final, Column(40, i => i), Column(40, i => i));
    }

    private static double[] Column(int n, Func<int, double> value)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = value(i);
        return values;
    }
}
