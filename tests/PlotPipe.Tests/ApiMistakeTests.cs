using PlotPipe.Tests.Support;

namespace PlotPipe.Tests;

/// <summary>User mistakes throw ArgumentException naming the bad value; nothing else in the API throws.</summary>
public class ApiMistakeTests
{
    private static LivePlot Plot() => LivePlot.ToStream(new GateStream());

    [Fact]
    public async Task Unequal_spans_throw_naming_both_lengths()
    {
        await using var plot = Plot();
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Scatter("s").Add(new double[3], new double[2]));
        Assert.Contains("xs has 3", e.Message);
        Assert.Contains("ys has 2", e.Message);
    }

    [Theory]
    [InlineData("rz", "'z'")]
    [InlineData("ro-x", "two markers")]
    [InlineData("gk", "two colours")]
    public async Task Bad_format_strings_throw_naming_the_bad_part(string format, string part)
    {
        await using var plot = Plot();
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Line("loss", format));
        Assert.Contains(part, e.Message);
        Assert.Equal("format", e.ParamName);
    }

    [Fact]
    public async Task Empty_or_overlong_names_throw()
    {
        await using var plot = Plot();
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => plot.Scatter("")).ParamName);
        Assert.Contains("200", Assert.ThrowsAny<ArgumentException>(() => plot.Scatter(new string('n', 201))).Message);
    }

    [Fact]
    public async Task More_series_than_the_protocol_carries_throw()
    {
        await using var plot = Plot();
        for (int i = 0; i < Protocol.ProtocolLimits.MaxSeries; i++) plot.Scatter($"s{i}");
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Scatter("one too many"));
        Assert.Contains("1024", e.Message);
    }

    [Theory]
    [InlineData(nameof(LivePlotOptions.BatchPoints))]
    [InlineData(nameof(LivePlotOptions.BufferPoints))]
    [InlineData(nameof(LivePlotOptions.Port))]
    [InlineData(nameof(LivePlotOptions.FlushInterval))]
    public void Out_of_range_options_throw_naming_the_option(string option)
    {
        var o = new LivePlotOptions();
        switch (option)
        {
            case nameof(LivePlotOptions.BatchPoints): o.BatchPoints = 0; break;
            case nameof(LivePlotOptions.BufferPoints): o.BufferPoints = 10; break;
            case nameof(LivePlotOptions.Port): o.Port = 70000; break;
            case nameof(LivePlotOptions.FlushInterval): o.FlushInterval = TimeSpan.Zero; break;
        }
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), o));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public async Task Messages_read_as_written_without_the_runtime_parameter_suffix_and_quote_long_names_shortened()
    {
        await using var plot = Plot();
        var format = Assert.ThrowsAny<ArgumentException>(() => plot.Line("loss", "rz"));
        Assert.EndsWith("(- -- : -.)", format.Message);
        Assert.DoesNotContain("(Parameter", format.Message);
        var name = new string('n', 10_000);
        var longName = Assert.ThrowsAny<ArgumentException>(() => plot.Scatter(name));
        Assert.Equal("name", longName.ParamName);
        Assert.Contains(new string('n', 39) + "…", longName.Message);
        Assert.True(longName.Message.Length < 150, longName.Message);
        Assert.Contains("10000 UTF-8 bytes", longName.Message);
        var option = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { Port = -1 }));
        Assert.Equal("Port -1 is not a TCP port (0 to 65535)", option.Message);
    }

    [Fact]
    public void A_negative_viewer_memory_limit_throws_naming_it()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { ViewerMaxMemory = -1 }));
        Assert.Equal(nameof(LivePlotOptions.ViewerMaxMemory), e.ParamName);
    }

    [Fact]
    public void A_missing_viewer_path_throws_naming_it()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Spawn(new LivePlotOptions { ViewerPath = "/nowhere/viewer", OpenBrowser = false }));
        Assert.Contains("/nowhere/viewer", e.Message);
    }

    [Fact]
    public void The_producer_library_does_not_depend_on_the_viewer_code()
    {
        var references = typeof(LivePlot).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("PlotPipe.Protocol", references);
        Assert.DoesNotContain("PlotPipe.Viewer", references);
    }
}
