using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public class ChunkReuseTests
{
    [Theory]
    [InlineData(false)] // a smooth y: encoded, so each sealed chunk's plain columns take the next chunk's points
    [InlineData(true)]  // y of random bits: kept plain, and filled again in place when its evicted chunk is reused
    public void A_capped_series_reuses_evicted_chunks_and_plain_columns_so_steady_state_allocates_only_encoded_columns(bool randomY)
    {
        var store = new SeriesStore(new SeriesDefinition(0, SeriesKind.Line, "capped", "-"), 0, maxPoints: 2 * ColumnChunk.MaxCapacity) { ReuseAfterTicks = 0 };
        var xs = new double[4096];
        var ys = new double[4096];
        var rng = new Random(5);
        double x = 0;
        void Fill()
        {
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = x++;
                ys[i] = randomY ? BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue)) : Math.Sin(x * 0.01);
            }
            store.Append(xs, ys);
        }
        for (int i = 0; i < 200; i++) Fill();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) Fill();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var snap = store.Snapshot();
        long encoded = 0;
        foreach (var chunk in snap.Chunks.AsSpan(0, snap.ChunkCount))
        {
            if (chunk.PackedX is { Values: null } px) encoded = Math.Max(encoded, px.HeldBytes + (chunk.PackedY is { Values: null } py ? py.HeldBytes : 0));
        }
        // 200 × 4,096 points is 12.5 chunks: without reuse that is 12 MiB of new plain columns; with it, only what
        // each sealed chunk's encoding holds is new.
        Assert.True(allocated < 13 * encoded + 64 * 1024, $"steady-state appends allocated {allocated} bytes, {encoded} encoded bytes a chunk");

        Assert.InRange(snap.Count, 2 * ColumnChunk.MaxCapacity, 3 * ColumnChunk.MaxCapacity);
        // The newest points are intact and in order after their chunks were recycled.
        for (long i = 1; i < snap.Count; i++) Assert.Equal(snap.X(i - 1) + 1, snap.X(i));
        Assert.Equal(x - 1, snap.X(snap.Count - 1));
        Assert.Equal(400 * 4096 - snap.Count, store.Evicted);
    }
}
