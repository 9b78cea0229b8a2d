using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

/// <summary>Decimation on log axes against plain answers: columns and bins even in log10, hidden points counted.</summary>
public class LogAxisViewTests
{
    private const int Chunk = ColumnChunk.MaxCapacity;

    // A line whose x spans six decades (0.01 to 10^4), with the repeats, spikes and gaps of BruteForce.Line.
    private static (double[] Xs, double[] Ys) DecadesLine(int n, int seed, double nanRate)
    {
        var (xs, ys) = BruteForce.Line(n, seed, nanRate);
        double x0 = xs[0], span = xs[^1] - xs[0];
        var logXs = new double[n];
        for (int i = 0; i < n; i++) logXs[i] = Math.Pow(10, (xs[i] - x0) / span * 6 - 2);
        return (logXs, ys);
    }

    [Theory]
    [InlineData(3 * Chunk + 4_100, 3, 0.001, ColumnChunk.MaxShift)]
    [InlineData(5 * Chunk, 4, 0.2, ColumnChunk.MinShift)]
    [InlineData(1_000, 1, 0.0, ColumnChunk.MaxShift)]
    public void Decimated_line_on_a_log_x_axis_draws_the_same_log_columns_as_all_its_points(int n, int seed, double nanRate, int shift)
    {
        var (xs, ys) = DecadesLine(n, seed, nanRate);
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        foreach (int width in new[] { 1, 100, 997 })
        {
            foreach (var (a, b) in new[] { (0.01, 1e4), (0.001, 1e5), (0.1, 1.0), (3.0, 3.5), (200.0, 1e6) })
            {
                var v = new Viewport(a, b, 1, 10, width, 300, XLog: true);
                LineViewTests.AssertSameColumns(xs, ys, v, view, snap);
                Assert.Equal(0, view.NotShown);
            }
        }
    }

