using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public class ChunkSealerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Tenths on a sine: decimal blocks, so a sealed chunk really holds other bytes than its plain columns.
    private static double YOf(long i) => Math.Round(Math.Sin(i * 0.001) * 1000, 1);

    private static void AppendRun(SeriesStore series, long from, int n)
    {
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = from + i;
            ys[i] = YOf(from + i);
        }
        series.Append(xs, ys);
    }

    // A budget whose points share makes the store pick the smallest chunk, and holds `chunks` filling ones.
    private static PlotStore SmallChunkStore(int chunks, long maxPointsPerSeries = 0) =>
        new(maxPointsPerSeries, maxMemoryBytes: 4 * chunks * ColumnChunk.BytesFor(ColumnChunk.MinShift));

    [Fact]
    public void Full_chunks_are_sealed_by_the_sealer_not_by_the_append_that_filled_them()
    {
        using var store = new PlotStore();
        var s = store.Define(new SeriesDefinition(0, SeriesKind.Line, "s", "-"));
        int chunk = 1 << store.ChunkShift;
        store.Sealer.Pause();
        AppendRun(s, 0, 3 * chunk + 10);
        // The appends returned with their full chunks still plain: ingest handed them over and went on.
        var snap = s.Snapshot();
        Assert.Equal(3, store.Sealer.Waiting);
        for (int k = 0; k < 3; k++) Assert.False(snap.Chunks[k].IsSealed);
        long plain = s.HeldBytes;
        Assert.Equal(4 * ColumnChunk.BytesFor(store.ChunkShift), plain);

        store.Sealer.Resume();
        Assert.True(store.Sealer.WaitUntilIdle(Deadline), "the sealer did not seal three chunks in time");
        long inChunks = 0;
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(k < 3, snap.Chunks[k].IsSealed);
            inChunks += snap.Chunks[k].HeldBytes;
        }
        // The budget now counts the encoded chunks and the plain columns kept for later chunks, no more.
        Assert.True(inChunks < plain / 2, $"{inChunks} bytes in chunks after sealing, {plain} before");
        Assert.InRange(s.HeldBytes, inChunks, inChunks + 4 * ColumnChunk.ColumnBytesFor(store.ChunkShift));
        Assert.Equal(s.HeldBytes, store.HeldBytes);
        Assert.Equal(s.RecountHeldBytes(), s.HeldBytes);
        for (long i = 0; i < snap.Count; i++)
        {
            Assert.Equal(i, snap.X(i));
            Assert.Equal(BitConverter.DoubleToInt64Bits(YOf(i)), BitConverter.DoubleToInt64Bits(snap.Y(i)));
        }
    }

    [Theory]
    [InlineData(0L)]           // keep all: each sealed chunk's plain columns take a later chunk's points
    [InlineData(4L * 4096)]    // capped: evicted chunks are filled again at once, under readers of older snapshots
    public async Task Readers_racing_the_seal_read_exactly_the_points_sent(long maxPoints)
    {
        using var store = SmallChunkStore(2_000, maxPoints);
        var s = store.Define(new SeriesDefinition(0, SeriesKind.Line, "s", "-"));
        Assert.Equal(ColumnChunk.MinShift, store.ChunkShift);
        s.ReuseAfterTicks = 0;
        const int chunks = 1_500, frame = 100;
        long total = (long)chunks << store.ChunkShift;
        using var done = new CancellationTokenSource();
        using var reading = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            try
            {
                // Only once the reader reads: a writer done before it started would race nobody.
                if (!reading.Wait(Deadline)) return;
                var xs = new double[frame];
                var ys = new double[frame];
                for (long at = 0; at < total; at += frame)
                {
                    int n = (int)Math.Min(frame, total - at);
                    for (int i = 0; i < n; i++) { xs[i] = at + i; ys[i] = YOf(at + i); }
                    s.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
                }
            }
            finally
            {
                done.Cancel();
            }
        });
        var reader = Task.Run(() =>
        {
            long checkedPoints = 0, wrong = 0;
            string? first = null;
            var xs = new double[ColumnChunk.MaxReadPoints];
            var ys = new double[ColumnChunk.MaxReadPoints];
            while (!done.IsCancellationRequested)
            {
                reading.Set();
                var snap = s.Snapshot(out long evictedBefore);
                int count = snap.ChunkCount;
                // The newest full chunks: the ones waiting for the sealer or being swapped now.
                for (int k = Math.Max(0, count - 3); k < count - 1; k++)
                {
                    var c = snap.Chunks[k];
                    int n = snap.CountIn(k);
                    long firstIndex = evictedBefore + ((long)k << snap.Shift);
                    for (int from = 0; from < n; from += ColumnChunk.MaxReadPoints)
                    {
                        int m = Math.Min(ColumnChunk.MaxReadPoints, n - from);
                        c.Xs(from, from + m).CopyTo(xs);
                        c.Ys(from, from + m).CopyTo(ys);
                        double one = c.Y(from + m / 2);
                        // A chunk evicted and filled again while we read is the store's older guard: drop the read.
                        if (!s.StillHeld(evictedBefore, k, snap.Shift)) break;
                        for (int i = 0; i < m; i++)
                        {
                            long at = firstIndex + from + i;
                            bool ok = xs[i] == at && BitConverter.DoubleToInt64Bits(ys[i]) == BitConverter.DoubleToInt64Bits(YOf(at));
                            if (!ok && wrong++ == 0) first = $"point {at}: read ({xs[i]}, {ys[i]}), sent ({at}, {YOf(at)})";
                        }
                        long middle = firstIndex + from + m / 2;
                        if (BitConverter.DoubleToInt64Bits(one) != BitConverter.DoubleToInt64Bits(YOf(middle)) && wrong++ == 0)
                            first = $"point {middle}: read y {one}, sent {YOf(middle)}";
                        checkedPoints += m;
                    }
                }
            }
            return (checkedPoints, wrong, first);
        });
        await writer.WaitAsync(Deadline);
        var (read, wrongReads, firstWrong) = await reader.WaitAsync(Deadline);
        Assert.True(wrongReads == 0, $"{wrongReads} wrong reads; first {firstWrong}");
        Assert.True(read > 0, "the reader checked no point while the writer ran");
        Assert.True(store.Sealer.WaitUntilIdle(Deadline));
        Assert.Equal(total, s.Count + s.Evicted);
        Assert.Equal(s.RecountHeldBytes(), s.HeldBytes);
        var last = s.Snapshot();
        for (int k = 0; k < last.ChunkCount - 1; k++) Assert.True(last.Chunks[k].IsSealed, $"chunk {k} of {last.ChunkCount} left plain");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(4L * 4096)]
    public void A_stopped_sealer_leaves_ingest_within_the_memory_budget_and_the_count_exact(long maxPoints)
    {
        using var store = SmallChunkStore(40, maxPoints);
        int chunk = 1 << store.ChunkShift;
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        var b = store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "-"));
        a.ReuseAfterTicks = 0;
        b.ReuseAfterTicks = 0;
        Assert.True(store.SealerCapacity > 1, $"a capacity of {store.SealerCapacity} tests little");
        store.Sealer.Pause();
        const int chunks = 200;
        for (int k = 0; k < chunks; k++)
        {
            AppendRun(a, (long)k * chunk, chunk);
            AppendRun(b, (long)k * chunk, chunk);
            Assert.True(store.HeldBytes <= store.PointsMemoryBytes, $"held {store.HeldBytes} bytes over a budget of {store.PointsMemoryBytes} after {k + 1} chunks");
            Assert.InRange(store.Sealer.Waiting, 0, store.SealerCapacity);
        }
        // Beyond the queue's bound, ingest sealed its chunks itself: few kept chunks are plain.
        var snap = a.Snapshot();
        int plain = 0;
        for (int k = 0; k < snap.ChunkCount; k++) if (!snap.Chunks[k].IsSealed) plain++;
        Assert.InRange(plain, 0, store.SealerCapacity);

        store.Sealer.Resume();
        Assert.True(store.Sealer.WaitUntilIdle(Deadline));
        foreach (var s in (SeriesStore[])[a, b])
        {
            Assert.Equal((long)chunks * chunk, s.Count + s.Evicted);
            // What the budget counts for the series is what its chunks, spare columns and reusable chunks hold: sealing
            // on two threads while the budget evicted lost or doubled nothing.
            Assert.Equal(s.RecountHeldBytes(), s.HeldBytes);
            var all = s.Snapshot();
            for (long i = 0; i < all.Count; i++) Assert.Equal((long)chunks * chunk - all.Count + i, all.X(i));
        }
        Assert.Equal(a.HeldBytes + b.HeldBytes, store.HeldBytes);
        Assert.True(store.HeldBytes <= store.PointsMemoryBytes);
    }

    [Fact]
    public void Disposing_the_store_stops_the_sealer_thread_and_later_chunks_are_sealed_by_ingest()
    {
        var store = new PlotStore();
        var s = store.Define(new SeriesDefinition(0, SeriesKind.Line, "s", "-"));
        int chunk = 1 << store.ChunkShift;
        AppendRun(s, 0, chunk);
        Assert.True(store.Sealer.WaitUntilIdle(Deadline));
        Assert.True(store.Sealer.IsRunning);

        store.Dispose();
        Assert.False(store.Sealer.IsRunning);
        // Whatever ingest still appends is kept and sealed on the appending thread.
        AppendRun(s, chunk, chunk);
        var snap = s.Snapshot();
        Assert.True(snap.Chunks[1].IsSealed);
        Assert.Equal(2L * chunk, s.Count);
        Assert.Equal(2.0 * chunk - 1, snap.X(snap.Count - 1));
    }
}
