using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Series of very different sizes in one panel: the smaller draw flat, and the viewer says so once, with the way out.</summary>
public class TextSpreadTests
{
    [Fact]
    public void A_board_whose_ADC_counts_dwarf_its_current_is_told_once_how_to_part_them()
    {
        var lines = string.Concat(Enumerable.Range(1, 50).Select(i => $"{{\"t\": {i}, \"adc\": {2000 + i}, \"current\": 0.5}}\n"));
        var feed = TextFeed.Parse(lines);
        Assert.Equal(
            "\"adc\" starts at 2001 and \"current\" at 0.5, on one y axis: the smaller series draw flat; --panel \"TITLE=adc,...\" gives series a panel of their own",
            Assert.Single(feed.Reports));
        Assert.Equal(0, feed.Store.BadLines);
        Assert.Equal(50, feed.Points("current").Count());
    }

    [Fact]
    public void A_field_that_appears_later_and_spreads_the_panel_is_told_when_it_appears()
    {
        var feed = TextFeed.Parse("{\"a\": 5}\n{\"a\": 6}\n{\"a\": 7, \"b\": 50000}\n");
        Assert.Contains("\"b\" starts at 50000 and \"a\" at 5", Assert.Single(feed.Reports));
    }

    [Theory]
    [InlineData("step,loss,lr\n1,2.3,0.01\n2,2.2,0.01\n")] // 230 times apart: both still show their changes
    [InlineData("a,b\n0,5000\n1,5001\n")] // the first column is x
    [InlineData("t,zero,big\n1,0,5000\n2,3,5001\n")] // a first value of 0 says nothing of a series' size
    [InlineData("single\n1e9\n2e9\n")]
    public void Series_within_a_thousand_times_of_each_other_are_not_remarked_on(string text)
    {
        var feed = TextFeed.Parse(text);
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void With_any_panel_asked_for_the_user_has_placed_the_series_and_nothing_is_said()
    {
        var options = new TextOptions();
        Assert.True(TextPanel.TryParse("Memory=free", out var panel, out _));
        options.Panels.Add(panel);
        var feed = TextFeed.Parse("us,free,wa\n5,20000000,1\n", options);
        Assert.Empty(feed.Reports);
        // The same row without the panel is remarked on.
        var spread = TextFeed.Parse("us,free,wa\n5,20000000,1\n");
        Assert.Contains("\"free\" starts at 20000000 and \"wa\" at 1", Assert.Single(spread.Reports));
    }
}
