namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// Points a test sends for one series, made from its index so a prefix's expected count, first and last point and
/// sums (added in order, as the reader adds them) can be worked out for any length.
/// </summary>
internal sealed class SentSeries(string name, int seed, int count)
{
    /// <summary>The series' name.</summary>
    public string Name => name;

    /// <summary>Points it sends in all.</summary>
    public int Count => count;

    /// <summary>x of point <paramref name="i"/>: increasing, not whole.</summary>
    public double X(long i) => i * 0.5 + seed;

    /// <summary>y of point <paramref name="i"/>.</summary>
    public double Y(long i) => Math.Sin(i * 0.001 * (seed + 1)) * (seed + 1);

    /// <summary>Points <paramref name="from"/> to <paramref name="from"/> + <paramref name="n"/> as columns.</summary>
    public (double[] Xs, double[] Ys) Slice(int from, int n)
    {
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = X(from + i);
            ys[i] = Y(from + i);
        }
        return (xs, ys);
    }

    /// <summary>The independent reader's figures for the first <paramref name="n"/> points, summed in the same order.</summary>
    public (long Count, double FirstX, double FirstY, double LastX, double LastY, double SumX, double SumY) Expected(long n)
    {
        double sx = 0, sy = 0;
        for (long i = 0; i < n; i++)
        {
            sx += X(i);
            sy += Y(i);
        }
        return (n, X(0), Y(0), X(n - 1), Y(n - 1), sx, sy);
    }
}
