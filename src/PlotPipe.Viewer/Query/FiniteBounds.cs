using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The box of the finite points of a series, for fitting an axis when its summaries hold an infinite value: an axis has
/// no place for infinity, so the fit leaves it out as it leaves out NaN. Runs whose summaries are finite, inside the x
/// range and (when asked) positive in y are taken whole; only the others are read.
/// </summary>
internal static class FiniteBounds
{
    /// <summary>Whether every edge of <paramref name="box"/> is finite (an empty box is not).</summary>
    public static bool Holds(in DataBounds box) =>
        double.IsFinite(box.XMin) && double.IsFinite(box.XMax) && double.IsFinite(box.YMin) && double.IsFinite(box.YMax);

    /// <summary>
    /// The box of the points of <paramref name="s"/> with finite x in [<paramref name="xMin"/>, <paramref name="xMax"/>]
    /// and finite y, positive when <paramref name="positiveY"/> (what a log y axis fits).
    /// </summary>
    public static DataBounds InX(in SeriesSnapshot s, double xMin, double xMax, bool positiveY)
    {
        var visitor = new FiniteBox(xMin, xMax, positiveY);
        RunWalk.Walk(s, ref visitor);
        return new DataBounds(visitor.XMin, visitor.XMax, visitor.YMin, visitor.YMax);
    }

    private struct FiniteBox(double xMin, double xMax, bool positiveY) : IRunVisitor
    {
        public double XMin = double.PositiveInfinity, XMax = double.NegativeInfinity, YMin = double.PositiveInfinity, YMax = double.NegativeInfinity;

        public readonly bool Done => false;

        // A NaN x hides a y the summary counted, so a run holding NaNs is read.
        public bool Answer(in ChunkSummary r, ColumnChunk chunk, long chunkStart, int from, int count)
        {
            if (r.OutsideX(xMin, xMax) || (positiveY && !(r.YMax > 0))) return true;
            bool whole = r.InsideX(xMin, xMax) && double.IsFinite(r.XMin) && double.IsFinite(r.XMax)
                && double.IsFinite(r.YMin) && double.IsFinite(r.YMax) && (!positiveY || r.YMin > 0);
            if (!whole) return false;
            XMin = Math.Min(XMin, r.XMin);
            XMax = Math.Max(XMax, r.XMax);
            YMin = Math.Min(YMin, r.YMin);
            YMax = Math.Max(YMax, r.YMax);
            return true;
        }

        public void Scan(ColumnChunk chunk, long chunkStart, int from, int to)
        {
            var xs = chunk.Xs(from, to);
            var ys = chunk.Ys(from, to);
            for (int i = 0; i < xs.Length; i++)
            {
                double x = xs[i], y = ys[i];
                if (!double.IsFinite(x) || !double.IsFinite(y) || x < xMin || x > xMax || (positiveY && !(y > 0))) continue;
                XMin = Math.Min(XMin, x);
                XMax = Math.Max(XMax, x);
                YMin = Math.Min(YMin, y);
                YMax = Math.Max(YMax, y);
            }
        }
    }
}
