using PlotPipe.Protocol;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public class MemoryBudgetTests
{
    // x counts up, y is random: x encodes to almost nothing and y stays plain, so every full chunk of every series
    // holds the same bytes, about half a filling one.
    private static void AppendRun(SeriesStore series, double from, int n)
    {
        var xs = new double[n];
        var ys = new double[n];
        var rng = new Random((int)from);
        for (int i = 0; i < n; i++)
        {
            xs[i] = from + i;
            ys[i] = rng.NextDouble();
        }
        series.Append(xs, ys);
    }

    // A store whose series seal their full chunks as they fill them. The sealer's thread would seal them some time
    // later, and until then a full chunk counts its plain bytes against the budget: which chunk goes first would depend
    // on that thread's timing.
    private static PlotStore SealingOnAppend(long maxMemoryBytes, long maxPointsPerSeries = 0)
    {
        var store = new PlotStore(maxPointsPerSeries: maxPointsPerSeries, maxMemoryBytes: maxMemoryBytes);
        store.Sealer.Dispose();
        return store;
    }

    [Fact]
    public void The_first_eviction_is_announced_once_and_not_before_any_point_is_evicted()
    {
        int shift = ColumnChunk.MinShift, chunk = 1 << shift;
        long budget = 10 * ColumnChunk.BytesFor(shift);
        var store = SealingOnAppend(4 * budget);
        int announced = 0;
        store.FirstEviction = () => announced++;
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        // Within the budget nothing is said; the chunk that needs room beyond it is.
        int run = 0;
        while (store.TotalEvicted == 0)
        {
            Assert.Equal(0, announced);
            AppendRun(a, run++ * chunk, chunk);
        }
        Assert.Equal(1, announced);
        for (int more = 0; more < 20; more++) AppendRun(a, run++ * chunk, chunk);
        Assert.True(store.TotalEvicted > chunk, $"{store.TotalEvicted} evicted");
        Assert.Equal(1, announced);
    }

    [Fact]
    public void A_store_at_its_memory_budget_evicts_the_oldest_chunks_over_all_series_and_counts_them()
    {
        int shift = ColumnChunk.MinShift, chunk = 1 << shift;
        long budget = 10 * ColumnChunk.BytesFor(shift);
        // Kept points take a quarter of the viewer's budget.
        var store = SealingOnAppend(4 * budget);
        Assert.Equal(budget, store.PointsMemoryBytes);
        // A budget this small makes the store pick the smallest chunk.
        Assert.Equal(shift, store.ChunkShift);
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        var b = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "b", "o"));
        var c = store.Define(new SeriesDefinition(2, SeriesKind.Line, "c", "-"));

        // a fills twelve chunks first, then b and c take turns: the budget of ten filling chunks (about twenty full
        // ones) must come out of a's oldest.
        AppendRun(a, 0, 12 * chunk);
        for (int round = 0; round < 8; round++)
        {
            AppendRun(b, round * chunk, chunk);
            AppendRun(c, round * chunk, chunk);
        }
        long sent = 12L * chunk + 16L * chunk;
        Assert.True(store.HeldBytes <= budget, $"held {store.HeldBytes} bytes over a budget of {budget}");
        Assert.Equal(sent, store.TotalPoints + store.TotalEvicted);
        Assert.True(a.Evicted > 0, "the oldest series lost nothing");
        Assert.Equal(0, b.Evicted + c.Evicted);
        // What a kept is its newest points, in order, up to the last one sent.
        var snap = a.Snapshot();
        Assert.Equal(12 * chunk - 1, snap.X(snap.Count - 1));
        Assert.Equal(12 * chunk - snap.Count, snap.X(0));
        for (long i = 1; i < snap.Count; i++) Assert.Equal(snap.X(i - 1) + 1, snap.X(i));

        // Once a is spent, the oldest chunk over all series is b's first (it arrived before c's first).
        AppendRun(c, 8 * chunk, (int)(a.Count / chunk + 1) * chunk);
        Assert.Equal(0, a.Count);
        Assert.Equal(chunk, b.Evicted);
        Assert.Equal(chunk, b.Snapshot().X(0));
        Assert.True(store.HeldBytes <= budget);
    }

    [Fact]
    public void A_flood_into_one_series_keeps_its_newest_points_within_the_budget()
    {
        int shift = ColumnChunk.MinShift, chunk = 1 << shift;
        long budget = 4 * ColumnChunk.BytesFor(shift);
        var store = SealingOnAppend(4 * budget);
        var s = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "flood", "o"));
        for (int i = 0; i < 100; i++) AppendRun(s, (double)i * chunk, chunk);
        // Full chunks hold about half what a filling one does: the budget of four filling chunks keeps about seven.
        Assert.InRange(s.Count, 5L * chunk, 8L * chunk);
        Assert.Equal(100L * chunk, s.Count + s.Evicted);
        Assert.InRange(store.HeldBytes, budget - ColumnChunk.BytesFor(shift), budget);
        Assert.Equal(store.HeldBytes, s.HeldBytes);
        Assert.Equal(100.0 * chunk - 1, s.Snapshot().X(s.Count - 1));
    }

    [Fact]
    public void Spare_chunks_of_a_capped_series_are_given_up_before_any_point_is()
    {
        int shift = ColumnChunk.MinShift, chunk = 1 << shift;
        var store = SealingOnAppend(4 * 8 * ColumnChunk.BytesFor(shift), maxPointsPerSeries: 4 * chunk);
        var capped = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "capped", "o"));
        // Evicted chunks wait a quarter second before reuse, so a fast capped series collects spares.
        for (int i = 0; i < 8; i++) AppendRun(capped, (double)i * chunk, chunk);
        long cappedEvicted = capped.Evicted;
        var other = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "other", "o"));
        AppendRun(other, 0, 2 * chunk);
        Assert.Equal(cappedEvicted, capped.Evicted);
        Assert.Equal(0, other.Evicted);
        Assert.True(store.HeldBytes <= store.PointsMemoryBytes);
    }

    [Fact]
    public void Redefining_an_id_replaces_its_series_so_forty_thousand_redefinitions_hold_one()
    {
        var store = new PlotStore(maxMemoryBytes: 64L << 20);
        for (int i = 0; i < 40_000; i++)
        {
            var s = store.Define(new SeriesDefinition(0, i % 2 == 0 ? SeriesKind.Line : SeriesKind.Scatter, $"name {i}", "-"));
            s.Append([i], [i]);
        }
        var only = Assert.Single(store.Series);
        Assert.Equal("name 39999", only.Name);
        Assert.Equal(0, only.Index);
        Assert.Equal(1, store.TotalPoints);
        // The replaced series' points count as evicted, so none vanish unseen.
        Assert.Equal(39_999, store.TotalEvicted);
        Assert.Equal(ColumnChunk.BytesFor(store.ChunkShift), store.HeldBytes);
    }

    [Fact]
    public void Redefining_an_id_under_its_own_name_and_kind_keeps_its_points()
    {
        var store = new PlotStore();
        var first = store.Define(new SeriesDefinition(3, SeriesKind.Line, "loss", "b-"));
        first.Append([1, 2], [3, 4]);
        var again = store.Define(new SeriesDefinition(3, SeriesKind.Line, "loss", "r-"));
        Assert.Same(first, again);
        Assert.Equal(2, store.TotalPoints);
    }

    [Fact]
    public void A_replaced_series_keeps_its_place_and_the_others_keep_theirs()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "-")).Append([1], [1]);
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "a2", "o"));
        Assert.Equal(["a2", "b"], store.Series.Select(s => s.Name));
        Assert.Equal(1, store.Find(1)!.Count);
        Assert.Equal("a2", store.Find(0)!.Name);
    }

    [Theory]
    [InlineData(0, 0, ColumnChunk.MaxShift)]
    [InlineData(1_000, 0, ColumnChunk.MinShift)]             // a small cap: the smallest chunk
    [InlineData(100_000, 0, 14)]                             // a chunk of at most a quarter of the cap
    [InlineData(1L << 20, 0, ColumnChunk.MaxShift)]
    [InlineData(0, 64L << 20, ColumnChunk.MinShift)]         // never below one group, even if 1,024 of them do not fit
    [InlineData(0, 1L << 30, 14)]                            // 1,024 series must fit in half the budget
    [InlineData(0, 8L << 30, ColumnChunk.MaxShift)]
    public void Chunks_are_sized_to_the_points_cap_and_the_memory_budget(long maxPoints, long maxMemory, int shift)
    {
        Assert.Equal(shift, PlotStore.ChunkShiftFor(maxPoints, maxMemory));
        if (maxMemory > 0 && shift > ColumnChunk.MinShift) Assert.True(ColumnChunk.BytesFor(shift) * 2 * ProtocolLimits.MaxSeries <= maxMemory);
    }

    [Fact]
    public void A_small_points_cap_holds_few_bytes_a_series()
    {
        // Sealed as they fill: with the sealer's thread, a full chunk sealed after the next one was made leaves its
        // plain x column waiting, counted, as a spare beside it, so the bytes held hung on that thread's timing.
        var store = SealingOnAppend(0, maxPointsPerSeries: 1_000);
        for (int id = 0; id < ProtocolLimits.MaxSeries; id++)
        {
            var s = store.Define(new SeriesDefinition(id, SeriesKind.Scatter, $"s{id}", "o"));
            AppendRun(s, 0, 5_000);
        }
        // At most the cap plus one 4,096-point chunk each, in two chunks of 4,096 points (67 KB each).
        Assert.All(store.Series, s => Assert.InRange(s.Count, 1_000, 1_000 + 4_096));
        long perSeries = store.HeldBytes / ProtocolLimits.MaxSeries;
        Assert.True(perSeries <= 2 * ColumnChunk.BytesFor(ColumnChunk.MinShift), $"{perSeries} bytes a series");
    }

    [Fact]
    public void The_default_budget_is_a_share_of_the_memory_the_runtime_may_use()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long budget = PlotStore.DefaultMaxMemoryBytes();
        Assert.True(available > 0);
        Assert.InRange(budget, Math.Min(128L << 20, available), Math.Max(128L << 20, available / 2));
    }

    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("2g", 2L << 30)]
    [InlineData("4096K", 4L << 20)]
    [InlineData("1048576", 1L << 20)]
    public void Memory_sizes_take_K_M_and_G(string text, long bytes)
    {
        Assert.True(ViewCommand.TryParseSize(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5M")]
    [InlineData("1.5G")]
    [InlineData("2T")]
    [InlineData("1K")]                    // under 1 MiB cannot hold one series' chunk
    [InlineData("99999999999999999G")]    // overflows
    public void Memory_sizes_that_are_not_sizes_are_refused(string text)
    {
        Assert.False(ViewCommand.TryParseSize(text, out _));
    }
}
