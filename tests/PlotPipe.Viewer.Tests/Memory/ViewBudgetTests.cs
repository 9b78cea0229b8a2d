using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Memory;

/// <summary>The view budget in process: how --max-memory is split, how queries share the views' part and how a view too big for its share is built.</summary>
public sealed class ViewBudgetTests
{
    private const int Dense = 150_000;

    // Uniform points in the unit square.
    private static void Cloud(SeriesStore series, int n, int seed)
    {
        var rng = new Random(seed);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = rng.NextDouble();
            ys[i] = rng.NextDouble();
        }
        series.Append(xs, ys);
    }

    private static PlotStore DenseClouds(long maxMemoryBytes, int clouds, int points = Dense)
    {
        var store = new PlotStore(maxMemoryBytes: maxMemoryBytes);
        for (int id = 0; id < clouds; id++) Cloud(store.Define(new SeriesDefinition(id, SeriesKind.Scatter, $"cloud {id}", "o")), points, id);
        return store;
    }

    private static ViewRequest Square(int sidePx, int[]? hidden = null) =>
        new(0, 1, null, null, null, sidePx, sidePx, [new PanelRequest(0, sidePx, null, null, 0, 1)], hidden);

    private static byte[] Message(PlotQuery query)
    {
        var bytes = new byte[ViewMessage.MeasureBytes(query)];
        Assert.Equal(bytes.Length, ViewMessage.Write(bytes, query));
        return bytes;
    }

    [Theory]
    [InlineData(2L << 30)]
    [InlineData(96L << 20)]
    public void The_budget_is_split_a_quarter_for_points_a_quarter_for_views_and_half_left_to_the_runtime(long maxMemory)
    {
        var store = new PlotStore(maxMemoryBytes: maxMemory);
        Assert.Equal(maxMemory, store.MaxMemoryBytes);
        Assert.Equal(maxMemory / 4, store.PointsMemoryBytes);
        Assert.Equal(maxMemory / 4, store.ViewMemoryBytes);
        Assert.Equal(store.ViewMemoryBytes, ViewBudget.Of(store).TotalBytes);
    }

    [Fact]
    public void A_view_that_fits_its_budget_is_the_same_byte_for_byte_as_one_built_without_a_budget()
    {
        PlotStore Fill(long maxMemory)
        {
            var store = new PlotStore(maxMemoryBytes: maxMemory);
            var xs = Enumerable.Range(0, 100_000).Select(i => i * 0.01).ToArray();
            store.Define(new SeriesDefinition(0, SeriesKind.Line, "sine", "b-")).Append(xs, xs.Select(Math.Sin).ToArray());
            store.Define(new SeriesDefinition(1, SeriesKind.Line, "cosine", "r-")).Append(xs, xs.Select(Math.Cos).ToArray());
            Cloud(store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "few", "o")), 50_000, 2);
            Cloud(store.Define(new SeriesDefinition(3, SeriesKind.Scatter, "many", "o")), 200_000, 3);
            return store;
        }
        using var bounded = new PlotQuery();
        using var unbounded = new PlotQuery();
        var request = new ViewRequest(null, null, null, null, null, 1200, 600);
        bounded.Run(request, Fill(2L << 30));
        unbounded.Run(request, Fill(0));
        Assert.Equal(1, bounded.CellPx);
        Assert.Null(bounded.Limit);
        var view = Message(bounded);
        Assert.Equal(Message(unbounded), view);
        // The case it covers: lines thinned, a scatter's points, a scatter's density at the plot's own size.
        var panel = bounded.Panel(0);
        Assert.Equal([ViewMode.Points, ViewMode.Points, ViewMode.Points, ViewMode.Density], Enumerable.Range(0, 4).Select(k => panel.ViewAt(k).Mode));
        Assert.Equal((1200, 600), (panel.ViewAt(3).DensityWidth, panel.ViewAt(3).DensityHeight));
    }

    [Fact]
    public void A_view_over_its_budget_is_built_as_for_a_plot_so_many_times_smaller_and_keeps_within_it()
    {
        // 32 MiB for views; eight dense clouds at 2,048 × 2,048 would keep some 140 MB.
        var store = DenseClouds(128L << 20, 8);
        var budget = ViewBudget.Of(store);
        Assert.Equal(0, store.TotalEvicted);
        using var query = new PlotQuery();
        query.Run(Square(2048), store);
        int cellPx = query.CellPx;
        Assert.InRange(cellPx, 2, ViewShare.MaxCellPx);
        Assert.Equal($"coarse view (cells of {cellPx} × {cellPx} px): views have 32 MiB of memory", query.Limit);
        Assert.InRange(budget.HeldBytes, 1, budget.TotalBytes);

        var panel = query.Panel(0);
        Assert.Equal(8, panel.SeriesCount);
        var (w, h, limit) = ViewShare.Scaled(2048, 2048, cellPx);
        Assert.Equal((2048 + cellPx - 1) / cellPx, w);
        for (int k = 0; k < panel.SeriesCount; k++)
        {
            var view = panel.ViewAt(k);
            Assert.Equal(ViewMode.Density, view.Mode);
            Assert.Equal((w, h), (view.DensityWidth, view.DensityHeight));
            Assert.Equal(Dense, view.PointsInView);
            // The same grid a plot of w × h pixels gets: every point counted, cells of cellPx pixels.
            var alone = new SeriesView();
            ViewBuilder.Build(SeriesKind.Scatter, store.Series[panel.SeriesIndexAt(k)].Snapshot(), panel.Viewport with { WidthPx = w, HeightPx = h }, alone, limit);
            Assert.Equal(alone.Density.AsSpan(0, w * h).ToArray(), view.Density.AsSpan(0, w * h).ToArray());
        }
    }

    [Fact]
    public void Two_pages_share_the_views_memory_equally_and_a_closed_one_gives_its_part_back()
    {
        // 32 MiB for views: one page of five clouds at 1,024 × 1,024 fits whole (grids and points, some 28 MB), two do not.
        var store = DenseClouds(128L << 20, 5);
        var budget = ViewBudget.Of(store);
        int firstAsked = 0, secondAsked = 0;
        using var first = new PlotQuery(() => firstAsked++);
        first.Run(Square(1024), store);
        Assert.Equal(1, first.CellPx);

        var second = new PlotQuery(() => secondAsked++);
        second.Run(Square(1024), store);
        // The second page gets what is free at once; the first, over its part now, is asked to give some back.
        Assert.True(first.Rebuild);
        Assert.Equal(1, firstAsked);
        Assert.True(budget.HeldBytes <= budget.TotalBytes, $"{budget.HeldBytes} held of {budget.TotalBytes}");
        first.Run(Square(1024), store);
        Assert.InRange(first.CellPx, 2, ViewShare.MaxCellPx);
        Assert.Contains("shared with 1 other view", first.Limit);
        if (second.Rebuild) second.Run(Square(1024), store);
        Assert.False(first.Rebuild);
        Assert.False(second.Rebuild);
        Assert.Equal(first.CellPx, second.CellPx);
        Assert.True(budget.HeldBytes <= budget.TotalBytes, $"{budget.HeldBytes} held of {budget.TotalBytes}");

        // Closing the second page gives its part back: the first is asked to rebuild, and is whole again.
        second.Dispose();
        Assert.Equal(1, budget.ShareCount);
        Assert.True(first.Rebuild);
        first.Run(Square(1024), store);
        Assert.Equal(1, first.CellPx);
        Assert.Null(first.Limit);
        Assert.Equal(1024, first.Panel(0).ViewAt(0).DensityWidth);
    }

    [Fact]
    public void A_view_the_whole_budget_cannot_hold_even_at_the_coarsest_is_refused_with_a_reason_until_series_are_hidden()
    {
        // 1 MiB for views; sixty dense clouds at 2,048 × 2,048 need some 5 MB even with cells of 16 × 16 pixels.
        var store = DenseClouds(0, 60);
        var budget = new ViewBudget(1L << 20);
        using var query = new PlotQuery(budget: budget);
        query.Run(Square(2048), store);
        Assert.Equal(0, query.CellPx);
        Assert.Equal("no view: this one needs more than the 1 MiB views have, even with cells of 16 × 16 px; hide series or raise --max-memory", query.Limit);
        var panel = query.Panel(0);
        for (int k = 0; k < panel.SeriesCount; k++)
        {
            Assert.Equal((ViewMode.Points, 0, 0L), (panel.ViewAt(k).Mode, panel.ViewAt(k).Count, panel.ViewAt(k).PointsInView));
            Assert.Empty(panel.ViewAt(k).Density);
        }
        Assert.True(budget.HeldBytes < 256 << 10, $"a refused view still holds {budget.HeldBytes} bytes");

        // With all but four hidden, the rest fits, coarse.
        query.Run(Square(2048, hidden: [.. Enumerable.Range(4, 56)]), store);
        Assert.InRange(query.CellPx, 2, ViewShare.MaxCellPx);
        Assert.Equal(4, query.Panel(0).SeriesCount);
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(Dense, query.Panel(0).ViewAt(k).PointsInView));
        Assert.InRange(budget.HeldBytes, 1, budget.TotalBytes);
    }

    [Fact]
    public void A_page_opened_while_the_others_hold_the_views_memory_waits_with_a_reason_then_gets_its_part()
    {
        // 4 MiB for views, which the first page holds almost whole.
        var store = DenseClouds(0, 4);
        var budget = new ViewBudget(4L << 20);
        using var first = new PlotQuery(budget: budget);
        first.Run(Square(2048), store);
        Assert.InRange(first.CellPx, 2, ViewShare.MaxCellPx);
        // The second page's own buffers alone are more than what is free now.
        using var second = new PlotQuery(fixedBytes: budget.TotalBytes - budget.HeldBytes + 1, budget: budget);
        second.Run(Square(2048), store);
        Assert.Equal(0, second.CellPx);
        Assert.Equal("no view yet: views have 4 MiB of memory, shared with 1 other view; the other is giving some back", second.Limit);
        Assert.True(first.Rebuild);
        first.Run(Square(2048), store);
        Assert.True(second.Rebuild);
        second.Run(Square(2048), store);
        Assert.InRange(second.CellPx, 2, ViewShare.MaxCellPx);
        Assert.InRange(budget.HeldBytes, 1, budget.TotalBytes);
            }

    [Fact]
    public void A_coarse_view_asked_again_allocates_nothing()
    {
        var store = DenseClouds(128L << 20, 8);
        using var query = new PlotQuery();
        var request = Square(2048);
        query.Run(request, store);
        query.Run(request, store);
        Assert.InRange(query.CellPx, 2, ViewShare.MaxCellPx);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) query.Run(request, store);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_view_written_in_pieces_of_any_size_is_the_whole_message_byte_for_byte()
    {
        var store = new PlotStore();
        var xs = Enumerable.Range(0, 5_000).Select(i => (double)i).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "ramp", "b-")).Append(xs, xs.Select(x => x % 17).ToArray());
        Cloud(store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "few", "o")), 300, 1);
        // An odd number of cells: the grid is padded to a multiple of 8 bytes.
        Cloud(store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "many", "o")), 120_000, 2);
        using var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 301, 201), store);
        Assert.Equal(ViewMode.Density, query.Panel(0).ViewAt(2).Mode);
        var whole = Message(query);
        foreach (int piece in new[] { 1, 7, 8, 13, 40, 4096, 65_536, whole.Length })
        {
            var joined = new List<byte>(whole.Length);
            var buffer = new byte[piece];
            for (long at = 0; at < whole.Length;)
            {
                int n = ViewMessage.WritePart(buffer, at, query);
                Assert.Equal((int)Math.Min(piece, whole.Length - at), n);
                joined.AddRange(buffer.AsSpan(0, n).ToArray());
                at += n;
            }
            Assert.Equal(whole, joined.ToArray());
        }
    }
}
