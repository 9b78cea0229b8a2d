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

    public static TheoryData<string, string> SpawnOnlyOptions() => new()
    {
        { nameof(LivePlotOptions.ViewerPath), "already listening" },
        { nameof(LivePlotOptions.Port), "--port" },
        { nameof(LivePlotOptions.SavePngPath), "--png" },
        { nameof(LivePlotOptions.ExitOnFinish), "runs until it is stopped" },
        { nameof(LivePlotOptions.ViewerLinger), "runs until it is stopped" },
        { nameof(LivePlotOptions.MaxPointsPerSeries), "--max-points" },
        { nameof(LivePlotOptions.ViewerMaxMemory), "--max-memory" },
        { nameof(LivePlotOptions.DerivedSeries), "--derive" },
        { nameof(LivePlotOptions.RecordPath), "--record" },
        { nameof(LivePlotOptions.BaselinePaths), "--baseline" },
        { nameof(LivePlotOptions.Alerts), "--alert" },
    };

    [Theory]
    [MemberData(nameof(SpawnOnlyOptions))]
    public async Task Connecting_with_an_option_only_a_spawned_viewer_takes_throws_naming_it_and_the_viewer_s_own_option(string option, string instead)
    {
        var options = new LivePlotOptions();
        switch (option)
        {
            case nameof(LivePlotOptions.ViewerPath): options.ViewerPath = "/usr/bin/plotpipe"; break;
            case nameof(LivePlotOptions.Port): options.Port = 8080; break;
            case nameof(LivePlotOptions.SavePngPath): options.SavePngPath = "run.png"; break;
            case nameof(LivePlotOptions.ExitOnFinish): options.ExitOnFinish = true; break;
            case nameof(LivePlotOptions.ViewerLinger): options.ViewerLinger = TimeSpan.FromSeconds(5); break;
            case nameof(LivePlotOptions.MaxPointsPerSeries): options.MaxPointsPerSeries = 1000; break;
            case nameof(LivePlotOptions.ViewerMaxMemory): options.ViewerMaxMemory = 1L << 30; break;
            case nameof(LivePlotOptions.DerivedSeries): options.DerivedSeries.Add("loss_ema = ema(loss, 0.9)"); break;
            case nameof(LivePlotOptions.RecordPath): options.RecordPath = "run.arrow"; break;
            case nameof(LivePlotOptions.BaselinePaths): options.BaselinePaths.Add("run1.arrow"); break;
            case nameof(LivePlotOptions.Alerts): options.Alerts.Add("loss is nan"); break;
        }
        // Port 1: nothing listens there, so only the options' check can end the call at once.
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => LivePlot.ConnectAsync("tcp://127.0.0.1:1", options));
        Assert.Equal(option, e.ParamName);
        Assert.Contains("applies to a viewer this plot spawns", e.Message);
        Assert.Contains(instead, e.Message);
    }

    [Fact]
    public async Task Connecting_with_the_browser_option_the_replay_command_sets_is_not_refused()
    {
        // OpenBrowser is left as it is: only a refusal would end this call before its cancellation.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LivePlot.ConnectAsync("tcp://127.0.0.1:1", new LivePlotOptions { OpenBrowser = false }, cancel.Token));
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
    [InlineData(nameof(LivePlotOptions.MaxBufferBytes))]
    [InlineData(nameof(LivePlotOptions.Port))]
    [InlineData(nameof(LivePlotOptions.FlushInterval))]
    [InlineData(nameof(LivePlotOptions.SavePngPath))]
    [InlineData(nameof(LivePlotOptions.DerivedSeries))]
    [InlineData(nameof(LivePlotOptions.Alerts))]
    [InlineData(nameof(LivePlotOptions.ExitOnAlert))]
    [InlineData(nameof(LivePlotOptions.PictureTheme))]
    public void Out_of_range_options_throw_naming_the_option(string option)
    {
        var o = new LivePlotOptions();
        switch (option)
        {
            case nameof(LivePlotOptions.BatchPoints): o.BatchPoints = 0; break;
            case nameof(LivePlotOptions.BufferPoints): o.BufferPoints = 10; break;
            // Less than the BufferPoints it grows from.
            case nameof(LivePlotOptions.MaxBufferBytes): o.MaxBufferBytes = o.BufferPoints * 16L - 1; break;
            case nameof(LivePlotOptions.Port): o.Port = 70000; break;
            case nameof(LivePlotOptions.FlushInterval): o.FlushInterval = TimeSpan.Zero; break;
            // The viewer saves PNG there: a .jpg name would get a file that is not what it says.
            case nameof(LivePlotOptions.SavePngPath): o.SavePngPath = "out.jpg"; break;
            // A rule without a name: the viewer would refuse it at start.
            case nameof(LivePlotOptions.DerivedSeries): o.DerivedSeries = ["ema(loss, 0.9)"]; break;
            case nameof(LivePlotOptions.Alerts): o.Alerts = ["loss > 10", " "]; break;
            // Nothing to watch: the viewer would refuse to start.
            case nameof(LivePlotOptions.ExitOnAlert): o.ExitOnAlert = true; break;
            // A theme for a picture nobody asked for: the page follows the browser's own.
            case nameof(LivePlotOptions.PictureTheme): o.PictureTheme = PictureTheme.Dark; break;
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
    public async Task A_64th_panel_throws_naming_the_limit_of_63_and_the_first_63_are_made()
    {
        await using var plot = Plot();
        var panels = Enumerable.Range(1, 63).Select(i => plot.Panel($"p{i}")).ToList();
        Assert.Equal(63, panels.Count);
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Panel("one too many"));
        Assert.Contains("at most 63 panels", e.Message);
        Assert.Contains("one too many", e.Message);
        Assert.Equal("title", e.ParamName);
    }

    [Fact]
    public async Task Axis_scales_that_are_not_Linear_or_Log_throw_naming_the_option_and_the_value()
    {
        await using var plot = Plot();
        var y = Assert.ThrowsAny<ArgumentException>(() => plot.Panel("Loss", new PanelOptions { YScale = (AxisScale)7 }));
        Assert.Equal(nameof(PanelOptions.YScale), y.ParamName);
        Assert.Contains("\"Loss\"'s YScale 7", y.Message);
        var x = Assert.ThrowsAny<ArgumentException>(() => plot.Panel(null, new PanelOptions { XScale = (AxisScale)(-1) }));
        Assert.Equal(nameof(PanelOptions.XScale), x.ParamName);
        Assert.Contains("XScale -1", x.Message);
        var d = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { DefaultPanel = new() { YScale = (AxisScale)2 } }));
        Assert.Equal("DefaultPanel's YScale 2 is not an AxisScale (Linear or Log)", d.Message);
    }

    [Fact]
    public async Task Titles_and_labels_longer_than_the_protocol_carries_throw_naming_them()
    {
        string longText = new('t', 1025);
        var title = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { Title = longText }));
        Assert.Equal(nameof(LivePlotOptions.Title), title.ParamName);
        Assert.Contains("1025 UTF-8 bytes", title.Message);
        await using var plot = Plot();
        var panelTitle = Assert.ThrowsAny<ArgumentException>(() => plot.Panel(longText));
        Assert.Equal("title", panelTitle.ParamName);
        var label = Assert.ThrowsAny<ArgumentException>(() => plot.Panel("Loss", new PanelOptions { YLabel = longText }));
        Assert.Equal(nameof(PanelOptions.YLabel), label.ParamName);
        Assert.Contains("at most 1024", label.Message);
        // Empty and null titles are allowed: no title.
        Assert.Null(plot.Panel("").Title);
    }

    [Fact]
    public async Task Unequal_time_spans_throw_naming_both_lengths()
    {
        await using var plot = Plot();
        var s = plot.Line("t");
        var e = Assert.ThrowsAny<ArgumentException>(() => s.Add(new DateTime[3], new double[2]));
        Assert.Contains("xs has 3", e.Message);
        var o = Assert.ThrowsAny<ArgumentException>(() => s.Add(new DateTimeOffset[1], new double[4]));
        Assert.Contains("ys has 4", o.Message);
    }

    [Fact]
    public async Task A_panel_made_after_finish_throws_InvalidOperationException()
    {
        await using var plot = Plot();
        plot.Finish();
        Assert.Throws<InvalidOperationException>(() => plot.Panel("late"));
    }

    [Fact]
    public void The_producer_library_does_not_depend_on_the_viewer_code()
    {
        var references = typeof(LivePlot).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("PlotPipe.Protocol", references);
        Assert.DoesNotContain("PlotPipe.Viewer", references);
    }
}
