using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

public class ScatterViewTests
{
    private static (double[] Xs, double[] Ys) Cloud(int n, int seed, bool sortedByX)
    {
        var rng = new Random(seed);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = sortedByX ? i * 1e-3 : rng.NextDouble() * 100;
            ys[i] = rng.NextDouble() * 100;
            if (rng.Next(1000) == 0) xs[i] = double.NaN;
            if (rng.Next(1000) == 0) ys[i] = double.NaN;
        }
        return (xs, ys);
    }

    // A data value close to `target`, so a view edge falls exactly on points.
    private static double Near(double[] values, double target)
    {
        double best = values[0];
        foreach (double v in values)
            if (Math.Abs(v - target) < Math.Abs(best - target)) best = v;
        return best;
    }

    private static void AssertSamePoints(List<(double X, double Y)> want, SeriesView view)
    {
        Assert.Equal(ViewMode.Points, view.Mode);
        Assert.Equal(want.Count, view.Count);
        Assert.Equal(want.Count, view.PointsInView);
        var got = new List<(double X, double Y)>(view.Count);
        for (int i = 0; i < view.Count; i++) got.Add((view.Xs[i], view.Ys[i]));
        want.Sort();
        got.Sort();
        Assert.Equal(want, got);
    }

    private static void AssertSameDensity(double[] xs, double[] ys, Viewport v, SeriesView view)
    {
        Assert.Equal(ViewMode.Density, view.Mode);
        Assert.Equal((v.WidthPx, v.HeightPx), (view.DensityWidth, view.DensityHeight));
        var want = BruteForce.Density(xs, ys, v);
        Assert.Equal(BruteForce.InView(xs, ys, v).Count, view.PointsInView);
        long sum = 0;
        for (int i = 0; i < want.Length; i++) sum += view.Density[i];
        Assert.Equal(view.PointsInView, sum);
        Assert.Equal(want, view.Density.AsSpan(0, want.Length).ToArray());
    }

    [Theory]
    [InlineData(false, ColumnChunk.MaxShift)]
    [InlineData(true, ColumnChunk.MaxShift)]
    [InlineData(false, ColumnChunk.MinShift)]
    [InlineData(true, ColumnChunk.MinShift)]
    public void Too_many_points_in_view_become_a_density_grid_that_counts_each_once(bool sortedByX, int shift)
    {
        var (xs, ys) = Cloud(3 * ColumnChunk.MaxCapacity + 1_234, 3, sortedByX);
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        double xMax = sortedByX ? xs.Length * 1e-3 : 100;
        // Whole cloud; a part with edges exactly on points; one cutting through blocks.
        foreach (var v in new[]
        {
            new Viewport(0, xMax, 0, 100, 640, 480),
            new Viewport(Near(xs, xMax * 0.05), Near(xs, xMax * 0.9), Near(ys, 5), Near(ys, 97), 333, 77),
            new Viewport(xMax * 0.1, xMax * 0.95, 10, 90, 1, 1),
        })
        {
            ViewBuilder.Build(SeriesKind.Scatter, snap, v, view);
            AssertSameDensity(xs, ys, v, view);
        }
    }

    [Theory]
    [InlineData(false, ColumnChunk.MaxShift)]
    [InlineData(true, ColumnChunk.MaxShift)]
    [InlineData(false, ColumnChunk.MinShift)]
    [InlineData(true, ColumnChunk.MinShift)]
    public void Zooming_in_until_few_points_remain_sends_exactly_those_points(bool sortedByX, int shift)
    {
        var (xs, ys) = Cloud(3 * ColumnChunk.MaxCapacity + 1_234, 4, sortedByX);
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        double xMax = sortedByX ? xs.Length * 1e-3 : 100;
        var v = new Viewport(0, xMax, 0, 100, 800, 600);
        ViewBuilder.Build(SeriesKind.Scatter, snap, v, view);
        Assert.Equal(ViewMode.Density, view.Mode);
        while (BruteForce.InView(xs, ys, v).Count > ViewBuilder.ScatterPointLimit)
        {
            double cx = (v.XMin + v.XMax) / 2, hw = (v.XMax - v.XMin) / 2 * 0.8;
            v = v with { XMin = cx - hw, XMax = cx + hw };
        }
        ViewBuilder.Build(SeriesKind.Scatter, snap, v, view);
        AssertSamePoints(BruteForce.InView(xs, ys, v), view);
    }

    [Fact]
    public void The_limit_itself_is_still_sent_as_points_and_one_more_is_not()
    {
        int n = ViewBuilder.ScatterPointLimit + 1;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i; ys[i] = i % 10; }
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys).Snapshot();
        var view = new SeriesView();
        var limit = new Viewport(0, n - 2, 0, 10, 100, 100);
        ViewBuilder.Build(SeriesKind.Scatter, snap, limit, view);
        AssertSamePoints(BruteForce.InView(xs, ys, limit), view);
        var over = limit with { XMax = n - 1 };
        ViewBuilder.Build(SeriesKind.Scatter, snap, over, view);
        AssertSameDensity(xs, ys, over, view);
    }

    [Fact]
    public void NaN_points_are_never_in_view_even_inside_a_block_that_is()
    {
        int n = 2 * ColumnChunk.MaxCapacity;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i % 50; ys[i] = i % 70; }
        for (int i = 0; i < n; i += 97) xs[i] = double.NaN;
        for (int i = 0; i < n; i += 89) ys[i] = double.NaN;
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys).Snapshot();
        var view = new SeriesView();
        var all = new Viewport(-1, 50, -1, 70, 51, 71);
        ViewBuilder.Build(SeriesKind.Scatter, snap, all, view);
        AssertSameDensity(xs, ys, all, view);
        var few = new Viewport(10, 12, 20, 30, 10, 10);
        ViewBuilder.Build(SeriesKind.Scatter, snap, few, view);
        AssertSamePoints(BruteForce.InView(xs, ys, few), view);
    }

    [Fact]
    public void Views_outside_the_data_or_with_no_area_are_answered()
    {
        var (xs, ys) = Cloud(200_000, 8, false);
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys).Snapshot();
        var view = new SeriesView();
        foreach (var v in new[] { new Viewport(200, 300, 0, 100, 100, 100), new Viewport(50, 50, 0, 100, 100, 100), new Viewport(0, 100, 50, 50, 10, 10) })
        {
            ViewBuilder.Build(SeriesKind.Scatter, snap, v, view);
            AssertSamePoints(BruteForce.InView(xs, ys, v), view);
        }
        ViewBuilder.Build(SeriesKind.Scatter, BruteForce.Store(SeriesKind.Scatter, [], []).Snapshot(), new Viewport(0, 1, 0, 1, 10, 10), view);
        Assert.Equal((ViewMode.Points, 0, 0L), (view.Mode, view.Count, view.PointsInView));
    }

    [Fact]
    public void Building_density_again_into_the_same_view_allocates_nothing()
    {
        var (xs, ys) = Cloud(4 * ColumnChunk.MaxCapacity, 9, false);
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys).Snapshot();
        var view = new SeriesView();
        var dense = new Viewport(0, 100, 0, 100, 1000, 600);
        var sparse = new Viewport(0, 10, 0, 100, 1000, 600);
        ViewBuilder.Build(SeriesKind.Scatter, snap, dense, view);
        ViewBuilder.Build(SeriesKind.Scatter, snap, sparse, view);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            ViewBuilder.Build(SeriesKind.Scatter, snap, dense, view);
            ViewBuilder.Build(SeriesKind.Scatter, snap, sparse, view);
        }
        _ = ViewBuilder.Bounds(snap);
        _ = ViewBuilder.BoundsInX(snap, 10, 20);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
