using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>A page's series views built on two threads, and a build given up when its answer is no longer wanted.</summary>
public sealed class SeriesBuildWorkTests
{
    // Enough points that the query builds its series on two threads.
    private static PlotStore Store(int seriesCount, int pointsEach)
    {
        var store = new PlotStore();
        var xs = new double[pointsEach];
        var ys = new double[pointsEach];
        for (int s = 0; s < seriesCount; s++)
        {
            for (int i = 0; i < pointsEach; i++)
            {
                xs[i] = i * 0.001;
                ys[i] = s * 3 + Math.Sin(xs[i] * (0.7 + 0.1 * s)) + 0.2 * Math.Sin(i * 1.3);
            }
            store.Define(new SeriesDefinition(s, SeriesKind.Line, "s" + s, "-")).Append(xs, ys);
        }
        return store;
    }

    [Fact]
    public void A_large_view_built_on_two_threads_holds_the_same_points_as_one_built_series_by_series()
    {
        var store = Store(6, 400_000);
        Assert.True(6 * 400_000L >= SeriesBuildWork.ParallelFromPoints);
        using var query = new PlotQuery();
        var request = new ViewRequest(37.5, 311.25, null, null, null, 1280, 600);
        for (int round = 0; round < 3; round++)
        {
            query.Run(request, store);
            Assert.False(query.Abandoned);
            var panel = query.Panel(0);
            Assert.Equal(6, panel.SeriesCount);
            for (int k = 0; k < panel.SeriesCount; k++)
            {
                var built = panel.ViewAt(k);
                var alone = new SeriesView();
                ViewBuilder.Build(SeriesKind.Line, store.Series[panel.SeriesIndexAt(k)].Snapshot(), panel.Viewport, alone);
                Assert.True(alone.Count > 1000, $"series {k} has {alone.Count} points in view");
                Assert.Equal(alone.Count, built.Count);
                Assert.Equal(alone.PointsInView, built.PointsInView);
                Assert.Equal(alone.Xs.AsSpan(0, alone.Count).ToArray(), built.Xs.AsSpan(0, built.Count).ToArray());
                Assert.Equal(alone.Ys.AsSpan(0, alone.Count).ToArray(), built.Ys.AsSpan(0, built.Count).ToArray());
            }
        }
    }

    [Fact]
    public void A_build_whose_answer_is_no_longer_wanted_stops_between_series_and_says_so()
    {
        var store = Store(4, 300_000);
        using var query = new PlotQuery();
        var request = new ViewRequest(10, 200, null, null, null, 800, 400);
        int asked = 0;
        // Wanted for the first series only: the build gives up before the rest.
        query.Run(request, store, () => Interlocked.Increment(ref asked) > 1);
        Assert.True(query.Abandoned);
        Assert.True(asked >= 2, $"asked {asked} times");

        query.Run(request, store, () => false);
        Assert.False(query.Abandoned);
        var panel = query.Panel(0);
        for (int k = 0; k < panel.SeriesCount; k++) Assert.True(panel.ViewAt(k).Count > 1000, $"series {k} has {panel.ViewAt(k).Count} points after the full build");
    }

    [Fact]
    public void A_small_view_is_built_on_the_calling_thread_alone_and_allocates_nothing()
    {
        var store = Store(3, 100_000);
        using var query = new PlotQuery();
        var request = new ViewRequest(5, 50, null, null, null, 640, 300);
        Func<bool> wanted = () => false;
        query.Run(request, store, wanted);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) query.Run(request, store, wanted);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(query.Abandoned);
    }

    [Fact]
    public void A_large_view_nobody_waits_for_is_built_on_the_calling_thread_alone_with_the_same_points()
    {
        var store = Store(6, 400_000);
        using var query = new PlotQuery();
        var request = new ViewRequest(37.5, 311.25, null, null, null, 1280, 600);
        // The build asks whether it is still wanted before each series, on whichever thread builds it.
        var askedOn = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        Func<bool> wanted = () =>
        {
            askedOn[Environment.CurrentManagedThreadId] = true;
            return false;
        };
        for (int round = 0; round < 3; round++) query.Run(request, store, wanted, twoThreads: false);
        Assert.False(query.Abandoned);
        Assert.Equal([Environment.CurrentManagedThreadId], askedOn.Keys);
        var panel = query.Panel(0);
        Assert.Equal(6, panel.SeriesCount);
        for (int k = 0; k < panel.SeriesCount; k++)
        {
            var built = panel.ViewAt(k);
            var alone = new SeriesView();
            ViewBuilder.Build(SeriesKind.Line, store.Series[panel.SeriesIndexAt(k)].Snapshot(), panel.Viewport, alone);
            Assert.True(alone.Count > 1000, $"series {k} has {alone.Count} points in view");
            Assert.Equal(alone.Xs.AsSpan(0, alone.Count).ToArray(), built.Xs.AsSpan(0, built.Count).ToArray());
            Assert.Equal(alone.Ys.AsSpan(0, alone.Count).ToArray(), built.Ys.AsSpan(0, built.Count).ToArray());
        }
    }
}
