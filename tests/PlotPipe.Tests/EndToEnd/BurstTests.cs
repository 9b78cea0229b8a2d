using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>A fast producer's burst into a real, idle viewer under the default options: the viewer absorbs it, so nothing may be lost.</summary>
public class BurstTests
{
    [Fact]
    public async Task Three_columns_of_a_million_and_three_million_single_adds_all_reach_an_idle_viewer_under_the_default_options()
    {
        var options = new LivePlotOptions { OpenBrowser = false };
        Assert.Equal(WhenFull.Drop, options.WhenFull);
        var plot = await LivePlot.SpawnAsync(options);
        try
        {
            var s = plot.Line("burst");
            const int million = 1_000_000;
            var xs = new double[million];
            for (int k = 0; k < 3; k++)
            {
                for (int i = 0; i < million; i++) xs[i] = k * million + i;
                s.Add(xs, xs);
            }
            for (int i = 3 * million; i < 6 * million; i++) s.Add(i, i);
            Assert.Equal(0, plot.Dropped);
            plot.Finish();
            await plot.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            using var api = new ViewerApi(plot.Url);
            var status = await api.WaitForStatusAsync(st => st.State == "finished", TimeSpan.FromSeconds(60));
            Assert.Equal(6_000_000, status.Points);
            Assert.Equal(0, status.Dropped);
            // A line refuses x that goes backwards: none did, so every point arrived in order.
            Assert.Equal(0, status.OutOfOrder);
            Assert.Equal(6_000_000, (await api.SeriesAsync()).Single().Count);
            Assert.Equal(0, plot.Dropped);
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
