using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Store.Codecs;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Store;

public class CompressedStoreTests(ITestOutputHelper output)
{
    private const int Chunk = ColumnChunk.MaxCapacity;

    private static SeriesStore Fill(SampleStream stream, long points)
    {
        var store = new SeriesStore(new SeriesDefinition(0, SampleStreams.IsLine(stream) ? SeriesKind.Line : SeriesKind.Scatter, "s", "-"), 0);
        var xs = new double[4096];
        var ys = new double[4096];
        for (long done = 0; done < points; done += xs.Length)
        {
            SampleStreams.Fill(stream, done, xs, ys);
            store.Append(xs, ys);
        }
        return store;
    }

    [Theory]
    [InlineData((int)SampleStream.RampAdc12, 3.0)]
    [InlineData((int)SampleStream.RampSine, 6.0)]
    [InlineData((int)SampleStream.JitteredTemperature, 6.0)]
    [InlineData((int)SampleStream.RandomDoubles, 17.0)]
    [InlineData((int)SampleStream.RandomPairs, 17.0)]
    public void Each_named_stream_holds_at_most_its_bytes_a_point(int streamNumber, double bound)
    {
        var stream = (SampleStream)streamNumber;
        const long points = 64L * Chunk;
        var store = Fill(stream, points);
        var snap = store.Snapshot();
        Assert.Equal(points, snap.Count);
        long inChunks = 0;
        for (int k = 0; k < snap.ChunkCount; k++)
        {
            Assert.True(snap.Chunks[k].IsSealed);
            inChunks += snap.Chunks[k].HeldBytes;
        }
        double perPoint = inChunks / (double)points;
        output.WriteLine($"{SampleStreams.Name(stream)}: {perPoint:F2} bytes a point (x {snap.Chunks[1].PackedX!.HeldBytes / (double)Chunk:F2}, y {snap.Chunks[1].PackedY!.HeldBytes / (double)Chunk:F2})");
        Assert.InRange(perPoint, 0.01, bound);
        // What the series reports, and the budget counts, is its chunks plus at most the spare plain columns.
        Assert.InRange(store.HeldBytes, inChunks, inChunks + 4 * ColumnChunk.ColumnBytesFor(ColumnChunk.MaxShift));
        // And it decodes to what was sent.
        var xs = new double[4096];
        var ys = new double[4096];
        foreach (long at in (long[])[0, 17 * Chunk + 4000, points - 4096])
        {
            SampleStreams.Fill(stream, at, xs, ys);
            for (int i = 0; i < xs.Length; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(xs[i]), BitConverter.DoubleToInt64Bits(snap.X(at + i)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(ys[i]), BitConverter.DoubleToInt64Bits(snap.Y(at + i)));
            }
        }
    }

    [Fact]
    public async Task A_reader_sees_the_points_sent_while_their_chunks_fill_and_are_sealed()
    {
        var store = new SeriesStore(new SeriesDefinition(0, SeriesKind.Line, "s", "-"), 0, chunkShift: ColumnChunk.MinShift);
        const int chunks = 300, frame = 100;
        int chunkPoints = 1 << ColumnChunk.MinShift;
        long total = (long)chunks * chunkPoints;
        static double YOf(long i) => Math.Round(Math.Sin(i * 0.001) * 1000, 1);
        var writer = Task.Run(() =>
        {
            var xs = new double[frame];
            var ys = new double[frame];
            for (long done = 0; done < total; done += frame)
            {
                int n = (int)Math.Min(frame, total - done);
                for (int i = 0; i < n; i++) { xs[i] = done + i; ys[i] = YOf(done + i); }
                store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
            }
        });
        long checkedPoints = 0, sealedSeen = 0;
        var rng = new Random(1);
        while (!writer.IsCompleted || checkedPoints == 0)
        {
            var snap = store.Snapshot();
            if (snap.Count == 0) continue;
            // The newest points, in the chunk being filled (or just sealed), read both ways.
            int k = snap.ChunkCount - 1;
            var chunk = snap.Chunks[k];
            int count = snap.CountIn(k);
            int from = Math.Max(0, count - 300);
            var xs = chunk.Xs(from, count);
            var ys = chunk.Ys(from, count);
            long start = ((long)k << snap.Shift) + from;
            for (int i = 0; i < xs.Length; i++)
            {
                Assert.Equal(start + i, xs[i]);
                Assert.Equal(YOf(start + i), ys[i]);
            }
            long at = rng.NextInt64(snap.Count);
            Assert.Equal(at, snap.X(at));
            Assert.Equal(YOf(at), snap.Y(at));
            if (chunk.IsSealed) sealedSeen++;
            checkedPoints += xs.Length + 1;
        }
        await writer;
        var last = store.Snapshot();
        Assert.Equal(total, last.Count);
        for (long i = 0; i < total; i += 7) Assert.Equal(YOf(i), last.Y(i));
        output.WriteLine($"{checkedPoints:N0} points checked while writing, {sealedSeen:N0} reads of a sealed newest chunk");
    }

    [Fact]
    public void The_memory_budget_counts_what_encoded_chunks_hold()
    {
        using var store = new PlotStore(maxMemoryBytes: 4L * 64 * ColumnChunk.BytesFor(ColumnChunk.MaxShift));
        var adc = store.Define(new SeriesDefinition(0, SeriesKind.Line, "adc", "-"));
        var noise = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "noise", "."));
        var xs = new double[4096];
        var ys = new double[4096];
        for (long done = 0; done < 40L * Chunk; done += xs.Length)
        {
            SampleStreams.Fill(SampleStream.RampAdc12, done, xs, ys);
            adc.Append(xs, ys);
            SampleStreams.Fill(SampleStream.RandomPairs, done, xs, ys);
            noise.Append(xs, ys);
        }
        // Full chunks are encoded on the sealer's thread, each changing its series' and the store's counts in turn: the
        // sums are compared once it has none left.
        Assert.True(store.Sealer.WaitUntilIdle(TimeSpan.FromSeconds(30)), "the sealer did not finish");
        Assert.Equal(adc.HeldBytes + noise.HeldBytes, store.HeldBytes);
        // Forty chunks of each would take 80 filling chunks' bytes plain; encoded they fit in 64 with nothing evicted.
        Assert.Equal(0, store.TotalEvicted);
        Assert.True(store.HeldBytes < 48 * ColumnChunk.BytesFor(ColumnChunk.MaxShift), $"{store.HeldBytes} bytes held");
    }
}
