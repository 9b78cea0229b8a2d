using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;
using Xunit;
using static PlotPipe.Viewer.Tests.Derive.DeriveCheck;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>
/// Rules added while the viewer runs (<see cref="DeriveSink.TryAdd"/>, the page's <c>POST /api/derived</c>) over a
/// real store: they start from the points held, go on with every point that arrives, and are refused with the
/// parser's reason; and what the sink keeps for a producer goes when the producer does.
/// </summary>
public sealed class DeriveAddTests
{
    private static DeriveSink Sink(PlotStore store) => new(store, [], StoreSink.Instance);

    private static double Noise(int i) => Math.Sin(i * 0.37) + 0.1 * Math.Cos(i * 3.1);

    [Fact]
    public void A_rule_added_later_derives_the_points_held_then_every_point_that_arrives()
    {
        using var store = new PlotStore();
        var sink = Sink(store);
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-", Panel: 2));
        var xs = Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray();
        var ys = xs.Select(x => Noise((int)x)).ToArray();
        sink.Append(loss, xs.AsSpan(0, 6000), ys.AsSpan(0, 6000));

        Assert.NotNull(sink.TryAdd("s = ema(loss, 0.9)", out var problem));
        Assert.Null(problem);
        var s = store.Series.Single(x => x.Name == "s");
        Assert.Equal(6000, s.Count);
        Assert.Equal(2, s.Definition.Panel);
        Assert.Equal("ema(loss, 0.9)", s.Expression);

        sink.Append(loss, xs.AsSpan(6000), ys.AsSpan(6000));
        var (sx, sy) = StorePoints.Of(s);
        Assert.Equal(xs, sx);
        Assert.Equal(Ema(ys, 0.9), sy);
    }

