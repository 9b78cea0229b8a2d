using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using Xunit;
using static PlotPipe.Viewer.Tests.Derive.DeriveCheck;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>The derive sink over a real store: which series it makes, for whom, and what their points are.</summary>
public sealed class DeriveSinkTests
{
    private static DeriveSink Sink(PlotStore store, params string[] rules) =>
        new(store, DeriveRule.TryParseAll(rules, out var problem) ?? throw new InvalidOperationException(problem));

    private static (double[] X, double[] Y) Points(SeriesStore series)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        var snapshot = series.Snapshot();
        for (long i = 0; i < snapshot.Count; i++)
        {
            var chunk = snapshot.Chunks[(int)(i >> snapshot.Shift)];
            xs.Add(chunk.X((int)(i & snapshot.Mask)));
            ys.Add(chunk.Y((int)(i & snapshot.Mask)));
        }
        return ([.. xs], [.. ys]);
    }

    private static void AssertPoints(double[] xs, double[] ys, SeriesStore series)
    {
        var (x, y) = Points(series);
        Assert.Equal(xs, x);
        Assert.Equal(ys, y);
    }

    private static SeriesStore Named(PlotStore store, string name, string producer = "") =>
        store.Series.Single(s => s.Name == name && s.Producer == producer);

    [Fact]
    public void Each_producer_gets_its_own_derived_series_computed_from_its_own_points()
    {
        var store = new PlotStore();
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "double = loss * 2"));
        var train = store.AddProducer("train", "stdin");
        var eval = store.AddProducer("eval", "stdin");
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-", Panel: 3, Flags: SeriesFlags.TimeX), train);
        var b = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), eval);
        sink.Append(a, [1, 2], [10, 20]);
        sink.Append(b, [1, 2, 3], [5, 6, 7]);

        var fromTrain = Named(store, "double", "train");
        AssertPoints([1.0, 2], [20.0, 40], fromTrain);
        AssertPoints([1.0, 2, 3], [10.0, 12, 14], Named(store, "double", "eval"));
        Assert.True(fromTrain.Derived);
        Assert.Equal("loss * 2", fromTrain.Expression);
        Assert.Equal(3, fromTrain.Definition.Panel);
        Assert.Equal(SeriesFlags.TimeX, fromTrain.Definition.Flags);
        Assert.False(a.Derived);
    }

    [Fact]
    public void A_second_series_gives_the_value_it_last_received_and_none_before_its_first()
    {
        var store = new PlotStore();
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "power = volts * amps"));
        var volts = store.Define(new SeriesDefinition(0, SeriesKind.Line, "volts", "-"));
        sink.Append(volts, [0], [230]);
        // Defined after the rule's leading series has points: taken from its first value on.
        var amps = store.Define(new SeriesDefinition(1, SeriesKind.Line, "amps", "-"));
        sink.Append(amps, [0, 0.5], [1, 2]);
        sink.Append(volts, [1, 2], [240, 250]);
        sink.Append(amps, [2.5], [3]);
        sink.Append(volts, [3], [200]);

        AssertPoints([1.0, 2, 3], [480.0, 500, 600], Named(store, "power"));
    }

    [Fact]
    public void A_derived_series_may_read_another_and_rate_gives_one_point_fewer()
    {
        var store = new PlotStore();
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "speed = rate(distance)", "accel = rate(speed)"));
        var d = store.Define(new SeriesDefinition(0, SeriesKind.Line, "distance", "-"));
        sink.Append(d, [0, 1, 2, 4], [0, 1, 4, 16]);

        AssertPoints([1.0, 2, 4], [1.0, 3, 6], Named(store, "speed"));
        AssertPoints([2.0, 4], [2.0, 1.5], Named(store, "accel"));
    }

    [Fact]
    public void Derived_series_leave_with_their_producer()
    {
        var store = new PlotStore(maxEndedProducers: 0);
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "e = ema(loss, 0.5)"));
        var run = store.TryConnectProducer("run", "127.0.0.1:1", TimeSpan.Zero)!;
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), run);
        sink.Append(loss, [1, 2], [1, 2]);
        Assert.Equal(2, store.Series.Count);
        store.ProducerClosed(run);
        Assert.Empty(store.Series);
    }

    [Fact]
    public void Points_from_a_frame_are_derived_as_from_columns()
    {
        var store = new PlotStore();
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "m = max(y, 2)"));
        var y = store.Define(new SeriesDefinition(0, SeriesKind.Line, "y", "-"));
        double[] xs = [0, 1, 2, 3, 4], ys = [5, 1, 3, 2, 0];
        var written = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WritePoints(written, 0, xs, ys);
        var frame = new Frame(FrameType.Points, 0, new System.Buffers.ReadOnlySequence<byte>(written.WrittenMemory[ProtocolLimits.HeaderBytes..]), 0);
        sink.Append(y, frame);
        AssertPoints(xs, new double[] { 5, 5, 3, 3, 2 }, Named(store, "m"));
    }

    [Fact]
    public void Deriving_a_batch_allocates_nothing_once_its_series_exist()
    {
        using var store = new PlotStore();
        var sink = new TeeSink(StoreSink.Instance, Sink(store, "s = ema(loss, 0.9)", "w = max(loss, 100) - mean(loss, 10) * abs(rate(loss))"));
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"));
        var xs = new double[4096];
        var ys = new double[4096];
        int next = 0;
        void Batch()
        {
            for (int i = 0; i < xs.Length; i++, next++) (xs[i], ys[i]) = (next, Math.Sin(next));
            sink.Append(loss, xs, ys);
        }
        // The first batches make the derived series, their first chunks, and compile the code.
        Batch();
        Batch();
        Assert.True(store.ChunkShift >= 15, $"chunks of 2^{store.ChunkShift} points: the batches below would start new ones");
        AllocatesNothingPerBatch(Batch);
        Assert.Equal(14 * 4096, Named(store, "s").Count);
    }
}
