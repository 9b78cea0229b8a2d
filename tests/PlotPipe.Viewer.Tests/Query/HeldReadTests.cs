using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>
/// A query that reads for longer than an evicted chunk waits before the store fills it again (a picture of a huge
/// series): <see cref="PlotQuery.RunHeld"/> builds a view that met a refilled chunk again from the chunks still held.
/// </summary>
public sealed class HeldReadTests
{
    private static double F(double x) => x % 1000;

    [Fact]
    public void A_view_built_while_its_oldest_chunks_are_evicted_and_refilled_holds_only_points_the_snapshot_held()
    {
        var (store, series, firstX, lastX) = CappedCloud();
        long evictedBefore = series.Evicted;
        var query = new PlotQuery();
        query.RunHeld(Request(), store, StreamBeforeTheSecondSeries(store, series, lastX));

        long evictedDuring = series.Evicted - evictedBefore;
        Assert.True(evictedDuring > 0, "no chunk was evicted during the build");
        var view = query.Panel(0).ViewAt(1);
        for (int i = 0; i < view.Count; i++)
        {
            double x = view.Xs[i], y = view.Ys[i];
            Assert.True(x >= firstX + evictedDuring && x <= lastX && y == F(x), $"point {i} ({x}, {y}) is not one the snapshot held in a chunk still held");
        }
        // Every point of the chunks still held is there: no more was left out than had to be.
        Assert.Equal(lastX - (firstX + evictedDuring) + 1, view.PointsInView);
        Assert.Equal(view.PointsInView, view.Count);
    }

    [Fact]
    public void Without_the_held_read_the_same_build_shows_the_newer_points_of_a_refilled_chunk()
    {
        var (store, series, _, lastX) = CappedCloud();
        var query = new PlotQuery();
        query.Run(Request(), store, StreamBeforeTheSecondSeries(store, series, lastX));

        var view = query.Panel(0).ViewAt(1);
        bool torn = false;
        for (int i = 0; i < view.Count; i++) torn |= view.Xs[i] > lastX || view.Ys[i] != F(view.Xs[i]);
        Assert.True(torn, "the plain build read no newer point: this test's set-up no longer reaches a refilled chunk");
    }

    // Wide enough for every point streamed, old and new, so a newer point read from a refilled chunk is in view.
    private static ViewRequest Request() => new(-1, 1e7, -1, 1000, null, 400, 300);

    // Asked before each series' view is built: after the snapshot and before the second series is read, three chunks
    // of newer points arrive, so its oldest chunks are evicted and, with no wait before reuse, filled again.
    private static Func<bool> StreamBeforeTheSecondSeries(PlotStore store, SeriesStore series, double lastX)
    {
        int asked = 0;
        return () =>
        {
            if (asked++ == 1) Stream(series, (long)lastX + 1, 3 << store.ChunkShift);
            return false;
        };
    }

    // A first series to build before it (the pause comes between the two), then a capped scatter of x = 0, 1, 2...
    // and y = x mod 1000, with no wait before an evicted chunk is reused.
    private static (PlotStore Store, SeriesStore Series, double FirstX, double LastX) CappedCloud()
    {
        var store = new PlotStore(maxPointsPerSeries: 65_536);
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "first", "b.")).Append([0, 1], [0, 999]);
        var series = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "cloud", "r."));
        series.ReuseAfterTicks = 0;
        // A chunk at a time, each sealed before the next: a chunk waiting for the sealer is never refilled, so
        // evicted chunks would otherwise pile up and the newer points below would refill those, not the snapshot's.
        int chunk = 1 << store.ChunkShift;
        for (int from = 0; from < 200_000; from += chunk)
        {
            Stream(series, from, Math.Min(chunk, 200_000 - from));
            Assert.True(store.Sealer.WaitUntilIdle(TimeSpan.FromSeconds(30)), "the sealer did not finish");
        }
        var snap = series.Snapshot();
        return (store, series, snap.X(0), snap.X(snap.Count - 1));
    }

    private static void Stream(SeriesStore series, long from, int count)
    {
        var xs = new double[count];
        var ys = new double[count];
        for (int i = 0; i < count; i++)
        {
            xs[i] = from + i;
            ys[i] = F(xs[i]);
        }
        series.Append(xs, ys);
    }
}
