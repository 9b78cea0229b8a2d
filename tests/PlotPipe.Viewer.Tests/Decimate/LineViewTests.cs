using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

public class LineViewTests
{
    private const int Chunk = ColumnChunk.MaxCapacity;

    /// <summary>
    /// The M4 promise: drawn into pixel columns, the decimated line and the full line give every column the same
    /// lowest, highest, first and last point and the same gaps; the output is a subsequence of the data that starts
    /// just before the view and ends just after it, and holds at most four points a column (six with gaps).
    /// </summary>
    internal static void AssertSameColumns(double[] xs, double[] ys, Viewport v, SeriesView? reuse = null, SeriesSnapshot? given = null)
    {
        var snap = given ?? BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        int n = (int)snap.Count;
        var view = reuse ?? new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, snap, v, view);
        int width = Math.Clamp(v.WidthPx, 1, ViewBuilder.MaxSidePx);
        Assert.Equal(ViewMode.Points, view.Mode);

        int lo = 0;
        while (lo < n && !(xs[lo] >= v.XMin)) lo++;
        int hi = lo;
        while (hi < n && xs[hi] <= v.XMax) hi++;
        Assert.Equal(hi - lo, view.PointsInView);

        var outX = view.Xs.AsSpan(0, view.Count).ToArray();
        var outY = view.Ys.AsSpan(0, view.Count).ToArray();

        // A subsequence of the data, in order.
        int at = 0;
        for (int j = 0; j < outX.Length; j++)
        {
            while (at < n && !(xs[at] == outX[j] && (ys[at] == outY[j] || double.IsNaN(ys[at]) && double.IsNaN(outY[j])))) at++;
            Assert.True(at < n, $"output point {j} ({outX[j]}, {outY[j]}) is not the next data point");
            at++;
        }

        if (hi > lo || lo > 0 || hi < n)
        {
            if (lo > 0 && (hi > lo || hi < n)) Assert.Equal(xs[lo - 1], outX[0]);
            if (hi < n && (hi > lo || lo > 0)) Assert.Equal(xs[hi], outX[^1]);
        }

