using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The histogram of one series' y over the x range its panel shows: <see cref="Bins"/> equal bins from the lowest to
/// the highest finite y of the raw points whose x is in range (NaN and infinite y left out), counted from the points
/// themselves, not from a view. Reused from query to query.
/// </summary>
internal sealed class Histogram
{
    /// <summary>Bins of every histogram: enough to show a shape on a small panel, few enough to read.</summary>
    public const int Bins = 50;

    /// <summary>The meta index of the series counted, or -1 when there is no histogram.</summary>
    public int SeriesIndex { get; private set; } = -1;

    /// <summary>The x range the points were taken from (the series' panel's).</summary>
    public double XMin { get; private set; }

    /// <summary>Right edge of the x range.</summary>
    public double XMax { get; private set; }

    /// <summary>Left edge of the first bin: the lowest y counted.</summary>
    public double Low { get; private set; }

    /// <summary>Right edge of the last bin: the highest y counted (a bin holds [edge, next edge); the last holds its right edge too).</summary>
    public double High { get; private set; }

    /// <summary>Points counted in each bin; all 0 when none is in range.</summary>
    public long[] Counts { get; } = new long[Bins];

    /// <summary>Points counted: those in the x range with a finite y.</summary>
    public long Total { get; private set; }

    /// <summary>Forgets the last histogram: the page asked for none.</summary>
    public void Clear() => SeriesIndex = -1;

    /// <summary>
    /// Counts the y of the points of <paramref name="snapshot"/> (series <paramref name="seriesIndex"/> of kind
    /// <paramref name="kind"/>) whose x is in [<paramref name="xMin"/>, <paramref name="xMax"/>].
    /// </summary>
    public void Count(int seriesIndex, SeriesKind kind, in SeriesSnapshot snapshot, double xMin, double xMax)
    {
        SeriesIndex = seriesIndex;
        (XMin, XMax) = (xMin, xMax);
        Array.Clear(Counts);
        // A line's x is sorted: its points in range are one run, found by search; a scatter's are read whole.
        long from = 0, to = snapshot.Count;
        if (kind == SeriesKind.Line)
        {
            from = LineDecimator.FirstX(snapshot, xMin, inclusive: true);
            to = LineDecimator.FirstX(snapshot, xMax, inclusive: false);
        }
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        long total = 0;
        for (long i = from; i < to; i++)
        {
            double x = snapshot.X(i), y = snapshot.Y(i);
            if (!(x >= xMin && x <= xMax) || !double.IsFinite(y)) continue;
            if (y < low) low = y;
            if (y > high) high = y;
            total++;
        }
        Total = total;
        if (total == 0)
        {
            (Low, High) = (0, 0);
            return;
        }
        (Low, High) = (low, high);
        for (long i = from; i < to; i++)
        {
            double x = snapshot.X(i), y = snapshot.Y(i);
            if (!(x >= xMin && x <= xMax) || !double.IsFinite(y)) continue;
            Counts[BinOf(y, low, high)]++;
        }
    }

    /// <summary>The bin of <paramref name="y"/> in [<paramref name="low"/>, <paramref name="high"/>]: floor((y - low) / (high - low) × Bins), the highest y in the last bin, every y in bin 0 when low equals high.</summary>
    public static int BinOf(double y, double low, double high)
    {
        if (!(high > low)) return 0;
        return Math.Min(Bins - 1, (int)((y - low) / (high - low) * Bins));
    }

}
