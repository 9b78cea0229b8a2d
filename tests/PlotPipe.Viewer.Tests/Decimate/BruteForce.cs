using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Decimate;

/// <summary>Plain, obviously correct answers to compare the decimators against, and data builders.</summary>
internal static class BruteForce
{
    /// <summary>A series holding the points, in chunks of 2^<paramref name="shift"/> points.</summary>
    public static SeriesStore Store(SeriesKind kind, double[] xs, double[] ys, int shift = ColumnChunk.MaxShift)
    {
        var store = new SeriesStore(new SeriesDefinition(1, kind, "s", kind == SeriesKind.Line ? "b-" : "b."), 0, chunkShift: shift);
        store.Append(xs, ys);
        return store;
    }

    /// <summary>The pixel column of <paramref name="x"/>: columns are even in x, or in log10(x) on a log x axis.</summary>
    public static int ColumnOf(in Viewport v, int width, double x)
    {
        double x0 = Map(v.XLog, v.XMin), span = Map(v.XLog, v.XMax) - x0;
        double scale = span > 0 ? width / span : 0;
        return (int)Math.Min((Map(v.XLog, x) - x0) * scale, width - 1);
    }

    /// <summary>A value in an axis' even units: itself, or its logarithm on a log axis (base 2: even steps in any base are even in log10).</summary>
    public static double Map(bool log, double value) => log ? Math.Log2(value) : value;

    /// <summary>What a line draws in one pixel column.</summary>
    public sealed class Column
    {
        public double Min = double.PositiveInfinity, Max = double.NegativeInfinity;
        public (double X, double Y)? First, Last;
        public bool HasGap, GapBeforeFirst, GapAfterLast;
    }

    /// <summary>Per pixel column: lowest, highest, first and last drawn point, and where gaps fall.</summary>
    public static Column[] Rasterise(double[] xs, double[] ys, int count, in Viewport v, int width)
    {
        var columns = new Column[width];
        for (int c = 0; c < width; c++) columns[c] = new Column();
        for (int i = 0; i < count; i++)
        {
            double x = xs[i], y = ys[i];
            if (!(x >= v.XMin && x <= v.XMax)) continue;
            var col = columns[ColumnOf(v, width, x)];
            if (double.IsNaN(y))
            {
                col.HasGap = true;
                if (col.First is null) col.GapBeforeFirst = true;
                col.GapAfterLast = true;
                continue;
            }
            if (y < col.Min) col.Min = y;
            if (y > col.Max) col.Max = y;
            col.First ??= (x, y);
            col.Last = (x, y);
            col.GapAfterLast = false;
        }
        return columns;
    }

    public static DataBounds Bounds(double[] xs, double[] ys, double xMin = double.NegativeInfinity, double xMax = double.PositiveInfinity, bool all = true)
    {
        double bx0 = double.PositiveInfinity, bx1 = double.NegativeInfinity, by0 = double.PositiveInfinity, by1 = double.NegativeInfinity;
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i], y = ys[i];
            if (!all && !(x >= xMin && x <= xMax)) continue;
            if (x < bx0) bx0 = x;
            if (x > bx1) bx1 = x;
            if (y < by0) by0 = y;
            if (y > by1) by1 = y;
        }
        return new DataBounds(bx0, bx1, by0, by1);
    }

    public static List<(double X, double Y)> InView(double[] xs, double[] ys, in Viewport v)
    {
        var list = new List<(double, double)>();
        for (int i = 0; i < xs.Length; i++)
            if (xs[i] >= v.XMin && xs[i] <= v.XMax && ys[i] >= v.YMin && ys[i] <= v.YMax) list.Add((xs[i], ys[i]));
        return list;
    }

    public static uint[] Density(double[] xs, double[] ys, in Viewport v)
    {
        var grid = new uint[v.WidthPx * v.HeightPx];
        double x0 = Map(v.XLog, v.XMin), y1 = Map(v.YLog, v.YMax);
        double sx = v.WidthPx / (Map(v.XLog, v.XMax) - x0), sy = v.HeightPx / (y1 - Map(v.YLog, v.YMin));
        foreach (var (x, y) in InView(xs, ys, v))
        {
            int c = Math.Min((int)((Map(v.XLog, x) - x0) * sx), v.WidthPx - 1);
            int r = Math.Min((int)((y1 - Map(v.YLog, y)) * sy), v.HeightPx - 1);
            grid[r * v.WidthPx + c]++;
        }
        return grid;
    }

    /// <summary>A line: x non-decreasing with repeats, y a random walk with spikes, NaN gaps and plateaus.</summary>
    public static (double[] Xs, double[] Ys) Line(int n, int seed, double nanRate = 0.01, bool plateaus = true)
    {
        var rng = new Random(seed);
        var xs = new double[n];
        var ys = new double[n];
        double x = rng.NextDouble() * 10 - 5, y = 0;
        for (int i = 0; i < n; i++)
        {
            // Repeated x (duplicate stamps) and uneven spacing.
            if (rng.Next(5) != 0) x += rng.NextDouble() * rng.NextDouble();
            y += rng.NextDouble() - 0.5;
            double v = y;
            if (rng.Next(500) == 0) v += (rng.Next(2) * 2 - 1) * 1000; // spike
            if (plateaus && (i / 3000) % 7 == 3) v = 42; // a long flat run spanning blocks
            if (rng.NextDouble() < nanRate) v = double.NaN;
            xs[i] = x;
            ys[i] = v;
        }
        return (xs, ys);
    }
}
