using CsCheck;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

/// <summary>
/// A line view rebuilt for the same window while points stream in keeps the pixel columns new points cannot change:
/// what it sends must be, byte for byte, what a view built from nothing sends.
/// </summary>
public sealed class KeptColumnsTests
{
    // One streaming case: points appended in batches (some x repeated, some gaps), a window fixed in x, a plot width,
    // and a cap on the points kept (0: none), so the oldest chunks may be evicted under the window.
    private sealed record Case(int WidthPx, double XMin, double XMax, int[] Batches, ulong Seed, long MaxPoints, double GapShare);

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[2, 400], Gen.Double[0, 30_000], Gen.Double[10, 40_000], Gen.Int[1, 6000].Array[1, 12], Gen.ULong,
                Gen.Int[0, 2].Select(i => new[] { 0L, 3L * 4096, 5L * 4096 }[i]), Gen.Int[0, 2].Select(i => new[] { 0.0, 0.001, 0.05 }[i]))
            .Select((w, a, span, batches, seed, max, gaps) => new Case(w, a, a + span, batches, seed, max, gaps));

    [Fact]
    public void A_view_rebuilt_for_the_same_window_as_points_stream_in_is_byte_for_byte_a_view_built_from_nothing() =>
        Cases.Sample(c => KeptIsFresh(c, jump: 500, (_, _) => new Viewport(c.XMin, c.XMax, -10, 10, c.WidthPx, 100)), iter: 300);

    [Fact]
    public void A_following_view_moved_along_its_column_grid_is_byte_for_byte_a_view_built_from_nothing()
    {
        Cases.Sample(c =>
        {
            // The window's span: the case's, in x-units of a stream whose points come about 0.5 apart.
            double span = (c.XMax - c.XMin) / 8 + 1;
            KeptIsFresh(c, jump: 50, (newest, _) =>
            {
                var (min, max, perX) = ColumnGrid.Follow(newest, span, c.WidthPx)!.Value;
                return new Viewport(min, max, -10, 10, c.WidthPx, 100, ColumnsPerX: perX);
            });
        }, iter: 300);
    }

    [Fact]
    public void A_panned_view_on_the_last_one_s_column_grid_is_byte_for_byte_a_view_built_from_nothing()
    {
        Cases.Sample(c =>
        {
            double span = (c.XMax - c.XMin) / 8 + 1, left = c.XMin / 8;
            (double, double)? last = null;
            KeptIsFresh(c, jump: 50, (_, random) =>
            {
                // Panned either way by up to the window's width, now and then zoomed (a grid of its own).
                left += (random.NextDouble() - 0.5) * 2 * span;
                if (random.NextDouble() < 0.15) { span *= 0.5 + random.NextDouble(); last = null; }
                var (min, max, perX, phase) = ColumnGrid.Window(left, left + span, c.WidthPx, last)!.Value;
                last = (perX, phase);
                return new Viewport(min, max, -10, 10, c.WidthPx, 100, ColumnsPerX: perX, GridPhase: phase);
            });
        }, iter: 300);
    }

    // Streams the case's batches (mostly dense, sometimes a jump of up to `jump` over empty columns, sometimes the same
    // x again) and after each builds the window `next` gives (from the newest x) into one view kept from build to
    // build and into a fresh one: the two must be byte for byte the same, whatever columns the kept one copied.
    private static void KeptIsFresh(Case c, double jump, Func<double, Random, Viewport> next)
    {
        var store = new PlotStore(c.MaxPoints);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        var random = new Random((int)c.Seed);
        var kept = new SeriesView();
        double x = 0;
        foreach (int batch in c.Batches)
        {
            var xs = new double[batch];
            var ys = new double[batch];
            for (int i = 0; i < batch; i++)
            {
                double r = random.NextDouble();
                x += r < 0.05 ? 0 : r < 0.07 ? jump * random.NextDouble() : random.NextDouble();
                xs[i] = x;
                ys[i] = random.NextDouble() < c.GapShare ? double.NaN : Math.Round(random.NextDouble() * 8, random.Next(0, 3)) - 4;
            }
            series.Append(xs, ys);
            var snapshot = series.Snapshot();
            var viewport = next(x, random);
            if (viewport.ColumnsPerX > 0) Assert.True(ColumnGrid.TryStart(viewport, c.WidthPx, out _), "the window lies on its grid");
            ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, kept);
            var fresh = new SeriesView();
            ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, fresh);
            Assert.Equal(fresh.PointsInView, kept.PointsInView);
            Assert.Equal(fresh.Count, kept.Count);
            for (int i = 0; i < fresh.Count; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Xs[i]), BitConverter.DoubleToInt64Bits(kept.Xs[i]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh.Ys[i]), BitConverter.DoubleToInt64Bits(kept.Ys[i]));
            }
        }
    }

    [Theory]
    [InlineData(37)]
    [InlineData(-37)]
    public void A_panned_view_copies_the_columns_it_shares_with_the_last_one(int columns)
    {
        var (series, xs, ys) = Sine();
        series.Append(xs, ys);
        var first = ColumnGrid.Window(300.3, 600.3, 400, null)!.Value;
        // Panned by a little more than `columns` columns: the window moves onto the last one's grid.
        double by = (columns + 0.3) * 300 / 400.0;
        var panned = ColumnGrid.Window(300.3 + by, 600.3 + by, 400, (first.ColumnsPerX, first.Phase))!.Value;
        Assert.Equal(first.ColumnsPerX, panned.ColumnsPerX);
        Assert.Equal(columns * 300 / 400.0, panned.Min - first.Min, 1e-9);
        AssertMarkCopied(
            view => ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), new Viewport(first.Min, first.Max, -2, 2, 400, 100, ColumnsPerX: first.ColumnsPerX, GridPhase: first.Phase), view),
            view => ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), new Viewport(panned.Min, panned.Max, -2, 2, 400, 100, ColumnsPerX: panned.ColumnsPerX, GridPhase: panned.Phase), view));
    }

    [Fact]
    public void A_following_view_copies_the_columns_it_shares_with_the_last_one_moved_by_whole_columns()
    {
        var (series, xs, ys) = Sine();
        series.Append(xs.AsSpan(0, 60_000), ys.AsSpan(0, 60_000));
        var (min, max, perX) = ColumnGrid.Follow(xs[59_999], 300, 400)!.Value;
        AssertMarkCopied(
            view => ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), new Viewport(min, max, -2, 2, 400, 100, ColumnsPerX: perX), view),
            view =>
            {
                series.Append(xs.AsSpan(60_000, 5_000), ys.AsSpan(60_000, 5_000));
                var (min2, max2, perX2) = ColumnGrid.Follow(xs[64_999], 300, 400)!.Value;
                Assert.Equal(perX, perX2);
                Assert.True(min2 > min);
                ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), new Viewport(min2, max2, -2, 2, 400, 100, ColumnsPerX: perX2), view);
            });
    }

    // A series "a" and 10^5 points of a sine, 0.01 apart in x, to append.
    private static (SeriesStore Series, double[] Xs, double[] Ys) Sine()
    {
        var series = new PlotStore().Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        var xs = new double[100_000];
        var ys = new double[100_000];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i * 0.01;
            ys[i] = Math.Sin(i * 0.01);
        }
        return (series, xs, ys);
    }

    // Builds a view with `first`, marks a point of a column in the middle of its window (long complete), and builds
    // the view again with `next`: a column copied keeps the mark, a column read again would not.
    private static void AssertMarkCopied(Action<SeriesView> first, Action<SeriesView> next)
    {
        var view = new SeriesView();
        first(view);
        int marked = view.Count / 2;
        double markedX = view.Xs[marked];
        view.Ys[marked] = 1234.5;
        next(view);
        int at = Array.IndexOf(view.Xs, markedX, 0, view.Count);
        Assert.True(at > 0, "the marked column is still in the window");
        Assert.Equal(1234.5, view.Ys[at]);
    }

    [Fact]
    public void Columns_complete_before_new_points_are_copied_from_the_last_view_not_read_again()
    {
        var store = new PlotStore();
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        var xs = new double[100_000];
        var ys = new double[100_000];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i;
            ys[i] = Math.Sin(i * 0.01);
        }
        series.Append(xs.AsSpan(0, 60_000), ys.AsSpan(0, 60_000));
        // The window reaches past the newest point: the stream is still filling it.
        var viewport = new Viewport(1000, 99_000, -2, 2, 400, 100);
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), viewport, view);
        var before = view.Xs.AsSpan(0, view.Count).ToArray();
        // Mark a point of a column in the middle of the window, long complete: a copy keeps the mark, a rebuild would not.
        int marked = before.Length / 3;
        view.Ys[marked] = 1234.5;

        series.Append(xs.AsSpan(60_000), ys.AsSpan(60_000));
        ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), viewport, view);
        Assert.Equal(1234.5, view.Ys[marked]);
        Assert.Equal(before[marked], view.Xs[marked]);

        // Another window is built from nothing: the mark is gone.
        ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), viewport with { XMax = 99_001 }, view);
        var fresh = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, series.Snapshot(), viewport with { XMax = 99_001 }, fresh);
        Assert.Equal(fresh.Ys.AsSpan(0, fresh.Count).ToArray(), view.Ys.AsSpan(0, view.Count).ToArray());
    }
}
