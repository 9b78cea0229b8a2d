using PlotPipe.Protocol;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>The plot model end to end: what the producer defines is what the real viewer reports in /api/plot and /api/series.</summary>
public class PlotModelViewerTests
{
    // The example, with a scatter in an unlinked panel and the default panel's own axes.
    private static void Feed(LivePlot plot, int steps)
    {
        var lossPanel = plot.Panel("Loss", new PanelOptions { YLabel = "cross-entropy", YScale = AxisScale.Log });
        var loss = lossPanel.Line("train", "b-");
        var acc = plot.Panel("Accuracy", new PanelOptions { YLabel = "accuracy", XLabel = "step", LinkX = false }).Scatter("val", "g.");
        var temp = plot.Line("temperature", "r-");
        var start = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < steps; i++)
        {
            loss.Add(i, 2.5 * Math.Exp(-i / 100.0));
            acc.Add(i, i / (double)steps);
            temp.Add(start.AddSeconds(i), 21.5);
        }
    }

    private static LivePlotOptions Options(string? token = null) => new()
    {
        OpenBrowser = false,
        WhenFull = WhenFull.Block,
        Title = "Training",
        DefaultPanel = new PanelOptions { YLabel = "°C", XLabel = "time" },
        Token = token,
        ProducerName = "trainer",
    };

    private static async Task AssertReportedAsync(ViewerApi api, int steps)
    {
        var plot = await api.JsonAsync("api/plot");
        Assert.Equal("Training", plot.GetProperty("title").GetString());
        var panels = plot.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], panels.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal([null, "Loss", "Accuracy"], panels.Select(p => p.GetProperty("title").GetString()));
        Assert.Equal(["°C", "cross-entropy", "accuracy"], panels.Select(p => p.GetProperty("ylabel").GetString()));
        Assert.Equal(["time", null, "step"], panels.Select(p => p.GetProperty("xlabel").GetString()));
        Assert.Equal(["linear", "log", "linear"], panels.Select(p => p.GetProperty("yscale").GetString()));
        Assert.Equal(["linear", "linear", "linear"], panels.Select(p => p.GetProperty("xscale").GetString()));
        Assert.Equal([true, true, false], panels.Select(p => p.GetProperty("linkx").GetBoolean()));

        var series = (await api.JsonAsync("api/series")).EnumerateArray().ToList();
        Assert.Equal(["train", "val", "temperature"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 0], series.Select(s => s.GetProperty("panel").GetInt32()));
        Assert.Equal([false, false, true], series.Select(s => s.GetProperty("xIsTime").GetBoolean()));
        Assert.Equal(["line", "scatter", "line"], series.Select(s => s.GetProperty("kind").GetString()));
        Assert.All(series, s => Assert.Equal(steps, s.GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task Spawned_viewer_reports_the_title_panels_labels_scales_and_each_series_panel_and_time()
    {
        var plot = LivePlot.Spawn(Options());
        try
        {
            Feed(plot, 1000);
            plot.Finish();
            await plot.Completion;
            using var api = new ViewerApi(plot.Url);
            await api.WaitForStatusAsync(s => s.State == "finished");
            await AssertReportedAsync(api, 1000);
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task Listening_viewer_reports_the_plot_model_of_a_connected_producer()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        await using (var plot = await LivePlot.ConnectAsync(viewer.ProducerAddress, Options(viewer.Token)))
        {
            Feed(plot, 1000);
        }
        await api.WaitForStatusAsync(s => s.State == "finished");
        await AssertReportedAsync(api, 1000);
    }

    [Fact]
    public async Task A_reconnection_defines_the_plot_then_the_panels_then_the_known_series_again_in_order()
    {
        await using var peer = LoopbackViewer.Start();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { Title = "Training", ProducerName = "p", WhenFull = WhenFull.Block });
        var loss = plot.Panel("Loss", new PanelOptions { YScale = AxisScale.Log }).Line("loss");
        var acc = plot.Panel("Accuracy").Line("acc");
        loss.Add(0, 1);
        acc.Add(DateTime.UnixEpoch.AddSeconds(1), 1);
        await peer.WaitUntilAsync(p => p.Connections.Length >= 1 && p.Connections[0].Xs("acc").Count == 1, "the first points");

        peer.DropAll();
        await peer.WaitUntilAsync(p => p.Connections.Length == 2 && p.Connections[1].Types.Length >= 6, "the definitions on the new connection");
        var second = peer.Connections[1];
        Assert.Equal(
            [FrameType.Hello, FrameType.DefinePlot, FrameType.DefinePanel, FrameType.DefinePanel, FrameType.DefineSeries, FrameType.DefineSeries],
            second.Types[..6]);
        var defined = second.Definitions.Values.OrderBy(d => d.Id).ToList();
        Assert.Equal(["loss", "acc"], defined.Select(d => d.Name));
        Assert.Equal([1, 2], defined.Select(d => d.Panel));
        Assert.Equal([SeriesFlags.None, SeriesFlags.TimeX], defined.Select(d => d.Flags));
        loss.Add(1, 2);
        await plot.DisposeAsync();
        await peer.WaitUntilAsync(p => p.Connections[1].Finished, "the finish");
        Assert.Equal([0.0, 1.0], peer.AllXs("loss"));
    }
}
