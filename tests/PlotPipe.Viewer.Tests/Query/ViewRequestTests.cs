using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>Reading the page's view message and turning it into ranges.</summary>
public sealed class ViewRequestTests
{
    [Fact]
    public void View_message_with_ranges_and_size_is_read()
    {
        Assert.True(ViewRequest.TryParse("""{"type":"view","x":[3,1],"y":[-1,1],"follow":null,"width":640.4,"height":99999}"""u8, out var r, out bool isView, out _));
        Assert.True(isView);
        Assert.Equal(new ViewRequest(1, 3, -1, 1, null, 640, ViewRequest.MaxSidePx), r);
    }

    [Fact]
    public void Follow_is_a_span_or_auto_and_the_last_one_given_counts()
    {
        Assert.True(ViewRequest.TryParse("""{"type":"view","follow":"auto","width":100,"height":100}"""u8, out var auto, out _, out _));
        Assert.True(auto.AutoFollow && auto.Follows);
        Assert.Null(auto.FollowSpan);
        Assert.True(ViewRequest.TryParse("""{"type":"view","follow":"auto","follow":25}"""u8, out var span, out _, out _));
        Assert.Equal((25.0, false, true), (span.FollowSpan, span.AutoFollow, span.Follows));
        Assert.True(ViewRequest.TryParse("""{"type":"view","follow":null}"""u8, out var off, out _, out _));
        Assert.False(off.Follows);
    }

