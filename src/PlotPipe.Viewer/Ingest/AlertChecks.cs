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
        for (int r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            ref var run = ref _runs[r];
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

    // One rule over one batch, its test chosen at compile time so the loop holds a single comparison.
    private void Scan<T>(AlertRule rule, ref Run run, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double nowSeconds) where T : struct, ITest
    {
        double threshold = rule.Threshold;
        long forPoints = rule.ForPoints;
        double forSeconds = rule.ForSeconds;
        bool onX = XIsTime;
        for (int i = 0; i < ys.Length; i++)
        {
            if (!T.Holds(ys[i], threshold))
            {
                run.Points = 0;
                run.Fired = false;
                continue;
            }
            if (run.Fired) continue;
            double t = onX ? xs[i] : nowSeconds;
            if (run.Points++ == 0) run.Since = t;
            if (run.Points >= forPoints && t - run.Since >= forSeconds)
            {
                run.Fired = true;
                _fire(this, rule, xs[i], ys[i]);
            }
        }
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