    [Fact]
    public void Log_columns_are_even_in_decades_so_each_decade_gets_the_same_share_of_the_width()
    {
        // One point per unit from 1 to 10^5: linear columns would give the first four decades 1 % of the width.
        int n = 100_000;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = i + 1; ys[i] = i % 2; }
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot(), new Viewport(1, 1e5, 0.5, 2, 500, 100, XLog: true), view);
        int inFirstDecade = 0;
        for (int i = 0; i < view.Count; i++)
        {
            if (view.Xs[i] < 10) inFirstDecade++;
        }
        // All 9 points of the first decade sit in its 100 columns and are sent as they are.
        Assert.Equal(9, inFirstDecade);
    }

    [Fact]
    public void A_line_on_a_log_x_axis_counts_its_points_at_or_below_zero_and_never_sends_them()
    {
        var xs = new double[] { -2, -1, 0, 0.5, 1, 2, 4, 8 };
        var ys = new double[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Line, BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot(), new Viewport(1, 4, 1, 10, 100, 100, XLog: true), view);
        Assert.Equal(3, view.NotShown);
        Assert.Equal(3, view.PointsInView);
        Assert.Equal([0.5, 1, 2, 4, 8], view.Xs.AsSpan(0, view.Count).ToArray());
    }

    [Theory]
    [InlineData(ColumnChunk.MaxShift, 400)]
    [InlineData(ColumnChunk.MinShift, 7)]
    public void A_line_on_a_log_y_axis_sends_points_at_or_below_zero_as_gaps_and_counts_them(int shift, int width)
    {
        int n = 2 * Chunk + 3_000;
        var xs = new double[n];
        var ys = new double[n];
        var rng = new Random(9);
        for (int i = 0; i < n; i++)
        {
            xs[i] = i;
            // Mostly positive, whole blocks below zero, and single points at exactly zero.
            ys[i] = (i / 5000) % 4 == 2 ? -1 - rng.NextDouble() : rng.Next(997) == 0 ? 0 : 0.01 + rng.NextDouble();
            if (rng.Next(500) == 0) ys[i] = double.NaN;
        }
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        foreach (var (a, b) in new[] { (0.0, n - 1.0), (9_000.0, 16_000.0), (10_500.0, 10_600.0) })
        {
            ViewBuilder.Build(SeriesKind.Line, snap, new Viewport(a, b, 0.01, 2, width, 100, YLog: true), view);
            long want = 0;
            for (int i = 0; i < n; i++)
            {
                if (xs[i] >= a && xs[i] <= b && ys[i] <= 0) want++;
            }
            Assert.Equal(want, view.NotShown);
            for (int i = 0; i < view.Count; i++)
            {
                double stored = ys[(int)view.Xs[i]];
                if (stored <= 0) Assert.True(double.IsNaN(view.Ys[i]), $"y {stored} at x {view.Xs[i]} was sent");
                else if (!double.IsNaN(stored)) Assert.Equal(stored, view.Ys[i]);
            }
        }
    }

    [Theory]
    [InlineData(true, false, ColumnChunk.MaxShift)]
    [InlineData(false, true, ColumnChunk.MaxShift)]
    [InlineData(true, true, ColumnChunk.MinShift)]
    public void Scatter_density_on_log_axes_bins_in_even_decades_and_counts_what_it_cannot_show(bool xLog, bool yLog, int shift)
    {
        var rng = new Random(4);
        int n = 3 * Chunk + 1_234;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Log-uniform over five decades, with a share at or below zero and some NaNs.
            xs[i] = rng.Next(20) == 0 ? -rng.NextDouble() : Math.Pow(10, rng.NextDouble() * 5 - 2);
            ys[i] = rng.Next(20) == 0 ? 0 : Math.Pow(10, rng.NextDouble() * 5 - 2);
            if (rng.Next(1000) == 0) ys[i] = double.NaN;
        }
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys, shift).Snapshot();
        var view = new SeriesView();
        foreach (var (a, b) in new[] { (0.01, 1000.0), (0.1, 10.0) })
        {
            var v = new Viewport(xLog ? a : -1, b, yLog ? a : -1, b, 333, 77, xLog, yLog);
            // A low point limit turns every one of these views into a density grid.
            ScatterDecimator.Build(snap, v, v.WidthPx, v.HeightPx, 1_000, view);
            Assert.Equal(ViewMode.Density, view.Mode);
            var want = BruteForce.Density(xs, ys, v);
            Assert.Equal(BruteForce.InView(xs, ys, v).Count, view.PointsInView);
            Assert.Equal(want, view.Density.AsSpan(0, want.Length).ToArray());
            long hidden = 0;
            for (int i = 0; i < n; i++)
            {
                if ((xLog && xs[i] <= 0) || (yLog && ys[i] <= 0 && xs[i] >= v.XMin && xs[i] <= v.XMax)) hidden++;
            }
            Assert.True(hidden > 0);
            Assert.Equal(hidden, view.NotShown);
        }
    }

    [Fact]
    public void Few_scatter_points_on_log_axes_are_sent_as_they_are_without_those_at_or_below_zero()
    {
        var xs = new double[] { -1, 0, 0.5, 2, 30, 400 };
        var ys = new double[] { 1, 1, 0, 2, 3, -4 };
        var view = new SeriesView();
        ViewBuilder.Build(SeriesKind.Scatter, BruteForce.Store(SeriesKind.Scatter, xs, ys).Snapshot(), new Viewport(0.1, 1000, 0.1, 10, 100, 100, true, true), view);
        Assert.Equal(ViewMode.Points, view.Mode);
        Assert.Equal([2.0, 30.0], view.Xs.AsSpan(0, view.Count).ToArray());
        Assert.Equal(4, view.NotShown);
    }

    [Fact]
    public void Building_a_log_view_again_into_the_same_view_allocates_nothing()
    {
        var (xs, ys) = DecadesLine(2 * Chunk, 5, 0.01);
        var line = BruteForce.Store(SeriesKind.Line, xs, ys).Snapshot();
        var cloud = BruteForce.Store(SeriesKind.Scatter, xs, xs).Snapshot();
        var lineView = new SeriesView();
        var cloudView = new SeriesView();
        var v = new Viewport(0.01, 1e4, 0.01, 1e4, 640, 480, true, true);
        ViewBuilder.Build(SeriesKind.Line, line, v, lineView);
        ViewBuilder.Build(SeriesKind.Scatter, cloud, v, cloudView);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            ViewBuilder.Build(SeriesKind.Line, line, v, lineView);
            ViewBuilder.Build(SeriesKind.Scatter, cloud, v, cloudView);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
