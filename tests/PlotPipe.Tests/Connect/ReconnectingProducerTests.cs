using System.Diagnostics;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Connect;

/// <summary>A real <see cref="LivePlot.Connect"/> whose connection to a real listening viewer keeps being dropped.</summary>
public sealed class ReconnectingProducerTests
{
    private const int Drops = 300;
    private const int PerConnection = 10;

    [Fact]
    public async Task A_LivePlot_whose_connection_drops_300_times_is_accepted_every_time_and_every_point_stored()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        await using var relay = new DroppingRelay(viewer.ProducerAddress);
        await using var plot = await LivePlot.ConnectAsync(relay.Address, new LivePlotOptions
        {
            Token = viewer.Token,
            ProducerName = "flaky",
            WhenFull = WhenFull.Block,
            FlushInterval = TimeSpan.FromMilliseconds(5),
        });
        var loss = plot.Line("loss");
        long added = 0;
        for (int k = 0; k <= Drops; k++)
        {
            // Points go out once this connection is up: a point written into a connection as it drops is lost
            // uncounted (README: points in flight are not known), which is not what this test is about.
            await WaitAsync(() => Task.FromResult(relay.Carried == k + 1 && plot.IsViewerConnected), $"connection {k + 1}");
            for (int i = 0; i < PerConnection; i++, added++) loss.Add(added, added);
            long expected = added;
            await WaitAsync(async () => (await api.JsonAsync("api/status")).GetProperty("points").GetInt64() == expected, $"{expected} points");
            if (k < Drops) relay.Drop();
        }
        plot.Finish();
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        await WaitAsync(async () => (await api.JsonAsync("api/status")).GetProperty("state").GetString() != "streaming", "every connection to end");
        var status = await api.JsonAsync("api/status");
        Assert.Equal(0, status.GetProperty("refusedProducers").GetInt64());
        Assert.Equal((Drops + 1L) * PerConnection, status.GetProperty("points").GetInt64());
        var rows = (await api.JsonAsync("api/producers")).EnumerateArray().ToList();
        Assert.Equal(Drops + 1, rows.Count);
        Assert.Equal(("flaky", "disconnected"), (rows[0].GetProperty("name").GetString(), rows[0].GetProperty("state").GetString()));
        Assert.Equal(("flaky (301)", "finished"), (rows[^1].GetProperty("name").GetString(), rows[^1].GetProperty("state").GetString()));
        Assert.All(rows, r => Assert.Equal(PerConnection, r.GetProperty("points").GetInt64()));
        Assert.Equal(0, plot.Dropped);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"waited 30 s for {what}");
            await Task.Delay(2);
        }
    }
}
