using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>x groups and follow windows through the query: each group on its own range, each following its own newest x.</summary>
public sealed class XGroupQueryTests
{
    private static readonly double T0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static PanelRequest[] Panels(params int[] ids) => ids.Select(id => new PanelRequest(id, 100, null, null, null, null)).ToArray();

    private static (double, double) X(PanelView panel) => (panel.Ranges.XMin, panel.Ranges.XMax);

    [Fact]
    public void Steps_and_times_in_linked_panels_are_each_fitted_to_their_own_data()
    {
        var store = PlotLayoutTests.MixedExample(steps: 3_000, readings: 600);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0, 1, 2)), store);
        Assert.Equal((T0, T0 + 599), X(query.Panel(0)));
        Assert.Equal((0.0, 2_999.0), X(query.Panel(1)));
        Assert.Equal((0.0, 2_999.0), X(query.Panel(2)));
        // Every series is in view: its points span its panel.
        for (int p = 0; p < 3; p++) Assert.True(query.Panel(p).ViewAt(0).PointsInView == (p == 0 ? 600 : 3_000), $"panel {p}");
        Assert.Equal(AxisKind.Time, query.Panel(0).Layout.X);
    }

    [Fact]
    public void A_zoom_in_the_step_panels_leaves_the_time_panel_where_it_was()
    {
        var store = PlotLayoutTests.MixedExample();
        var query = new PlotQuery();
        PanelRequest[] panels = [new(0, 100, null, null, null, null), new(1, 100, 1_000, 2_000, null, null), new(2, 100, 1_000, 2_000, null, null)];
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, panels), store);
        Assert.Equal((T0, T0 + 599), X(query.Panel(0)));
        Assert.Equal((1_000.0, 2_000.0), X(query.Panel(1)));
        Assert.Equal((1_000.0, 2_000.0), X(query.Panel(2)));
    }

    [Fact]
    public void A_given_follow_span_ends_each_group_at_its_own_newest_x()
    {
        var store = PlotLayoutTests.MixedExample(steps: 3_000, readings: 600);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, 100, 800, 100, Panels(0, 1, 2)), store);
        Assert.Equal((T0 + 499, T0 + 599), X(query.Panel(0)));
        Assert.Equal((2_899.0, 2_999.0), X(query.Panel(1)));
        Assert.Equal((2_899.0, 2_999.0), X(query.Panel(2)));
    }

    [Fact]
    public void Automatic_follow_picks_each_group_s_own_window()
    {
        // Ten minutes of readings every second: a tenth is 60 s, rounded to 50, but the newest hundred readings take
        // 99 s, rounded up to 100.
        var store = PlotLayoutTests.MixedExample(steps: 30_000, readings: 600);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0, 1, 2), AutoFollow: true), store);
        AssertFollows(T0 + 599, 100, 800, X(query.Panel(0)));
        // 30,000 steps: a tenth is 3,000, rounded to 2,000.
        AssertFollows(29_999, 2_000, 800, X(query.Panel(1)));
        Assert.Equal(X(query.Panel(1)), X(query.Panel(2)));
    }

    [Fact]
    public void Automatic_follow_of_a_sparse_live_time_series_shows_at_least_a_minute()
    {
        var store = new PlotStore();
        // A reading every two seconds for the last 20 seconds: the old 10 % rule followed 2 s, one reading.
        var xs = Enumerable.Range(0, 10).Select(i => T0 + 2.0 * i).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "load", "b-", Flags: SeriesFlags.TimeX)).Append(xs, xs.Select(x => 1.5).ToArray());
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0), AutoFollow: true), store);
        var (lo, hi) = X(query.Panel(0));
        Assert.Equal(T0 + 18, hi);
        Assert.Equal(60, hi - lo);
        Assert.Equal(10, query.Panel(0).ViewAt(0).PointsInView);
    }

    [Fact]
    public void Automatic_follow_of_a_short_plain_stream_starts_at_its_first_point_not_before()
    {
        var store = new PlotStore();
        // vmstat's first rows, numbered from line 3: the newest hundred points do not exist yet, and a window of 20
        // lines ending at line 15 would show line -5.
        var lines = Enumerable.Range(3, 13).Select(i => (double)i).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "free", "-")).Append(lines, lines);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0), AutoFollow: true), store);
        Assert.Equal((3.0, 15.0), X(query.Panel(0)));

        // A span the user gave is kept whole.
        query.Run(new ViewRequest(null, null, null, null, 20, 800, 100, Panels(0)), store);
        Assert.Equal((-5.0, 15.0), X(query.Panel(0)));
    }

    [Fact]
    public void Automatic_follow_holds_the_newest_hundred_points_of_the_densest_series()
    {
        var store = new PlotStore();
        // A point every 100 steps, 300 of them: a tenth (3,000, rounded to 2,000) would hold 20; 100 take 9,900, so 10,000.
        var sparse = Enumerable.Range(0, 300).Select(i => 100.0 * i).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "validation", "r.-")).Append(sparse, sparse.Select(x => x / 1e4).ToArray());
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0), AutoFollow: true), store);
        Assert.Equal((29_900.0 - 10_000, 29_900.0), X(query.Panel(0)));

        // A dense series beside it sets the window: its newest hundred points need only 100 steps, so the tenth counts.
        var dense = Enumerable.Range(0, 29_901).Select(i => (double)i).ToArray();
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "train", "b-")).Append(dense, dense);
        query.Run(new ViewRequest(null, null, null, null, null, 800, 100, Panels(0), AutoFollow: true), store);
        Assert.Equal((29_900.0 - 2_000, 29_900.0), X(query.Panel(0)));
    }

    [Theory]
    [InlineData(0, 30_000, 99, false, 2_000)]      // a tenth, rounded to the nearest 1, 2 or 5
    [InlineData(0, 6_000, 99, false, 500)]         // 600 rounds to 500
    [InlineData(0, 300, 250, false, 500)]          // the newest hundred points cover 250: up to 500
    [InlineData(0, 30, 29, true, 60)]              // a minute at least on a time axis
    [InlineData(0, 36_000, 0.099, true, 5_000)]    // ten hours: a tenth, 3,600 s, rounds to 5,000
    [InlineData(5, 5, 0, false, 1)]                // one x: a unit window
    [InlineData(5, 5, 0, true, 60)]
    [InlineData(double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, false, 1)] // no data
    public void Automatic_follow_window_is_a_rounded_tenth_or_the_floors(double xMin, double xMax, double recent, bool time, double expected)
    {
        Assert.Equal(expected, ViewRanges.AutoFollowSpan(new DataBounds(xMin, xMax, 0, 1), recent, time), 9);
    }

    [Fact]
    public void Automatic_follow_window_is_finite_for_the_widest_data()
    {
        double span = ViewRanges.AutoFollowSpan(new DataBounds(-1.7e308, 1.7e308, 0, 1), 1e308, time: false);
        Assert.True(double.IsFinite(span) && span > 0, span.ToString());
    }

    [Fact]
    public void An_older_page_s_top_level_x_moves_the_first_linked_group_alone()
    {
        // An older page sends the linked x at the top level alone: it moves the group of the first linked panel
        // listed (the time group on top, then the steps' when they are listed first); other groups stay fitted.
        var store = PlotLayoutTests.MixedExample();
        var query = new PlotQuery();
        query.Run(new ViewRequest(T0 + 100, T0 + 200, null, null, null, 800, 100, Panels(0, 1, 2)), store);
        Assert.Equal((T0 + 100, T0 + 200), X(query.Panel(0)));
        Assert.Equal((0.0, 2_999.0), X(query.Panel(1)));
        Assert.Equal((0.0, 2_999.0), X(query.Panel(2)));

        query.Run(new ViewRequest(1_000, 2_000, null, null, null, 800, 100, Panels(1, 2, 0)), store);
        Assert.Equal((1_000.0, 2_000.0), X(query.Panel(0)));
        Assert.Equal((1_000.0, 2_000.0), X(query.Panel(1)));
        Assert.Equal((T0, T0 + 599), X(query.Panel(2)));
    }

    // A following window ends on the first edge at or past the newest x of a column grid fixed in x (so the next view,
    // moved by whole columns, keeps its columns): within one column of it, and exactly the span wide.
    private static void AssertFollows(double newest, double span, int widthPx, (double Min, double Max) x)
    {
        Assert.InRange(x.Max, newest, newest + span / widthPx);
        Assert.Equal(span, x.Max - x.Min, span * 1e-9);
    }
}
