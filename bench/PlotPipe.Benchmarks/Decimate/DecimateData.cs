using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>Builds large stores through the public append path, one chunk-sized piece at a time.</summary>
internal static class DecimateData
{
    /// <summary>A line with x = i and a noisy sine in y, with a rare gap.</summary>
    public static SeriesStore Line(long points)
    {
        var store = new SeriesStore(new SeriesDefinition(1, SeriesKind.Line, "line", "b-"), 0);
        var xs = new double[ColumnChunk.MaxCapacity];
        var ys = new double[ColumnChunk.MaxCapacity];
        var rng = new Random(1);
        for (long done = 0; done < points; done += xs.Length)
        {
            int n = (int)Math.Min(xs.Length, points - done);
            for (int i = 0; i < n; i++)
            {
                long at = done + i;
                xs[i] = at;
                ys[i] = rng.Next(100_000) == 0 ? double.NaN : Math.Sin(at * 1e-5) + rng.NextDouble() * 0.1;
            }
            store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
        }
        Report(store, points);
        return store;
    }

    /// <summary>A scatter of uniform random points in [0, 100) × [0, 100).</summary>
    public static SeriesStore Scatter(long points)
    {
        var store = new SeriesStore(new SeriesDefinition(2, SeriesKind.Scatter, "cloud", "b."), 1);
        var xs = new double[ColumnChunk.MaxCapacity];
        var ys = new double[ColumnChunk.MaxCapacity];
        var rng = new Random(2);
        for (long done = 0; done < points; done += xs.Length)
        {
            int n = (int)Math.Min(xs.Length, points - done);
            for (int i = 0; i < n; i++) { xs[i] = rng.NextDouble() * 100; ys[i] = rng.NextDouble() * 100; }
            store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
        }
        Report(store, points);
        return store;
    }

    // The viewer's memory for the store, printed into the benchmark log (setup is not measured).
    private static void Report(SeriesStore store, long points)
    {
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        long workingSet = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine($"// store of {points:N0} points: managed heap {managed / 1048576.0:N0} MiB ({managed / (double)points:F2} B/point), working set {workingSet / 1048576.0:N0} MiB, count {store.Count:N0}");
    }

    /// <summary>Copies every point with x in range into the buffers: what sending all points in view costs.</summary>
    public static long CopyInX(in SeriesSnapshot s, double xMin, double xMax, double[] outX, double[] outY)
    {
        long n = 0;
        for (int k = 0; k < s.ChunkCount; k++)
        {
            var chunk = s.Chunks[k];
            int count = s.CountIn(k);
            for (int from = 0; from < count; from += ColumnChunk.MaxReadPoints)
            {
                int to = Math.Min(count, from + ColumnChunk.MaxReadPoints);
                var xs = chunk.Xs(from, to);
                var ys = chunk.Ys(from, to);
                for (int i = 0; i < xs.Length; i++)
                {
                    double x = xs[i];
                    if (x >= xMin && x <= xMax)
                    {
                        outX[n] = x;
                        outY[n] = ys[i];
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
