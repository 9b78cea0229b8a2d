using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public class ChunkReuseTests
{
    [Fact]
    public void A_capped_series_reuses_evicted_chunks_and_allocates_nothing_in_steady_state()
    {
        var store = new SeriesStore(new SeriesDefinition(0, SeriesKind.Line, "capped", "-"), 0, maxPoints: 2 * ColumnChunk.MaxCapacity) { ReuseAfterTicks = 0 };
        var xs = new double[4096];
        var ys = new double[4096];
        double x = 0;
        void Fill()
        {
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = x++;
                ys[i] = Math.Sin(x);
            }
            store.Append(xs, ys);
        }
        for (int i = 0; i < 200; i++) Fill();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) Fill();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 200 × 4,096 points is 12.5 chunks: without reuse that is 12 MiB of new columns.
        Assert.True(allocated < 64 * 1024, $"steady-state appends allocated {allocated} bytes");

        var snap = store.Snapshot();
        Assert.InRange(snap.Count, 2 * ColumnChunk.MaxCapacity, 3 * ColumnChunk.MaxCapacity);
        // The newest points are intact and in order after their chunks were recycled.
        for (long i = 1; i < snap.Count; i++) Assert.Equal(snap.X(i - 1) + 1, snap.X(i));
        Assert.Equal(x - 1, snap.X(snap.Count - 1));
        Assert.Equal(400 * 4096 - snap.Count, store.Evicted);
    }
}
