using System.Diagnostics;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>Many series into a real spawned viewer: every point arrives, counted per series.</summary>
public class ManySeriesViewerTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(33, 2000)]
    [InlineData(1024, 200)]
    public async Task Block_delivers_every_point_of_many_series_round_robin_to_the_viewer(int seriesCount, int rounds)
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Block });
        try
        {
            var all = new Series[seriesCount];
            for (int i = 0; i < seriesCount; i++) all[i] = plot.Line($"s{i}");
            var producer = Task.Run(() =>
            {
                for (int r = 0; r < rounds; r++)
                for (int i = 0; i < seriesCount; i++)
                    all[i].Add(r, i);
            });
            await producer.WaitAsync(Hang);
            plot.Finish();
            await plot.Completion.WaitAsync(Hang);

            using var api = new ViewerApi(plot.Url);
            var status = await api.WaitForStatusAsync(s => s.State == "finished");
            var series = await api.SeriesAsync();
            Assert.Equal(seriesCount, series.Count);
            Assert.All(series, s => Assert.Equal(rounds, s.Count));
            Assert.Equal((long)seriesCount * rounds, status.Points);
            Assert.Equal(0, status.Dropped);
            Assert.Equal(0, plot.Dropped);
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task Drop_loses_nothing_from_1024_series_round_robin_when_the_viewer_keeps_up()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Drop });
        try
        {
            const int seriesCount = 1024, rounds = 300;
            // 200,000 points a second: a pace any viewer keeps up with, far below what it ingests.
            const double pointsPerSecond = 200_000;
            var all = new Series[seriesCount];
            for (int i = 0; i < seriesCount; i++) all[i] = plot.Line($"s{i}");
            // A viewer still starting up is not keeping up: begin once it serves its page.
            using var api = new ViewerApi(plot.Url);
            await api.WaitForStatusAsync(s => s.State != "");
            var clock = Stopwatch.StartNew();
            long added = 0;
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < seriesCount; i++) all[i].Add(r, i);
                added += seriesCount;
                // Pacing, not synchronisation: hold the producer to its rate.
                while (clock.Elapsed.TotalSeconds < added / pointsPerSecond) Thread.SpinWait(100);
            }
            plot.Finish();
            await plot.Completion.WaitAsync(Hang);

            var status = await api.WaitForStatusAsync(s => s.State == "finished");
            Assert.Equal(0, plot.Dropped);
            Assert.Equal(0, status.Dropped);
            Assert.Equal(added, status.Points);
            Assert.All(await api.SeriesAsync(), s => Assert.Equal(rounds, s.Count));
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
