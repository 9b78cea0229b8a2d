using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>
/// The view a zoom's answer builds under the page bench's load, timed in process: ten line series of
/// <c>points</c> each (a slow sine plus a random walk, as the page bench streams them, sealed as the viewer seals
/// them), one 1,250-px M4 view of each over the whole x, then windows of a half, a tenth, a hundredth and a
/// thousandth in the middle: <c>dotnet PlotPipe.Benchmarks.dll gesture-view-timing [points] [warm-ups]</c>.
/// Prints the median and the slowest of 21 builds of all ten series, one thread. Then the views a following page
/// gets while the stream goes on (5,000 points a series between views, the window its newest tenth): with the window
/// on a column grid, which keeps the columns new points cannot change, and without.
/// </summary>
public static class GestureViewTiming
{
    /// <summary>Runs the timing; <paramref name="args"/> are the points per series (1.3·10^6) and warm-up builds (60).</summary>
    public static void Run(string[] args)
    {
        long points = args.Length > 0 ? long.Parse(args[0]) : 1_300_000;
        int warmUps = args.Length > 1 ? int.Parse(args[1]) : 60;
        const int Series = 10;
        var snapshots = new SeriesSnapshot[Series];
        var stores = new SeriesStore[Series];
        var walks = new (Random Random, double Walk)[Series];
        var xs = new double[ColumnChunk.MaxCapacity];
        var ys = new double[ColumnChunk.MaxCapacity];
        for (int s = 0; s < Series; s++)
        {
            var store = new SeriesStore(new SeriesDefinition(s + 1, SeriesKind.Line, "line", "b-"), 0);
            var random = new Random(1234 + s);
            double walk = 0;
            for (long done = 0; done < points; done += xs.Length)
            {
                int n = (int)Math.Min(xs.Length, points - done);
                for (int i = 0; i < n; i++)
                {
                    double x = (done + i) / 100_000.0;
                    walk = 0.999 * walk + 0.05 * (random.NextDouble() - 0.5);
                    xs[i] = x;
                    ys[i] = 3.0 * s + Math.Sin(x * (0.7 + 0.1 * s)) + walk;
                }
                store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
            }
            snapshots[s] = store.Snapshot();
            stores[s] = store;
            walks[s] = (random, walk);
        }
        double xMax = (points - 1) / 100_000.0;
        var view = new SeriesView();
        foreach (double share in new[] { 1, 0.5, 0.1, 0.01, 0.001 })
        {
            double mid = xMax / 2, half = xMax * share / 2;
            var viewport = new Viewport(mid - half, mid + half, -5, 35, 1250, 700);
            for (int r = 0; r < warmUps; r++)
            {
                foreach (var snapshot in snapshots) ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, view);
                if (r == warmUps / 2) Thread.Sleep(300);
            }
            var ms = new double[21];
            for (int r = 0; r < ms.Length; r++)
            {
                long start = Stopwatch.GetTimestamp();
                foreach (var snapshot in snapshots) ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, view);
                ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            Console.WriteLine($"{Series} series x {points:N0}, window {share,6:P1} of x: median {ms[ms.Length / 2],6:F2} ms  slowest {ms[^1],6:F2} ms");
        }
    
        long next = points;
        foreach (bool grid in new[] { true, false, true, false })
        {
            var views = new SeriesView[Series];
            for (int s = 0; s < Series; s++) views[s] = new SeriesView();
            var ms = new double[41];
            for (int r = 0; r < ms.Length + 20; r++)
            {
                const int Step = 5_000;
                for (int s = 0; s < Series; s++)
                {
                    var (random, walk) = walks[s];
                    for (int i = 0; i < Step; i++)
                    {
                        double x = (next + i) / 100_000.0;
                        walk = 0.999 * walk + 0.05 * (random.NextDouble() - 0.5);
                        xs[i] = x;
                        ys[i] = 3.0 * s + Math.Sin(x * (0.7 + 0.1 * s)) + walk;
                    }
                    walks[s] = (random, walk);
                    stores[s].Append(xs.AsSpan(0, Step), ys.AsSpan(0, Step));
                }
                next += Step;
                double newest = (next - 1) / 100_000.0, span = Math.Pow(10, Math.Floor(Math.Log10(newest * 0.1)));
                var viewport = grid && ColumnGrid.Follow(newest, span, 1250) is { } g
                    ? new Viewport(g.Min, g.Max, -5, 35, 1250, 700, ColumnsPerX: g.ColumnsPerX)
                    : new Viewport(newest - span, newest, -5, 35, 1250, 700);
                long start = Stopwatch.GetTimestamp();
                for (int s = 0; s < Series; s++) ViewBuilder.Build(SeriesKind.Line, stores[s].Snapshot(), viewport, views[s]);
                if (r >= 20) ms[r - 20] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            Console.WriteLine($"following, {Series} series, window on {(grid ? "a column grid" : "the newest x ")}: median {ms[ms.Length / 2],6:F2} ms  slowest {ms[^1],6:F2} ms");
        }
    }
}
