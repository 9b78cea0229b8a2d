using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Where a panel's legend covers least of its data, as matplotlib's <c>loc="best"</c>: the corner whose box (a third
/// of the width, a quarter of the height) holds the fewest drawn points, lines sampled along their segments.
/// </summary>
internal sealed class LegendCorner(AxisRange x, AxisRange y)
{
    // Sample points along each drawn segment, so a sparse line crossing a corner still counts there.
    private const int StepsPerSegment = 8;

    // Preferred first on a tie, as the chart library's default.
    private static readonly Alignment[] Corners = [Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft];

    private readonly long[] _counts = new long[Corners.Length];

    /// <summary>Counts the drawn points (picture units; NaN marks a gap) of one piece of a series.</summary>
    public void Add(double[] xs, double[] ys, bool joined)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            Count(xs[i], ys[i]);
            if (!joined || i == 0) continue;
            for (int s = 1; s < StepsPerSegment; s++)
            {
                double t = (double)s / StepsPerSegment;
                Count(xs[i - 1] + (xs[i] - xs[i - 1]) * t, ys[i - 1] + (ys[i] - ys[i - 1]) * t);
            }
        }
    }

    /// <summary>Marks a corner as taken (by a note), so the legend goes elsewhere.</summary>
    public void Take(Alignment corner) => _counts[Array.IndexOf(Corners, corner)] = long.MaxValue;

    /// <summary>The corner with the fewest points.</summary>
    public Alignment Best()
    {
        int best = 0;
        for (int c = 1; c < Corners.Length; c++)
            if (_counts[c] < _counts[best]) best = c;
        return Corners[best];
    }

    private void Count(double px, double py)
    {
        // Halved so a span near double.MaxValue stays finite.
        double fx = (px / 2 - x.Min / 2) / (x.Max / 2 - x.Min / 2), fy = (py / 2 - y.Min / 2) / (y.Max / 2 - y.Min / 2);
        if (!double.IsFinite(fx) || !double.IsFinite(fy)) return;
        bool left = fx <= 1.0 / 3, right = fx >= 2.0 / 3, low = fy <= 0.25, high = fy >= 0.75;
        if (high && right) Bump(0);
        if (high && left) Bump(1);
        if (low && right) Bump(2);
        if (low && left) Bump(3);
    }

    private void Bump(int corner)
    {
        if (_counts[corner] != long.MaxValue) _counts[corner]++;
    }
}