    [Theory]
    [InlineData("""{"type":"view","coords":"f32"}""", true)]
    [InlineData("""{"type":"view","coords":"f64"}""", false)]
    [InlineData("""{"type":"view","coords":null}""", false)]
    [InlineData("""{"type":"view"}""", false)]
    public void Coords_asks_for_points_as_float32_offsets(string json, bool float32)
    {
        Assert.True(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out var r, out _, out _));
        Assert.Equal(float32, r.Float32);
    }

    [Fact]
    public void Other_message_types_are_ignored_not_refused()
    {
        Assert.True(ViewRequest.TryParse("""{"type":"hello","extra":{"a":[1,2]}}"""u8, out _, out bool isView, out _));
        Assert.False(isView);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"type":"view","x":[1]}""")]
    [InlineData("""{"type":"view","follow":-1}""")]
    [InlineData("""{"type":"view","follow":"sometimes"}""")]
    [InlineData("""{"type":"view","follow":true}""")]
    [InlineData("""{"type":"view","width":"wide"}""")]
    [InlineData("""{"type":"view","seq":-1}""")]
    [InlineData("""{"type":"view","seq":1.5}""")]
    [InlineData("""{"type":"view","coords":"f16"}""")]
    [InlineData("""{"type":"view"} {}""")]
    public void Malformed_messages_are_refused_with_a_reason(string json)
    {
        Assert.False(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Degenerate_ranges_are_widened_around_their_value()
    {
        Assert.Equal((4.75, 5.25), ViewRanges.Widen(5, 5));
        Assert.Equal((-0.5, 0.5), ViewRanges.Widen(0, 0));
        Assert.Equal((0, 1), ViewRanges.Widen(double.NaN, 1));
    }

    [Theory]
    [InlineData(1e300, 1e300)]
    [InlineData(1e300, 300)]
    [InlineData(4096, 4096)]
    public void An_absurd_plot_size_is_clamped_to_a_screens_worth_of_pixels_in_its_shape(double width, double height)
    {
        var json = System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant($$"""{"type":"view","x":null,"y":null,"follow":null,"width":{{width:R}},"height":{{height:R}}}"""));
        Assert.True(ViewRequest.TryParse(json, out var r, out bool isView, out _));
        Assert.True(isView);
        Assert.InRange(r.WidthPx, 1, ViewRequest.MaxSidePx);
        Assert.InRange(r.HeightPx, 1, ViewRequest.MaxSidePx);
        double w = Math.Min(width, ViewRequest.MaxSidePx), h = Math.Min(height, ViewRequest.MaxSidePx);
        Assert.InRange((long)r.WidthPx * r.HeightPx, Math.Min(w * h, ViewRequest.MaxAreaPx) * 0.99, ViewRequest.MaxAreaPx);
        double asked = w / h;
        Assert.Equal(asked, (double)r.WidthPx / r.HeightPx, 0.01 * asked);
    }

    [Theory]
    [InlineData(-1e308, 1e308)]
    [InlineData(double.MinValue, double.MaxValue)]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(1e308, 1.7e308)]
    public void Ranges_at_the_edge_of_doubles_are_pulled_in_to_a_finite_span(double min, double max)
    {
        var (a, b) = ViewRanges.Widen(min, max);
        Assert.True(double.IsFinite(b - a) && b > a, $"[{a}, {b}]");
        Assert.True(Math.Abs(a) <= ViewRanges.MaxEdge * 1.05 && Math.Abs(b) <= ViewRanges.MaxEdge * 1.05, $"[{a}, {b}]");
    }

    [Fact]
    public void Fitting_data_at_the_edge_of_doubles_gives_finite_spans()
    {
        var s = new SeriesStore(new SeriesDefinition(0, SeriesKind.Scatter, "a", "o"), 0);
        s.Append([-1.7e308, 1.7e308], [-1.7e308, 1.7e308]);
        var r = ViewRanges.Resolve(ViewRequest.FitAll, new DataBounds(-1.7e308, 1.7e308, -1.7e308, 1.7e308), [SeriesKind.Scatter], [s.Snapshot()]);
        Assert.True(double.IsFinite(r.XMax - r.XMin) && r.XMax > r.XMin, r.ToString());
        Assert.True(double.IsFinite(r.YMax - r.YMin) && r.YMax > r.YMin, r.ToString());
        var follow = ViewRanges.Resolve(new ViewRequest(null, null, null, null, 1e308, 100, 100), new DataBounds(-1.7e308, -1e308, 0, 1), [SeriesKind.Scatter], [s.Snapshot()]);
        Assert.True(double.IsFinite(follow.XMax - follow.XMin) && follow.XMax > follow.XMin, follow.ToString());
    }

    [Fact]
    public void Empty_plot_resolves_to_a_unit_box()
    {
        var r = ViewRanges.Resolve(ViewRequest.FitAll, DataBounds.Empty, [], []);
        Assert.Equal(new DataBounds(0, 1, 0, 1), r);
    }

    [Fact]
    public void Follow_ends_at_the_newest_x_and_y_fits_the_points_in_it()
    {
        var s = new SeriesStore(new SeriesDefinition(0, SeriesKind.Line, "a", "-"), 0);
        s.Append([0, 1, 2, 3, 4], [100, 0, 1, 2, 3]);
        var snapshot = s.Snapshot();
        var r = ViewRanges.Resolve(new ViewRequest(null, null, null, null, 2, 100, 100), new DataBounds(0, 4, 0, 100), [SeriesKind.Line], [snapshot]);
        Assert.Equal(2, r.XMin);
        Assert.Equal(4, r.XMax);
        Assert.Equal(1 - 0.1, r.YMin, 12);
        Assert.Equal(3 + 0.1, r.YMax, 12);
    }

    [Fact]
    public void Panels_and_hidden_series_are_read_in_the_pages_order()
    {
        Assert.True(ViewRequest.TryParse("""
            {"type":"view","x":[0,10],"follow":null,"width":800,
             "panels":[{"id":2,"height":300,"y":[1,100],"x":null},{"id":0,"height":150.4,"y":null,"x":[5,1],"future":{"a":1}}],
             "hidden":[7,3,7,-1,2.5]}
            """u8, out var r, out bool isView, out var error), error);
        Assert.True(isView);
        Assert.Equal([new PanelRequest(2, 300, null, null, 1, 100), new PanelRequest(0, 150, 1, 5, null, null)], r.Panels!);
        // Sorted, repeats dropped; what cannot be a series index is ignored, as unknown indexes are.
        Assert.Equal([3, 7], r.Hidden!);
        Assert.True(r.IsHidden(7));
        Assert.False(r.IsHidden(2));
    }

    [Fact]
    public void The_area_over_all_panels_is_clamped_by_one_factor_keeping_each_panels_shape()
    {
        Assert.True(ViewRequest.TryParse("""{"type":"view","width":4096,"panels":[{"id":0,"height":4096},{"id":1,"height":2048}]}"""u8, out var r, out _, out _));
        long area = (long)r.WidthPx * r.Panels!.Sum(p => p.HeightPx);
        Assert.InRange(area, ViewRequest.MaxAreaPx * 0.99, ViewRequest.MaxAreaPx);
        Assert.Equal(1.0, (double)r.WidthPx / r.Panels![0].HeightPx, 2);
        Assert.Equal(2.0, (double)r.Panels[0].HeightPx / r.Panels[1].HeightPx, 2);
    }

    [Theory]
    [InlineData("""{"type":"view","panels":{"id":0}}""", "panels")]
    [InlineData("""{"type":"view","panels":[{"height":10}]}""", "id")]
    [InlineData("""{"type":"view","panels":[{"id":64}]}""", "id")]
    [InlineData("""{"type":"view","panels":[{"id":0,"y":[1]}]}""", "y")]
    [InlineData("""{"type":"view","panels":[{"id":0,"height":"tall"}]}""", "height")]
    [InlineData("""{"type":"view","hidden":"3"}""", "hidden")]
    [InlineData("""{"type":"view","hidden":["3"]}""", "hidden")]
    public void Malformed_panels_or_hidden_are_refused_naming_the_field(string json, string field)
    {
        Assert.False(ViewRequest.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out _, out var error));
        Assert.Contains(field, error);
    }

    [Fact]
    public void Log_ranges_are_positive_fit_in_decades_and_fall_back_to_one_to_ten()
    {
        Assert.Equal((1.0, 10.0), ViewRanges.ResolveY(null, null, DataBounds.Empty, log: true));
        Assert.Equal((1.0, 10.0), ViewRanges.ResolveY(null, null, new DataBounds(0, 1, -5, -1), log: true));
        var (a, b) = ViewRanges.ResolveY(null, null, new DataBounds(0, 1, 0.01, 100), log: true);
        Assert.Equal(Math.Pow(10, -2.2), a, 12);
        Assert.Equal(Math.Pow(10, 2.2), b, 12);
        // An asked range reaching zero starts at a thousandth of its top; a follow span reaching below zero starts at the data.
        Assert.Equal((0.01, 10.0), ViewRanges.ResolveY(-3, 10, DataBounds.Empty, log: true));
        Assert.Equal((0.5, 4.0), ViewRanges.ResolveX(null, null, 100, new DataBounds(0.5, 4, 1, 2), scatter: false, log: true));
        var (c, d) = ViewRanges.WidenLog(3, 3);
        Assert.True(c < 3 && d > 3 && c > 0, $"[{c}, {d}]");
    }
}
