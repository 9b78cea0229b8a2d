namespace PlotPipe.Protocol.Tests;

public class PlotFormatTests
{
    [Theory]
    [InlineData("ro", SeriesKind.Scatter, 'r', 'o', null)]
    [InlineData("b-", SeriesKind.Line, 'b', null, "-")]
    [InlineData("--g", SeriesKind.Line, 'g', null, "--")]
    [InlineData("k-.", SeriesKind.Line, 'k', null, "-.")]
    [InlineData(":", SeriesKind.Line, null, null, ":")]
    [InlineData("*-r", SeriesKind.Scatter, 'r', '*', "-")]
    [InlineData("", SeriesKind.Scatter, null, 'o', null)]
    [InlineData("", SeriesKind.Line, null, null, "-")]
    [InlineData("m", SeriesKind.Line, 'm', null, "-")]
    [InlineData("^", SeriesKind.Line, null, '^', null)]
    [InlineData("s--c", SeriesKind.Scatter, 'c', 's', "--")]
    public void Valid_format_strings_parse_in_any_order(string format, SeriesKind kind, char? color, char? marker, string? line)
    {
        var f = PlotFormat.Parse(format, kind);
        Assert.Equal(color, f.Color);
        Assert.Equal(marker, f.Marker);
        Assert.Equal(line, f.LineStyle);
    }

    [Theory]
    [InlineData("z", "unknown character 'z' at position 0")]
    [InlineData("rq", "unknown character 'q' at position 1")]
    [InlineData("rb", "two colours ('r' and 'b')")]
    [InlineData("o.", "two markers ('o' and '.')")]
    [InlineData("---", "two line styles (\"--\" and \"-\")")]
    [InlineData("-:", "two line styles (\"-\" and \":\")")]
    public void Invalid_format_strings_name_the_bad_part(string format, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PlotFormat.Parse(format, SeriesKind.Line));
        Assert.Contains(expected, e.Message);
        Assert.Contains($"\"{format}\"", e.Message);
        Assert.Equal("format", e.ParamName);
    }

    [Fact]
    public void Colours_follow_matplotlib_and_unnamed_series_take_the_cycle()
    {
        Assert.Equal("#ff0000", PlotFormat.Parse("ro", SeriesKind.Scatter).CssColor(5));
        Assert.Equal(PlotFormat.Cycle[1], PlotFormat.Parse("-", SeriesKind.Line).CssColor(1));
        Assert.Equal(PlotFormat.Cycle[0], PlotFormat.Parse("o", SeriesKind.Scatter).CssColor(10));
    }
}
