using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public class SeriesStoreTests
{
    private const int Chunk = ColumnChunk.MaxCapacity;

    private static SeriesStore NewStore(SeriesKind kind, long maxPoints = 0) =>
        new(new SeriesDefinition(1, kind, "s", "b-"), 0, maxPoints);

    [Fact]
    public void Appends_in_odd_pieces_fill_chunks_across_their_edges()
    {
        var store = NewStore(SeriesKind.Line);
        int n = 2 * Chunk + 100, done = 0;
        var rng = new Random(1);
        while (done < n)
        {
            int piece = Math.Min(rng.Next(1, 5_000), n - done);
            var xs = new double[piece];
            var ys = new double[piece];
            for (int i = 0; i < piece; i++) { xs[i] = done + i; ys[i] = -(done + i); }
            store.Append(xs, ys);
            done += piece;
        }
        var snap = store.Snapshot();
        Assert.Equal(n, snap.Count);
        Assert.Equal(3, snap.ChunkCount);
        Assert.Equal(100, snap.CountIn(2));
        for (long i = 0; i < n; i++)
        {
            Assert.Equal(i, snap.X(i));
            Assert.Equal(-i, snap.Y(i));
        }
    }

    [Fact]
    public void Block_and_group_summaries_describe_their_points()
    {
        var store = NewStore(SeriesKind.Scatter);
        int n = Chunk + 5_000;
        var rng = new Random(2);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = rng.Next(50) == 0 ? double.NaN : rng.NextDouble();
            ys[i] = rng.Next(40) == 0 ? double.NaN : rng.NextDouble();
        }
        for (int i = 512; i < 768; i++) ys[i] = double.NaN; // a block without one finite y
        store.Append(xs, ys);
        var snap = store.Snapshot();
        for (int k = 0; k < snap.ChunkCount; k++)
        {
            var chunk = snap.Chunks[k];
            for (int b = 0; b < snap.CountIn(k) / ColumnChunk.BlockPoints; b++)
                AssertSummary(xs, ys, k * Chunk, b * ColumnChunk.BlockPoints, ColumnChunk.BlockPoints, chunk.Blocks[b]);
            for (int g = 0; g < snap.CountIn(k) / ColumnChunk.GroupPoints; g++)
                AssertSummary(xs, ys, k * Chunk, g * ColumnChunk.GroupPoints, ColumnChunk.GroupPoints, chunk.Groups[g]);
        }
        Assert.Equal(-1, snap.Chunks[0].Blocks[2].YMinAt);
        Assert.Equal(512, snap.Chunks[0].Blocks[2].FirstGapAt);
        Assert.Equal(767, snap.Chunks[0].Blocks[2].LastGapAt);
    }

    private static void AssertSummary(double[] xs, double[] ys, int chunkStart, int start, int length, ChunkSummary run)
    {
        var got = (run.XMin, run.XMax, run.YMin, run.YMax, run.YMinAt, run.YMaxAt, run.FirstGapAt, run.LastGapAt, run.NaNCount);
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        int yMinAt = -1, yMaxAt = -1, firstGap = -1, lastGap = -1, nans = 0;
        for (int i = start; i < start + length; i++)
        {
            double x = xs[chunkStart + i], y = ys[chunkStart + i];
            if (x < xMin) xMin = x;
            if (x > xMax) xMax = x;
            if (y < yMin) { yMin = y; yMinAt = i; }
            if (y > yMax) { yMax = y; yMaxAt = i; }
            if (double.IsNaN(y)) { if (firstGap < 0) firstGap = i; lastGap = i; }
            if (double.IsNaN(x) || double.IsNaN(y)) nans++;
        }
        Assert.Equal((xMin, xMax, yMin, yMax, yMinAt, yMaxAt, firstGap, lastGap, nans), got);
    }

    [Fact]
    public void Line_points_whose_x_goes_back_or_is_NaN_are_rejected_and_counted()
    {
        var store = NewStore(SeriesKind.Line);
        store.Append([0, 1, 2, 1.5, 3, double.NaN, 3, 4], [10, 11, 12, 99, 13, 99, double.NaN, 14]);
        store.Append([3.9, 5], [99, 15]);
        var snap = store.Snapshot();
        Assert.Equal(3, store.OutOfOrder);
        Assert.Equal(10, store.Received);
        double[] keptX = [0, 1, 2, 3, 3, 4, 5];
        double[] keptY = [10, 11, 12, 13, double.NaN, 14, 15];
        Assert.Equal(keptX.Length, snap.Count);
        for (int i = 0; i < keptX.Length; i++)
        {
            Assert.Equal(keptX[i], snap.X(i));
            Assert.Equal(keptY[i], snap.Y(i));
        }

        var scatter = NewStore(SeriesKind.Scatter);
        scatter.Append([3, 1, double.NaN], [1, 2, 3]);
        Assert.Equal(3, scatter.Count);
        Assert.Equal(0, scatter.OutOfOrder);
    }

    [Fact]
    public void Order_is_kept_across_a_chunk_edge()
    {
        var store = NewStore(SeriesKind.Line);
        var xs = new double[Chunk];
        for (int i = 0; i < Chunk; i++) xs[i] = i;
        store.Append(xs, xs);
        store.Append([Chunk - 2.0, Chunk], [0, 0]);
        Assert.Equal(1, store.OutOfOrder);
        Assert.Equal(Chunk + 1, store.Count);
    }

    [Fact]
    public void The_points_cap_evicts_whole_oldest_chunks_and_counts_them()
    {
        var store = NewStore(SeriesKind.Line, maxPoints: 100_000);
        var xs = new double[300_000];
        for (int i = 0; i < xs.Length; i++) xs[i] = i;
        store.Append(xs, xs);
        var snap = store.Snapshot();
        Assert.Equal(3L * Chunk, store.Evicted);
        Assert.Equal(300_000 - 3L * Chunk, snap.Count);
        Assert.Equal(3.0 * Chunk, snap.X(0));
        Assert.Equal(299_999.0, snap.X(snap.Count - 1));
    }
}