    [Fact]
    public async Task A_rule_added_while_points_arrive_derives_each_point_once()
    {
        using var store = new PlotStore();
        var sink = Sink(store);
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"));
        const int batches = 20_000;
        var sent = new List<double>();
        using var started = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            for (int b = 0; b < batches; b++)
            {
                double[] x = [b * 3, b * 3 + 1, b * 3 + 2];
                double[] y = [Noise(b * 3), Noise(b * 3 + 1), Noise(b * 3 + 2)];
                sink.Append(loss, x, y);
                sent.AddRange(y);
                if (b == 100) started.Set();
            }
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(60)));
        // Added while the writer appends: no point may be derived twice, nor missed.
        Assert.NotNull(sink.TryAdd("s = ema(loss, 0.5)", out _));
        await writer.WaitAsync(TimeSpan.FromSeconds(120));

        var (_, sy) = StorePoints.Of(store.Series.Single(x => x.Name == "s"));
        Assert.Equal(Ema(sent, 0.5), sy);
    }

    [Fact]
    public void A_rule_reading_two_series_pairs_the_held_points_by_x_then_holds_the_last_value()
    {
        using var store = new PlotStore();
        var sink = Sink(store);
        var volts = store.Define(new SeriesDefinition(0, SeriesKind.Line, "volts", "-"));
        var amps = store.Define(new SeriesDefinition(1, SeriesKind.Line, "amps", "-"));
        sink.Append(volts, [0, 1, 2, 3], [200, 210, 220, 230]);
        sink.Append(amps, [0.5, 2, 2.5], [1, 2, 3]);

        Assert.NotNull(sink.TryAdd("power = volts * amps", out _));
        // volts at 0 has no amps at or before it; at 1 the latest is 1 (x 0.5), at 2 it is 2 (x 2), at 3 it is 3.
        sink.Append(volts, [4], [240]);
        var (px, py) = StorePoints.Of(store.Series.Single(x => x.Name == "power"));
        Assert.Equal([1.0, 2, 3, 4], px);
        Assert.Equal([210.0, 440, 690, 720], py);
    }

    [Fact]
    public void Held_points_over_several_chunks_pair_each_leading_point_with_the_latest_other_value_at_or_before_its_x()
    {
        // Chunks of 8,192 points: both series span several, and none is evicted.
        using var store = new PlotStore(maxPointsPerSeries: 1 << 15);
        Assert.True(store.ChunkShift < 14, $"chunks of 2^{store.ChunkShift} points");
        var sink = Sink(store);
        var volts = store.Define(new SeriesDefinition(0, SeriesKind.Line, "volts", "-"));
        var amps = store.Define(new SeriesDefinition(1, SeriesKind.Line, "amps", "-"));
        var vx = Enumerable.Range(0, 20_000).Select(i => i * 1.0).ToArray();
        var vy = vx.Select(x => 200 + Noise((int)x)).ToArray();
        var ax = Enumerable.Range(0, 30_000).Select(j => 0.5 + j * 0.7).ToArray();
        var ay = ax.Select((_, j) => 1 + 0.5 * Noise(j + 7)).ToArray();
        sink.Append(volts, vx, vy);
        sink.Append(amps, ax, ay);

        Assert.NotNull(sink.TryAdd("power = volts * amps", out _));
        var expectedX = new List<double>();
        var expectedY = new List<double>();
        int a = -1;
        for (int i = 0; i < vx.Length; i++)
        {
            while (a + 1 < ax.Length && ax[a + 1] <= vx[i]) a++;
            if (a < 0) continue;
            expectedX.Add(vx[i]);
            expectedY.Add(vy[i] * ay[a]);
        }
        var (px, py) = StorePoints.Of(store.Series.Single(x => x.Name == "power"));
        Assert.Equal(expectedX, px);
        Assert.Equal(expectedY, py);
        // Then the last amps value received is held, as it would be live.
        sink.Append(volts, [1e6], [230]);
        Assert.Equal(230 * ay[^1], StorePoints.Of(store.Series.Single(x => x.Name == "power")).Y[^1]);
    }

    [Fact]
    public void Each_producer_gets_the_added_rule_over_its_own_points_and_a_later_producer_from_its_first()
    {
        using var store = new PlotStore();
        var sink = Sink(store);
        var train = store.AddProducer("train", "stdin");
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), train);
        sink.Append(a, [1, 2], [10, 20]);
        Assert.NotNull(sink.TryAdd("twice = loss * 2", out _));
        var eval = store.AddProducer("eval", "stdin");
        var b = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), eval);
        sink.Append(b, [1, 2, 3], [5, 6, 7]);

        Assert.Equal([20.0, 40], StorePoints.Of(store.Series.Single(s => s.Name == "twice" && s.Producer == "train")).Y);
        Assert.Equal([10.0, 12, 14], StorePoints.Of(store.Series.Single(s => s.Name == "twice" && s.Producer == "eval")).Y);
    }

    [Theory]
    [InlineData("s = ema(loss, 0.9", "at position 18: expected ) to close ema( but the expression ends")]
    [InlineData("s = smooth(loss)", "at position 5: unknown function smooth: use ema, mean, min, max, rate or abs")]
    [InlineData("loss = s * 2", "a series named loss exists already: choose another name")]
    [InlineData("s = rate(loss)", "a derived series named s is defined already (s = ema(loss, 0.9))")]
    [InlineData("a = ema(b, 0.5)", "a reads itself (through the derived series it reads), so it could never have a point")]
    public void A_bad_rule_is_refused_with_its_reason_and_changes_nothing(string rule, string reason)
    {
        using var store = new PlotStore();
        var sink = Sink(store);
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"));
        sink.Append(loss, [1, 2], [3, 4]);
        Assert.NotNull(sink.TryAdd("s = ema(loss, 0.9)", out _));
        Assert.NotNull(sink.TryAdd("b = rate(a)", out _));
        int series = store.Series.Count;

        Assert.Null(sink.TryAdd(rule, out var problem));
        Assert.Equal(reason, problem);
        Assert.Equal(2, sink.Rules.Count);
        Assert.Equal(series, store.Series.Count);
    }

    [Fact]
    public void Handing_a_batch_on_and_deriving_it_allocates_nothing_once_its_series_exist_and_after_a_rule_is_added()
    {
        using var store = new PlotStore();
        var sink = new DeriveSink(store, DeriveRule.TryParseAll(["s = ema(loss, 0.9)"], out _)!, StoreSink.Instance);
        var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"));
        var xs = new double[4096];
        var ys = new double[4096];
        int next = 0;
        void Batch()
        {
            for (int i = 0; i < xs.Length; i++, next++) (xs[i], ys[i]) = (next, Math.Sin(next));
            sink.Append(loss, xs, ys);
        }
        Batch();
        Assert.NotNull(sink.TryAdd("w = max(loss, 100) - mean(s, 10)", out _));
        // The first batches after the rule make its sources again, and compile the code.
        Batch();
        Batch();
        Assert.True(store.ChunkShift >= 15, $"chunks of 2^{store.ChunkShift} points: the batches below would start new ones");
        AllocatesNothingPerBatch(Batch);
        Assert.Equal(15 * 4096, store.Series.Single(x => x.Name == "w").Count);
        Assert.Equal(15 * 4096, loss.Count);
    }

    [Fact]
    public void What_is_kept_for_a_producer_goes_when_it_closes_and_its_derived_points_stay()
    {
        using var store = new PlotStore();
        var sink = new DeriveSink(store, DeriveRule.TryParseAll(["s = ema(loss, 0.9)", "r = rate(s)"], out _)!, StoreSink.Instance);
        const int runs = 40;
        for (int i = 0; i < runs; i++)
        {
            var producer = store.TryConnectProducer("run", $"127.0.0.1:{1000 + i}", TimeSpan.Zero)!;
            var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), producer);
            sink.Append(loss, [1, 2, 3], [i, i + 1, i + 2]);
            store.ProducerClosed(producer);
        }
        // The last producer's state goes when the next one arrives (or a rule is added).
        Assert.True(sink.RunsHeld <= 2, $"{sink.RunsHeld} producer states held after {runs} producers came and went");
        Assert.True(sink.ProducersHeld <= 1, $"{sink.ProducersHeld} producers held");
        Assert.NotNull(sink.TryAdd("m = max(loss, 2)", out _));
        Assert.Equal(0, sink.RunsHeld);
        // Every closed run is still listed, with its derived series and their points.
        var smoothed = store.Series.Where(s => s.Name == "s").ToList();
        Assert.Equal(runs, smoothed.Count);
        Assert.All(smoothed, s => Assert.Equal(3, s.Count));
        Assert.Equal(runs, store.Series.Count(s => s.Name == "m"));
    }
}
