using CsCheck;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Alerts;

/// <summary>
/// The rule engine against a reference model on generated series cut into random batches: the same firings at the
/// same points. The model says it another way: each maximal stretch of points where the test holds that is at
/// least N long fires once, at its Nth point.
/// </summary>
public sealed class AlertPropertyTests
{
    private static readonly double[] Values = [-5, 0, 5, 9.5, 10, 10.5, 20, double.NaN, double.PositiveInfinity];
    private static readonly string[] Tests = [">", ">=", "<", "<=", "is nan"];

    private static readonly Gen<(string Rule, double[] Ys, int[] Cuts)> Cases =
        from test in Gen.Int[0, Tests.Length - 1]
        from threshold in Gen.Int[0, 3].Select(i => new[] { 0.0, 5, 10, 10.5 }[i])
        from points in Gen.Int[1, 6]
        from ys in Gen.Int[0, Values.Length - 1].Select(i => Values[i]).Array[0, 200]
        from withNaN in Gen.Bool
        from cuts in Gen.Int[0, 200].Array[0, 8]
        // Half the cases without NaN, so whole batches are ruled out by their range rather than scanned.
        select (Rule(Tests[test], threshold, points), withNaN ? ys : [.. ys.Select(y => double.IsNaN(y) ? 9.5 : y)], cuts);

    private static string Rule(string test, double threshold, int points) =>
        (test == "is nan" ? "v is nan" : $"v {test} {threshold}") + (points > 1 ? $" for {points} points" : "");

    [Fact]
    public void Firings_in_any_batches_are_the_models_in_count_and_place()
    {
        Cases.Sample(c =>
        {
            var rule = AlertRule.Parse(c.Rule);
            var store = new PlotStore();
            var sink = new AlertSink([rule], store, _ => { });
            var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "v", ""));
            var xs = Enumerable.Range(0, c.Ys.Length).Select(i => (double)i).ToArray();
            var cuts = c.Cuts.Where(k => k < c.Ys.Length).Append(0).Append(c.Ys.Length).Distinct().Order().ToArray();
            for (int k = 0; k + 1 < cuts.Length; k++) sink.Append(series, xs.AsSpan(cuts[k]..cuts[k + 1]), c.Ys.AsSpan(cuts[k]..cuts[k + 1]));

            var real = store.Events.Snapshot().Select(e => e.Event.X).ToArray();
            var model = Model(c.Ys, y => rule.Holds(y), rule.ForPoints);
            Assert.Equal(model, real);
            Assert.Equal(model.Length, sink.Fired);
        }, iter: 2_000);
    }

    // Stretches of consecutive points where the test holds; one firing at the Nth point of each long enough.
    private static double[] Model(double[] ys, Func<double, bool> holds, int n)
    {
        var fired = new List<double>();
        int start = -1;
        for (int i = 0; i <= ys.Length; i++)
        {
            bool inside = i < ys.Length && holds(ys[i]);
            if (inside && start < 0) start = i;
            if (!inside && start >= 0)
            {
                if (i - start >= n) fired.Add(start + n - 1);
                start = -1;
            }
        }
        return [.. fired];
    }
}
