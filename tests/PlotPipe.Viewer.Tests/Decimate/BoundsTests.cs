using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

public class BoundsTests
{
    private static readonly (double, double)[] Ranges =
        [(double.NegativeInfinity, double.PositiveInfinity), (-1e9, -1e8), (1e8, 1e9), (0.3, 0.31), (-3, 4), (5, 2)];

    [Theory]
    [InlineData(0, ColumnChunk.MaxShift)]
    [InlineData(1, ColumnChunk.MaxShift)]
    [InlineData(255, ColumnChunk.MaxShift)]
    [InlineData(ColumnChunk.MaxCapacity + 300, ColumnChunk.MaxShift)]
    [InlineData(3 * ColumnChunk.MaxCapacity + 4_100, ColumnChunk.MaxShift)]
    [InlineData(255, ColumnChunk.MinShift)]
    [InlineData(ColumnChunk.MaxCapacity + 300, ColumnChunk.MinShift)]
    [InlineData(3 * ColumnChunk.MaxCapacity + 4_100, ColumnChunk.MinShift)]
    public void Line_bounds_match_every_point(int n, int shift)
    {
        var (xs, ys) = BruteForce.Line(n, n + 1, nanRate: 0.05);
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys, shift).Snapshot();
        Assert.Equal(BruteForce.Bounds(xs, ys), ViewBuilder.Bounds(snap));
        Assert.Equal(BruteForce.Bounds(xs, ys), ViewBuilder.BoundsFor(SeriesKind.Line, snap));
        var ranges = new List<(double, double)>(Ranges);
        if (n > 10) ranges.Add((xs[n / 3], xs[2 * n / 3]));
        foreach (var (lo, hi) in ranges)
        {
            var want = BruteForce.Bounds(xs, ys, lo, hi, all: false);
            Assert.Equal(want, ViewBuilder.BoundsInX(snap, lo, hi));
            Assert.Equal(want, ViewBuilder.BoundsInXFor(SeriesKind.Line, snap, lo, hi));
        }
    }

    [Theory]
    [InlineData(1, ColumnChunk.MaxShift)]
    [InlineData(ColumnChunk.MaxCapacity + 300, ColumnChunk.MaxShift)]
    [InlineData(3 * ColumnChunk.MaxCapacity + 4_100, ColumnChunk.MaxShift)]
    [InlineData(ColumnChunk.MaxCapacity + 300, ColumnChunk.MinShift)]
    [InlineData(3 * ColumnChunk.MaxCapacity + 4_100, ColumnChunk.MinShift)]
    public void Scatter_bounds_match_every_point(int n, int shift)
    {
        var rng = new Random(n);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = rng.Next(4) == 0 ? i * 1e-5 : rng.NextDouble() * 20 - 10;
            ys[i] = rng.NextDouble() * 20 - 10;
            if (rng.Next(300) == 0) xs[i] = double.NaN;
            if (rng.Next(300) == 0) ys[i] = double.NaN;
        }
        // A NaN x beside a y that would otherwise set the y range.
        if (n > 10) { xs[n / 2] = double.NaN; ys[n / 2] = 1e6; }
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys, shift).Snapshot();
        Assert.Equal(BruteForce.Bounds(xs, ys), ViewBuilder.Bounds(snap));
        Assert.Equal(BruteForce.Bounds(xs, ys), ViewBuilder.BoundsFor(SeriesKind.Scatter, snap));
        foreach (var (lo, hi) in new List<(double, double)>(Ranges) { (-10, 10), (0, 0.4) })
        {
            var want = BruteForce.Bounds(xs, ys, lo, hi, all: false);
            Assert.Equal(want, ViewBuilder.BoundsInX(snap, lo, hi));
            Assert.Equal(want, ViewBuilder.BoundsInXFor(SeriesKind.Scatter, snap, lo, hi));
        }
    }
}