        var want = BruteForce.Rasterise(xs, ys, n, v, width);
        var got = BruteForce.Rasterise(outX, outY, outX.Length, v, width);
        int gapColumns = 0;
        for (int c = 0; c < width; c++)
        {
            Assert.True(want[c].Min == got[c].Min, $"column {c}: lowest {got[c].Min}, want {want[c].Min}");
            Assert.True(want[c].Max == got[c].Max, $"column {c}: highest {got[c].Max}, want {want[c].Max}");
            Assert.True(want[c].First == got[c].First, $"column {c}: first {got[c].First}, want {want[c].First}");
            Assert.True(want[c].Last == got[c].Last, $"column {c}: last {got[c].Last}, want {want[c].Last}");
            Assert.True(want[c].HasGap == got[c].HasGap, $"column {c}: gap {got[c].HasGap}, want {want[c].HasGap}");
            Assert.True(want[c].GapBeforeFirst == got[c].GapBeforeFirst, $"column {c}: gap before first point");
            Assert.True(want[c].GapAfterLast == got[c].GapAfterLast, $"column {c}: gap after last point");
            if (want[c].HasGap) gapColumns++;
        }
        Assert.True(outX.Length <= 4 * width + 2 * gapColumns + 2, $"{outX.Length} points for {width} columns");
    }

    private static IEnumerable<Viewport> ViewsOver(double[] xs, int width)
    {
        double x0 = xs[0], x1 = xs[^1], span = Math.Max(x1 - x0, 1);
        yield return new Viewport(x0, x1, -1, 1, width, 300);
        yield return new Viewport(x0 - 0.3 * span, x0 + 0.5 * span, -1, 1, width, 300);
        yield return new Viewport(x0 + 0.5 * span, x1 + span, -1, 1, width, 300);
        yield return new Viewport(x0 + 0.37 * span, x0 + 0.38 * span, -1, 1, width, 300);
        yield return new Viewport(x1 + 1, x1 + 2, -1, 1, width, 300);
        yield return new Viewport(x0 - 2, x0 - 1, -1, 1, width, 300);
        yield return new Viewport(xs[xs.Length / 2], xs[xs.Length / 2], -1, 1, width, 300);
    }

    [Theory]
    [InlineData(1_000, 1, 0.0, ColumnChunk.MaxShift)]
    [InlineData(Chunk + 300, 2, 0.01, ColumnChunk.MaxShift)]          // two chunks, partial tail block
    [InlineData(3 * Chunk + 4_100, 3, 0.001, ColumnChunk.MaxShift)]    // whole chunks, whole groups, a partial group
    [InlineData(5 * Chunk, 4, 0.2, ColumnChunk.MaxShift)]              // many gaps, tail ends on a chunk edge
    [InlineData(1_000, 1, 0.0, ColumnChunk.MinShift)]                  // the smallest chunk: one group each
    [InlineData(Chunk + 300, 2, 0.01, ColumnChunk.MinShift)]
    [InlineData(3 * Chunk + 4_100, 3, 0.001, ColumnChunk.MinShift)]
    [InlineData(5 * Chunk, 4, 0.2, ColumnChunk.MinShift)]
    [InlineData(3 * Chunk + 4_100, 5, 0.01, 14)]
    public void Decimated_line_draws_the_same_pixel_columns_as_all_its_points(int n, int seed, double nanRate, int shift)
    {
        var (xs, ys) = BruteForce.Line(n, seed, nanRate);
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        foreach (int width in new[] { 1, 3, 100, 997 })
            foreach (var v in ViewsOver(xs, width))
                AssertSameColumns(xs, ys, v, view, snap);
    }

    [Fact]
    public void A_column_summary_cut_inside_blocks_takes_each_edge_block_s_extreme_only_where_it_lies_inside_the_column()
    {
        // Distinct random y and columns of one to a few blocks: an edge block's extreme often beats the column's inner
        // blocks, and lies inside the column or just outside it, by one point, as often as anywhere.
        int n = 2 * Chunk + 900;
        var xs = new double[n];
        var ys = new double[n];
        var random = new Random(17);
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = random.NextDouble(); }
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        var block = snap.Chunks[0].Blocks;
        for (int trial = 0; trial < 20_000; trial++)
        {
            int from = random.Next(n - 1), to = Math.Min(n, from + 1 + random.Next(trial % 3 == 0 ? 300 : 900));
            // Every third range ends or starts right beside an edge block's extreme.
            if (trial % 3 == 1 && from / 256 < block.Length) to = Math.Min(n, Math.Max(from + 1, block[from / 256].YMinAt + (trial % 2)));
            if (trial % 3 == 2 && to / 256 < block.Length && to < Chunk) from = Math.Min(to - 1, Math.Max(0, block[to / 256].YMaxAt + 1 - (trial % 2)));
            var sum = LineDecimator.Summarize(snap, from, to);
            long minAt = from, maxAt = from;
            for (int i = from; i < to; i++)
            {
                if (ys[i] < ys[minAt]) minAt = i;
                if (ys[i] > ys[maxAt]) maxAt = i;
            }
            Assert.Equal((minAt, maxAt), (sum.MinAt, sum.MaxAt));
        }
    }

    [Fact]
    public void A_column_summary_keeps_the_first_of_tied_extremes_and_every_gap_when_its_edges_cut_blocks()
    {
        // Few distinct y (as from an ADC), so a partial block at a range's edge often ties the inner extremes and
        // must win them when it comes first; a few gaps fall inside edge blocks.
        int n = 3 * Chunk + 700;
        var xs = new double[n];
        var ys = new double[n];
        var random = new Random(11);
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = random.Next(8); }
        foreach (int i in new[] { 300, 5_000, Chunk + 17, 2 * Chunk + 250 }) ys[i] = double.NaN;
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        for (int trial = 0; trial < 2_000; trial++)
        {
            int from = random.Next(n), to = Math.Min(n, from + 1 + random.Next(trial % 2 == 0 ? 3_000 : 100_000));
            var sum = LineDecimator.Summarize(snap, from, to);
            long minAt = -1, maxAt = -1, firstGap = -1, lastGap = -1;
            for (int i = from; i < to; i++)
            {
                if (double.IsNaN(ys[i])) { if (firstGap < 0) firstGap = i; lastGap = i; continue; }
                if (minAt < 0 || ys[i] < ys[minAt]) minAt = i;
                if (maxAt < 0 || ys[i] > ys[maxAt]) maxAt = i;
            }
            Assert.Equal((minAt, maxAt, firstGap, lastGap), (sum.MinAt, sum.MaxAt, sum.FirstGapAt, sum.LastGapAt));
            long first = from, last = to - 1;
            while (first < to && double.IsNaN(ys[first])) first++;
            while (last >= from && double.IsNaN(ys[last])) last--;
            Assert.Equal(first < to ? first : -1, LineDecimator.FirstNotNaN(snap, from, to));
            Assert.Equal(last >= from ? last : -1, LineDecimator.LastNotNaN(snap, from, to));
        }
    }

    [Theory]
    [InlineData("wandering steps")]
    [InlineData("drifting steps")]
    [InlineData("equal steps")]
    [InlineData("flat")]
    public void A_column_summary_over_decimal_blocks_of_every_order_finds_the_first_of_tied_extremes_at_its_edges(string shape)
    {
        // Decimal y of every order (steps, changes of step, equal steps, a flat line), blocks of steps read through
        // their checkpoints: wherever a range cuts its edge blocks, its extremes and the first of equal ones must be
        // what the doubles give.
        int n = 2 * Chunk + 700;
        var xs = new double[n];
        var ys = new double[n];
        var random = new Random(shape.Length);
        long k = 120_000, step = 7;
        for (int i = 0; i < n; i++)
        {
            xs[i] = i;
            switch (shape)
            {
                case "wandering steps": k += random.Next(-3, 4); break;
                case "drifting steps": k += step += random.Next(-2, 3); break;
                case "equal steps": k += 3; break;
                default: break;
            }
            ys[i] = k / 100.0;
        }
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        Assert.Null(snap.Chunks[0].PackedY?.Values);
        Assert.Equal(PlotPipe.Viewer.Store.Codecs.PackedColumn.Decimal, snap.Chunks[0].PackedY!.KindOf(3));
        for (int trial = 0; trial < 5_000; trial++)
        {
            // Ranges inside one block (an edge alone), and across a few blocks.
            int from = random.Next(n), to = Math.Min(n, from + 1 + random.Next(trial % 2 == 0 ? 256 : 3_000));
            var sum = LineDecimator.Summarize(snap, from, to);
            long minAt = from, maxAt = from;
            for (int i = from; i < to; i++)
            {
                if (ys[i] < ys[minAt]) minAt = i;
                if (ys[i] > ys[maxAt]) maxAt = i;
            }
            Assert.Equal((minAt, maxAt, ys[minAt], ys[maxAt], -1L), (sum.MinAt, sum.MaxAt, sum.Min, sum.Max, sum.FirstGapAt));
        }
    }

    [Fact]
    public void Decimated_line_sends_at_most_four_points_a_column_without_gaps()
    {
        var (xs, ys) = BruteForce.Line(2 * Chunk, 7, nanRate: 0);
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot(), new Viewport(xs[0], xs[^1], 0, 1, 500, 300), view);
        Assert.Equal(xs.Length, view.PointsInView);
        Assert.InRange(view.Count, 500, 4 * 500);
        AssertSameColumns(xs, ys, new Viewport(xs[0], xs[^1], 0, 1, 500, 300));
    }

    [Fact]
    public void Spikes_at_block_and_chunk_edges_survive()
    {
        int n = 2 * Chunk + 1_000;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = Math.Sin(i * 0.001); }
        foreach (int i in new[] { 0, 255, 256, 4095, 4096, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk - 1, n - 1 })
            ys[i] = i % 2 == 0 ? 1e6 + i : -1e6 - i;
        ys[12345] = double.PositiveInfinity;
        ys[54321] = double.NegativeInfinity;
        foreach (int width in new[] { 1, 2, 10, 640 })
            foreach (var v in ViewsOver(xs, width))
                AssertSameColumns(xs, ys, v);
    }

    [Fact]
    public void A_gap_breaks_the_line_where_it_falls_and_never_becomes_a_minimum()
    {
        int n = 3 * Chunk;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = i % 100; }
        // A gap that spans whole groups and blocks, single gaps at column edges, and a column ending in a gap.
        for (int i = 10_000; i < 30_000; i++) ys[i] = double.NaN;
        ys[Chunk] = double.NaN;
        ys[Chunk + 199] = double.NaN;
        ys[n - 1] = double.NaN;
        var v = new Viewport(0, n - 1, 0, 100, 200, 100);
        AssertSameColumns(xs, ys, v);

        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot(), v, view);
        var outY = view.Ys.AsSpan(0, view.Count);
        Assert.Contains(double.NaN, outY.ToArray());
        foreach (double y in outY) Assert.True(double.IsNaN(y) || y is >= 0 and < 100);
    }

    [Fact]
    public void Only_gaps_send_only_gap_markers()
    {
        int n = Chunk + 5_000;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = double.NaN; }
        foreach (int width in new[] { 1, 50 })
            foreach (var v in ViewsOver(xs, width))
                AssertSameColumns(xs, ys, v);
    }

    [Fact]
    public void Plateaus_repeated_x_and_all_equal_x_keep_their_columns()
    {
        int n = Chunk + 777;
        var xs = new double[n];
        var ys = new double[n];
        var rng = new Random(11);
        for (int i = 0; i < n; i++) { xs[i] = i / 1000; ys[i] = rng.Next(3) == 0 ? 5 : rng.NextDouble(); }
        foreach (int width in new[] { 1, 7, 300 })
            foreach (var v in ViewsOver(xs, width))
                AssertSameColumns(xs, ys, v);

        Array.Fill(xs, 3.5);
        foreach (var v in new[] { new Viewport(3.5, 3.5, 0, 1, 100, 10), new Viewport(0, 10, 0, 1, 100, 10), new Viewport(3.6, 10, 0, 1, 100, 10) })
            AssertSameColumns(xs, ys, v);
    }

    [Fact]
    public void Columns_holding_one_point_beside_crowded_columns_are_kept()
    {
        // Dense bursts with sparse single points between them, so M4 runs and many columns hold one point.
        var xs = new List<double>();
        var ys = new List<double>();
        var rng = new Random(5);
        double x = 0;
        for (int burst = 0; burst < 40; burst++)
        {
            for (int i = 0; i < 3_000; i++) { xs.Add(x); ys.Add(rng.NextDouble()); x += 1e-4; }
            for (int i = 0; i < 20; i++) { x += 1; xs.Add(x); ys.Add(rng.NextDouble() * 10); }
        }
        AssertSameColumns(xs.ToArray(), ys.ToArray(), new Viewport(0, x, 0, 1, 1000, 100));
    }

    [Fact]
    public void Empty_and_single_point_lines_are_answered()
    {
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, [], []).Snapshot(), new Viewport(0, 1, 0, 1, 100, 100), view);
        Assert.Equal(0, view.Count);
        Assert.Equal(0, view.PointsInView);

        double[] xs = [2.0], ys = [3.0];
        AssertSameColumns(xs, ys, new Viewport(0, 5, 0, 1, 100, 100));
        AssertSameColumns(xs, ys, new Viewport(2, 2, 0, 1, 100, 100));
        AssertSameColumns(xs, ys, new Viewport(3, 5, 0, 1, 100, 100)); // only the point before the view
        AssertSameColumns(xs, ys, new Viewport(0, 1, 0, 1, 100, 100)); // only the point after the view
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot(), new Viewport(3, 5, 0, 1, 100, 100), view);
        Assert.Equal(1, view.Count);
        Assert.Equal(0, view.PointsInView);
    }

    [Fact]
    public void The_y_range_does_not_clip_a_line()
    {
        var (xs, ys) = BruteForce.Line(50_000, 9, nanRate: 0);
        var view = new SeriesView();
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        ViewBuilder.Build(SeriesKind.Line, snap, new Viewport(xs[0], xs[^1], 1e9, 2e9, 100, 100), view);
        Assert.Equal(xs.Length, view.PointsInView);
        Assert.True(view.Count > 100);
    }

    [Fact]
    public void A_snapshot_ignores_points_appended_after_it()
    {
        var (xs, ys) = BruteForce.Line(2 * Chunk + 5_000, 13, nanRate: 0.01);
        var store = BruteForce.Store(SeriesKind.Line, xs[..(Chunk + 1_000)], ys[..(Chunk + 1_000)]);
        var snap = store.Snapshot();
        // Completes blocks and groups the snapshot saw partial; with wild y they would change the answer if read.
        var more = new double[xs.Length - (Chunk + 1_000)];
        Array.Fill(more, 1e12);
        store.Append(xs[(Chunk + 1_000)..], more);
        var seenX = xs[..(Chunk + 1_000)];
        var seenY = ys[..(Chunk + 1_000)];
        foreach (int width in new[] { 1, 100 })
            foreach (var v in ViewsOver(seenX, width))
                AssertSameColumns(seenX, seenY, v, given: snap);
        var b = ViewBuilder.BoundsFor(SeriesKind.Line, snap);
        Assert.Equal(BruteForce.Bounds(seenX, seenY), b);
    }

    [Fact]
    public void Building_again_into_the_same_view_allocates_nothing()
    {
        var (xs, ys) = BruteForce.Line(3 * Chunk, 17, nanRate: 0.001);
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        var view = new SeriesView();
        var v = new Viewport(xs[0], xs[^1], 0, 1, 1000, 400);
        ViewBuilder.Build(SeriesKind.Line, snap, v, view);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) ViewBuilder.Build(SeriesKind.Line, snap, v, view);
        _ = ViewBuilder.BoundsFor(SeriesKind.Line, snap);
        _ = ViewBuilder.BoundsInXFor(SeriesKind.Line, snap, xs[100], xs[^100]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
