using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary><see cref="LivePlotOptions.ViewerMaxMemory"/> reaches the spawned viewer, which keeps to it.</summary>
public class ViewerMemoryOptionTests
{
    [Fact]
    public async Task A_viewer_given_64_MiB_evicts_the_oldest_points_to_stay_within_it()
    {
        const long budget = 64L << 20;
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Block, ViewerMaxMemory = budget });
        try
        {
            var line = plot.Line("long run");
            // Six million points are 96 MB of columns: more than the budget holds.
            const int sent = 6_000_000;
            for (int i = 0; i < sent; i++) line.Add(i, Math.Sin(i * 1e-3));
            plot.Finish();
            await plot.Completion;

            using var api = new ViewerApi(plot.Url);
            var status = await api.WaitForStatusAsync(s => s.State == "finished" && s.Points + s.Evicted == sent);
            Assert.Equal(budget, status.MaxMemoryBytes);
            Assert.InRange(status.HeldBytes, 1, budget);
            Assert.True(status.Evicted > 0);
            Assert.True(status.Points * 16 <= budget, $"{status.Points} points held");
            Assert.Null(status.Error);
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public void A_viewer_memory_below_1_MiB_is_refused_by_name(long bytes)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ViewerMaxMemory = bytes }));
        Assert.Equal("ViewerMaxMemory", e.ParamName);
        Assert.Contains(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }
}
