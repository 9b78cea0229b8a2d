using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>--title, --xlabel, --ylabel and --panel: the plot model text input defines.</summary>
public class TextShapeTests
{
    private static TextOptions Shaped(params string[] panels)
    {
        var options = new TextOptions { Title = "Bench", YLabel = "counts" };
        Assert.Null(options.ReadShape(null, panels));
        return options;
    }

    [Fact]
    public void Panels_take_the_columns_they_name_and_the_rest_stay_in_the_default_panel()
    {
        var feed = TextFeed.Parse("t,adc,current,voltage\n0,2048,0.5,3.3\n1,2050,0.51,3.3\n", Shaped("Current=current", "Volts:log=voltage"));
        var plot = feed.Store.Plot;
        Assert.Equal("Bench", plot.Title);
        Assert.Equal([0, 1, 2], plot.Panels.Select(p => p.Id));
        var main = plot.Panels[0];
        Assert.Equal(("t", "counts"), (main.XLabel, main.YLabel));
        Assert.Equal(("Current", AxisKind.Linear, "t"), (plot.Panels[1].Title, plot.Panels[1].YScale, plot.Panels[1].XLabel));
        Assert.Equal(("Volts", AxisKind.Log), (plot.Panels[2].Title, plot.Panels[2].YScale));
        Assert.Equal(0, feed.Definition("adc").Panel);
        Assert.Equal(1, feed.Definition("current").Panel);
        Assert.Equal(2, feed.Definition("voltage").Panel);
    }

    [Fact]
    public void A_panel_naming_a_column_the_rows_lack_is_said_once_and_the_rest_is_plotted()
    {
        // vmstat's header with "id" misspelt in the panel: the panel gets the others, and the typo is named.
        var feed = TextFeed.Parse("r b us sy id\n1 0 5 2 93\n0 0 6 1 93\n", Shaped("CPU=us,sy,idd"));
        Assert.Equal("--panel \"CPU\": no column is named \"idd\" (the series: r, b, us, sy, id)", Assert.Single(feed.Reports));
        Assert.Equal(0, feed.Store.BadLines);
        Assert.Equal(1, feed.Definition("sy").Panel);
        Assert.Equal(0, feed.Definition("id").Panel);
        Assert.Equal(2, feed.Points("id").Length);
    }

    [Fact]
    public void A_panel_naming_the_x_column_or_unnamed_columns_by_their_series_names_is_not_questioned()
    {
        Assert.Empty(TextFeed.Parse("step,loss\n1,2\n", Shaped("Steps=step")).Reports);
        Assert.Empty(TextFeed.Parse("1 2 3\n2 3 4\n", Shaped("Second=y2")).Reports);
    }

    [Fact]
    public void Panels_take_json_fields_and_named_series_alike()
    {
        var feed = TextFeed.Parse("{\"t\": 0, \"adc\": 2048, \"current\": 0.5}\n{\"series\": \"val\", \"x\": 1, \"y\": 2}\n", Shaped("Current=current,val"));
        Assert.Equal(0, feed.Definition("adc").Panel);
        Assert.Equal(1, feed.Definition("current").Panel);
        Assert.Equal(1, feed.Definition("val").Panel);
    }

    [Fact]
    public void X_is_labelled_by_its_column_the_line_or_the_time_unless_xlabel_says()
    {
        Assert.Equal("step", TextFeed.Parse("step,loss\n1,2\n").Store.Plot.Panels[0].XLabel);
        Assert.Equal("line", TextFeed.Parse("5\n6\n").Store.Plot.Panels[0].XLabel);
        Assert.Equal("line", TextFeed.Parse("{\"loss\": 1}\n").Store.Plot.Panels[0].XLabel);
        Assert.Equal("time", TextFeed.Parse("5\n", new TextOptions { XField = TextOptions.ArrivalTime }).Store.Plot.Panels[0].XLabel);
        Assert.Equal("seconds since boot", TextFeed.Parse("step,loss\n1,2\n", new TextOptions { XLabel = "seconds since boot" }).Store.Plot.Panels[0].XLabel);
        // Headerless x has no name to give: the plot is left as it was.
        Assert.Equal(PlotDefinition.DefaultTitle, TextFeed.Parse("1 2\n").Store.Plot.Title);
        Assert.Null(TextFeed.Parse("1 2\n").Store.Plot.Panels[0].XLabel);
    }

    [Fact]
    public void A_plot_another_producer_defined_keeps_its_title_and_labels()
    {
        var feed = new TextFeed();
        feed.Store.Plot.DefinePlot([new("title", "Fleet"), new("xlabel", "uptime")]);
        feed.Arrive("step,loss\n1,2\n"u8.ToArray(), true);
        Assert.Equal("Fleet", feed.Store.Plot.Title);
        Assert.Equal("uptime", feed.Store.Plot.Panels[0].XLabel);
        Assert.Equal([(1, 2)], feed.Points("loss"));
    }

    [Theory]
    [InlineData("Current", "--panel \"Current\": give it as TITLE=NAME,NAME (TITLE:log=... for a log y axis)")]
    [InlineData("Current=", "--panel \"Current=\": name the columns it draws after '='")]
    [InlineData("=current", "--panel \"=current\": the panel needs a title before '='")]
    [InlineData("Loss:lg=train", "--panel \"Loss:lg=train\": the scale after ':' must be log or linear, not \"lg\"")]
    [InlineData("Loss=train,,val", "--panel \"Loss=train,,val\": name 2 after '=' is empty")]
    public void A_bad_panel_spec_is_refused_with_one_line_naming_it(string spec, string refusal)
    {
        Assert.Equal(refusal, new TextOptions().ReadShape(null, [spec]));
    }

    [Fact]
    public void A_column_in_two_panels_and_contradicting_options_are_refused()
    {
        Assert.Equal("--panel \"B=a\": \"a\" is already in panel \"A\"", new TextOptions().ReadShape(null, ["A=a,b", "B=a"]));
        Assert.Equal("--columns \"a,,b\": column 2 has no name (give them as a,b,c)", new TextOptions().ReadShape("a,,b", null));
        Assert.StartsWith("--x-time and --x @line contradict each other", new TextOptions { XTime = true, XField = "@line" }.ReadShape(null, null));
        Assert.StartsWith("--x @lines: the names starting with @ are @line and @time", new TextOptions { XField = "@lines" }.ReadShape(null, null));
        var many = Enumerable.Range(0, TextPanel.MaxPanels + 1).Select(i => $"P{i}=c{i}").ToArray();
        Assert.Equal($"--panel \"P63=c63\": a plot holds at most 63 panels besides the default one", new TextOptions().ReadShape(null, many));
    }
}
