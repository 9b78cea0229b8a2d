using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary><c>LivePlotOptions.DerivedSeries</c> reaches the spawned viewer as its <c>--derive</c> rules.</summary>
public class DerivedSeriesSpawnTests
{
    [Fact]
    public async Task A_spawned_viewer_derives_the_series_the_options_name_from_every_point()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions
        {
            OpenBrowser = false,
            WhenFull = WhenFull.Block,
            DerivedSeries = ["power = volts * 2", "smooth = ema(volts, 0.5)"],
        });
        try
        {
            var volts = plot.Line("volts");
            for (int i = 1; i <= 100; i++) volts.Add(i, 230 + i);
            plot.Finish();
            await plot.Completion;
            using var api = new ViewerApi(plot.Url);
            await api.WaitForStatusAsync(s => s.State == "finished");
            var series = (await api.JsonAsync("api/series")).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
            Assert.Equal(100, series["power"].GetProperty("count").GetInt64());
            Assert.Equal(100, series["smooth"].GetProperty("count").GetInt64());
            Assert.True(series["power"].GetProperty("derived").GetBoolean());
            Assert.Equal("volts * 2", series["power"].GetProperty("expression").GetString());
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
