using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>The smoothed curve a panel asks for: the EMA of the raw points, the same at every zoom.</summary>
public sealed class SmoothedViewTests
{
    private const int Points = 13_000; // a little over three chunks of 4096

    [Fact]
    public void Smoothed_points_equal_the_ema_of_the_raw_points_at_two_zoom_levels()
    {
        var store = new PlotStore(maxPointsPerSeries: 4 * 4096);
        var (xs, ys) = Noisy(Points);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-")).Append(xs, ys);
        var expected = Ema(ys, 0.9);
        var query = new PlotQuery();

        // The whole series, then a window inside the third chunk, then the whole again (from the cached states).
        (double?, double?)[] zooms = [(null, null), (9_000.5, 9_400.5), (null, null), (2.5, 5_000.5)];
        foreach (var (a, b) in zooms)
        {
            query.Run(new ViewRequest(null, null, null, null, null, 400, 200, [new PanelRequest(0, 200, a, b, null, null, 0.9)]), store);
            var panel = query.Panel(0);
            Assert.Equal(1, panel.SmoothedCount);
            Assert.Equal(0, panel.SmoothedIndexAt(0));
            var smoothed = panel.SmoothedAt(0);
            Assert.True(smoothed.Count > 0);
            Assert.True(smoothed.Count <= SmoothedView.MaxPointsPerColumn * (400 + 2));
            for (int k = 0; k < smoothed.Count; k++)
            {
                int i = (int)smoothed.Xs[k];
                Assert.Equal(xs[i], smoothed.Xs[k]);
                Assert.Equal(expected[i], smoothed.Ys[k]);
            }
            // The curve reaches both edges of the view: one point at or before the left, one at or after the right.
            Assert.True(smoothed.Xs[0] <= panel.Ranges.XMin);
            Assert.True(smoothed.Xs[smoothed.Count - 1] >= Math.Min(panel.Ranges.XMax, xs[^1]));
        }
    }

    [Fact]
    public void A_zoomed_view_holds_each_column_s_extremes_of_the_smoothed_curve()
    {
        var store = new PlotStore(maxPointsPerSeries: 4 * 4096);
        var (xs, ys) = Noisy(Points);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-")).Append(xs, ys);
        var expected = Ema(ys, 0.99);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 100, 200, [new PanelRequest(0, 200, 0, 10_000, null, null, 0.99)]), store);
        var smoothed = query.Panel(0).SmoothedAt(0);
        double sentMax = double.NegativeInfinity, sentMin = double.PositiveInfinity;
        for (int k = 0; k < smoothed.Count; k++) (sentMax, sentMin) = (Math.Max(sentMax, smoothed.Ys[k]), Math.Min(sentMin, smoothed.Ys[k]));
        Assert.Equal(expected[..10_002].Max(), sentMax);
        Assert.Equal(expected[..10_002].Min(), sentMin);
    }

    [Fact]
    public void After_an_eviction_the_curve_starts_from_the_first_held_point()
    {
        var store = new PlotStore(maxPointsPerSeries: 4 * 4096);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-"));
        var (xs, ys) = Noisy(3 * Points);
        var query = new PlotQuery();
        series.Append(xs[..Points], ys[..Points]);
        query.Run(new ViewRequest(null, null, null, null, null, 300, 200, [new PanelRequest(0, 200, null, null, null, null, 0.8)]), store);
        series.Append(xs[Points..], ys[Points..]);
        query.Run(new ViewRequest(null, null, null, null, null, 300, 200, [new PanelRequest(0, 200, null, null, null, null, 0.8)]), store);

        var held = store.Series[0].Snapshot(out long evicted);
        Assert.True(evicted > 0);
        var expected = Ema(ys[(int)evicted..], 0.8);
        var smoothed = query.Panel(0).SmoothedAt(0);
        Assert.True(smoothed.Count > 0);
        for (int k = 0; k < smoothed.Count; k++) Assert.Equal(expected[(int)smoothed.Xs[k] - (int)evicted], smoothed.Ys[k]);
        Assert.Equal(held.X(0), smoothed.Xs[0]);
    }

    [Fact]
    public void A_panel_without_smoothing_sends_no_smoothed_curve_and_the_message_counts_the_curves()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-")).Append([0, 1, 2], [1, 2, 3]);
        store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "b", "r.")).Append([0, 1, 2], [1, 2, 3]);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(0, 100, null, null, null, null)]), store);
        Assert.Equal(0, query.Panel(0).SmoothedCount);
        long plain = ViewMessage.MeasureBytes(query);

        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(0, 100, null, null, null, null, 0.5)]), store);
        Assert.Equal(1, query.Panel(0).SmoothedCount); // the scatter has no smoothed curve
        var bytes = new byte[ViewMessage.MeasureBytes(query)];
        Assert.Equal(plain + ViewMessage.SeriesHeaderBytes + (16 * 3), bytes.Length);
        Assert.Equal(bytes.Length, ViewMessage.Write(bytes, query));
        Assert.Equal(3u, BitConverter.ToUInt32(bytes, 12));
    }

    [Theory]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":0.6}]}""", 0.6)]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":0.9999}]}""", 0.999)]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":null}]}""", 0.0)]
    [InlineData("""{"type":"view","panels":[{"id":0}]}""", 0.0)]
    public void A_panel_s_smoothing_weight_is_read_and_clamped(string json, double weight)
    {
        Assert.True(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out var request, out _, out _));
        Assert.Equal(weight, request.Panels![0].Smooth);
    }

    [Theory]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":1}]}""")]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":-0.1}]}""")]
    [InlineData("""{"type":"view","panels":[{"id":0,"smooth":"high"}]}""")]
    public void A_smoothing_weight_out_of_range_is_named(string json)
    {
        Assert.False(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out _, out var error));
        Assert.Contains("smooth", error);
    }

    // Written out here apart from the viewer's code: TensorBoard's debiased EMA over the finite ys.
    private static double[] Ema(double[] ys, double w)
    {
        var result = new double[ys.Length];
        double last = 0, power = 1;
        for (int i = 0; i < ys.Length; i++)
        {
            if (!double.IsFinite(ys[i]))
            {
                result[i] = double.NaN;
                continue;
            }
            last = (last * w) + ((1 - w) * ys[i]);
            power *= w;
            result[i] = last / (1 - power);
        }
        return result;
    }

    // x is the index, so a sent point names its raw point; y is noise with a trend.
    private static (double[] Xs, double[] Ys) Noisy(int n)
    {
        var random = new Random(7);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = i;
            ys[i] = (1000.0 / (i + 10)) + random.NextDouble();
        }
        return (xs, ys);
    }
}
