using System.Numerics;
using System.Runtime.InteropServices;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// The rules that watch one series, with a state for each: how long its test has held and whether it has fired in
/// this stretch. Made once for a series (by <see cref="AlertSink"/>) and fed every batch the series receives, by
/// the one ingest that writes the series; a batch is a tight loop over its y column per rule, allocating nothing.
/// </summary>
internal sealed class AlertChecks
{
    private readonly AlertRule[] _rules;
    private readonly Run[] _runs;
    private readonly Action<AlertChecks, AlertRule, double, double> _fire;

    /// <summary>Watches <paramref name="series"/> with <paramref name="rules"/>; <paramref name="fire"/> is told of each firing (the checks, the rule, x and y).</summary>
    public AlertChecks(SeriesStore series, AlertRule[] rules, Action<AlertChecks, AlertRule, double, double> fire)
    {
        Series = series;
        _rules = rules;
        _runs = new Run[rules.Length];
        _fire = fire;
        XIsTime = (series.Definition.Flags & Protocol.SeriesFlags.TimeX) != 0;
    }

    /// <summary>Whether any rule watches the series (a series no rule names gets checks without any, so it is looked up once).</summary>
    public bool HasRules => _rules.Length > 0;

    /// <summary>The series watched.</summary>
    public SeriesStore Series { get; }

    /// <summary>Whether the series' x is time (Unix seconds): a rule's duration is then measured on x.</summary>
    public bool XIsTime { get; }

    /// <summary>
    /// Checks a batch in order; <paramref name="nowSeconds"/> is when it arrived, which measures durations on a plain
    /// x axis. Each rule fires when its test has held long enough, once, and again only after the test has failed.
    /// </summary>
    public void Check(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double nowSeconds)
    {
        if (ys.Length == 0) return;
        // One vector pass finds the batch's range: a rule whose test the range rules out (the usual case, a healthy
        // run) holds on no point, so it ends the batch cleared without a loop of its own.
        var (min, max, nan) = RangeOf(ys);
        for (int r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            ref var run = ref _runs[r];
            double t = rule.Threshold;
            bool anywhere = rule.Test switch
            {
                AlertTest.Above => nan || max > t,
                AlertTest.AtLeast => nan || max >= t,
                AlertTest.Below => nan || min < t,
                AlertTest.AtMost => nan || min <= t,
                _ => nan,
            };
            if (!anywhere)
            {
                run = default;
                continue;
            }
            switch (rule.Test)
            {
                case AlertTest.Above: Scan<Above>(rule, ref run, xs, ys, nowSeconds); break;
                case AlertTest.AtLeast: Scan<AtLeast>(rule, ref run, xs, ys, nowSeconds); break;
                case AlertTest.Below: Scan<Below>(rule, ref run, xs, ys, nowSeconds); break;
                case AlertTest.AtMost: Scan<AtMost>(rule, ref run, xs, ys, nowSeconds); break;
                default: Scan<NaN>(rule, ref run, xs, ys, nowSeconds); break;
            }
        }
    }

    // The least and greatest y and whether any is NaN (with a NaN, min and max may be wrong and are not relied on,
    // which lets the vector pass use the processor's own min and max).
    internal static (double Min, double Max, bool NaN) RangeOf(ReadOnlySpan<double> ys)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool nan = false;
        int i = 0;
        if (Vector.IsHardwareAccelerated && ys.Length >= Vector<double>.Count)
        {
            var vectors = MemoryMarshal.Cast<double, Vector<double>>(ys);
            var vmin = new Vector<double>(double.PositiveInfinity);
            var vmax = new Vector<double>(double.NegativeInfinity);
            var numbers = Vector<long>.AllBitsSet;
            foreach (var v in vectors)
            {
                vmin = Vector.MinNative(vmin, v);
                vmax = Vector.MaxNative(vmax, v);
                numbers &= Vector.Equals(v, v);
            }
            nan = numbers != Vector<long>.AllBitsSet;
            for (int k = 0; k < Vector<double>.Count; k++)
            {
                min = Math.Min(min, vmin[k]);
                max = Math.Max(max, vmax[k]);
            }
            i = vectors.Length * Vector<double>.Count;
        }
        for (; i < ys.Length; i++)
        {
            double y = ys[i];
            if (double.IsNaN(y)) nan = true;
            else
            {
                if (y < min) min = y;
                if (y > max) max = y;
            }
        }
        return (min, max, nan);
    }

    // One rule over one batch, its test chosen at compile time so the loop holds a single comparison; the state
    // lives in locals for the loop.
    private void Scan<T>(AlertRule rule, ref Run run, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double nowSeconds) where T : struct, ITest
    {
        double threshold = rule.Threshold;
        long forPoints = rule.ForPoints;
        double forSeconds = rule.ForSeconds;
        bool onX = XIsTime;
        long points = run.Points;
        double since = run.Since;
        bool fired = run.Fired;
        for (int i = 0; i < ys.Length; i++)
        {
            if (!T.Holds(ys[i], threshold))
            {
                points = 0;
                fired = false;
                continue;
            }
            if (fired) continue;
            double t = onX ? xs[i] : nowSeconds;
            if (points++ == 0) since = t;
            if (points >= forPoints && t - since >= forSeconds)
            {
                fired = true;
                _fire(this, rule, xs[i], ys[i]);
            }
        }
        run.Points = points;
        run.Since = since;
        run.Fired = fired;
    }

    // How long a rule's test has held for this series, and whether it has fired since it began to.
    private struct Run
    {
        public long Points;
        public double Since;
        public bool Fired;
    }

    private interface ITest
    {
        static abstract bool Holds(double y, double threshold);
    }

    private struct Above : ITest
    {
        public static bool Holds(double y, double threshold) => y > threshold;
    }

    private struct AtLeast : ITest
    {
        public static bool Holds(double y, double threshold) => y >= threshold;
    }

    private struct Below : ITest
    {
        public static bool Holds(double y, double threshold) => y < threshold;
    }

    private struct AtMost : ITest
    {
        public static bool Holds(double y, double threshold) => y <= threshold;
    }

    private struct NaN : ITest
    {
        public static bool Holds(double y, double threshold) => double.IsNaN(y);
    }
}
