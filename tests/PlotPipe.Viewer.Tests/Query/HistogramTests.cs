using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>The histogram of a series over the x in view: counts of the raw points, not of a view's.</summary>
public sealed class HistogramTests
{
    [Theory]
    [InlineData(SeriesKind.Line)]
    [InlineData(SeriesKind.Scatter)]
    public void Counts_are_those_of_the_raw_points_in_the_panel_s_x_range(SeriesKind kind)
    {
        var store = new PlotStore(maxPointsPerSeries: 4 * 4096);
        var random = new Random(11);
        int n = 10_000;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = kind == SeriesKind.Line ? i : random.Next(n);
            ys[i] = i % 97 == 0 ? double.NaN : Math.Sin(i / 50.0) + random.NextDouble();
        }
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "other", "b-")).Append([0, 1], [5, 6]);
        store.Define(new SeriesDefinition(1, kind, "signal", kind == SeriesKind.Line ? "r-" : "r.")).Append(xs, ys);
        var query = new PlotQuery();

        foreach (var (a, b) in new (double, double)[] { (0, n), (2_000.5, 3_100.5) })
        {
            query.Run(new ViewRequest(a, b, null, null, null, 400, 200, [new PanelRequest(0, 200, a, b, null, null)], HistogramOf: 1), store);
            var h = query.Histogram;
            Assert.Equal(1, h.SeriesIndex);
            var ranges = query.Panel(0).Ranges;
            Assert.Equal((ranges.XMin, ranges.XMax), (h.XMin, h.XMax));

            // Counted here apart from the viewer: the points in x range with a finite y, 50 bins from lowest to highest.
            var inRange = Enumerable.Range(0, n).Where(i => xs[i] >= ranges.XMin && xs[i] <= ranges.XMax && double.IsFinite(ys[i])).Select(i => ys[i]).ToList();
            double low = inRange.Min(), high = inRange.Max();
            var want = new long[50];
            foreach (double y in inRange) want[Math.Min(49, (int)((y - low) / (high - low) * 50))]++;
            Assert.Equal((low, high), (h.Low, h.High));
            Assert.Equal(inRange.Count, h.Total);
            Assert.Equal(want, h.Counts);
            Assert.Equal(h.Total, h.Counts.Sum());
        }
    }

    [Fact]
    public void A_hidden_series_or_none_asked_gets_no_histogram_and_one_value_fills_one_bin()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "flat", "b-")).Append([0, 1, 2], [3, 3, 3]);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(0, 100, null, null, null, null)], HistogramOf: 0), store);
        Assert.Equal(3, query.Histogram.Counts[0]);
        Assert.Equal(3, query.Histogram.Total);
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(0, 100, null, null, null, null)], Hidden: [0], HistogramOf: 0), store);
        Assert.Equal(-1, query.Histogram.SeriesIndex);
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(0, 100, null, null, null, null)]), store);
        Assert.Equal(-1, query.Histogram.SeriesIndex);
    }

    [Theory]
    [InlineData("""{"type":"view","histogram":4}""", 4)]
    [InlineData("""{"type":"view","histogram":null}""", null)]
    [InlineData("""{"type":"view"}""", null)]
    public void The_histogram_series_is_read_from_the_request(string json, int? series)
    {
        Assert.True(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out var request, out _, out _));
        Assert.Equal(series, request.HistogramOf);
    }

    [Fact]
    public void A_histogram_that_names_no_series_is_named()
    {
        Assert.False(ViewRequest.TryParse("""{"type":"view","histogram":"loss"}"""u8, out _, out _, out var error));
        Assert.Contains("histogram", error);
    }
}
