using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Connect;

/// <summary><see cref="LivePlot.Connect"/> against the real viewer listening on TCP (<c>plotpipe view --listen</c>).</summary>
public sealed class ListeningViewerTests
{
    // The issue's figure is 10 s; PLOTPIPE_CONNECT_SECONDS=10 runs it so, CI runs a shorter stretch of the same load.
    private static readonly double Seconds = double.TryParse(Environment.GetEnvironmentVariable("PLOTPIPE_CONNECT_SECONDS"),
        System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 3;

    [Fact]
    public async Task Sixty_four_producers_at_100000_points_a_second_under_Block_arrive_exactly_and_one_dying_mid_frame_disconnects_alone()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        const int connected = 63;
        const int perBurst = 1_000;
        var plots = new List<LivePlot>();
        try
        {
            for (int p = 0; p < connected; p++)
            {
                plots.Add(await LivePlot.ConnectAsync(viewer.ProducerAddress, new LivePlotOptions
                {
                    Token = viewer.Token,
                    ProducerName = $"worker {p}",
                    WhenFull = WhenFull.Block,
                }));
            }
            // The 64th producer is a raw connection that dies inside a Points frame.
            await DieMidFrameAsync(viewer);

            // Each producer adds 1,000 points every 10 ms: 100,000 points a second, for the stretch asked.
            int bursts = (int)(Seconds * 100);
            var clock = Stopwatch.StartNew();
            var feeding = plots.Select((plot, p) => Task.Run(async () =>
            {
                var line = plot.Line("loss");
                double x = 0;
                for (int b = 0; b < bursts; b++)
                {
                    for (int i = 0; i < perBurst; i++) line.Add(x++, p);
                    var due = TimeSpan.FromMilliseconds(10 * (b + 1)) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due);
                }
                plot.Finish();
                await plot.Completion;
            })).ToArray();
            await Task.WhenAll(feeding).WaitAsync(TimeSpan.FromSeconds(Seconds * 6 + 60));

            long expected = (long)bursts * perBurst;
            var producers = await WaitForProducersAsync(api, connected + 1, rows => rows.Count(r => r.GetProperty("state").GetString() == "finished") == connected);
            foreach (var row in producers)
            {
                string name = row.GetProperty("name").GetString()!;
                if (name == "dies mid-frame")
                {
                    Assert.Equal("disconnected", row.GetProperty("state").GetString());
                    Assert.Equal(3, row.GetProperty("points").GetInt64());
                    continue;
                }
                Assert.Equal("finished", row.GetProperty("state").GetString());
                Assert.Equal(expected, row.GetProperty("points").GetInt64());
                Assert.Equal(0, row.GetProperty("dropped").GetInt64());
            }
            var series = (await api.JsonAsync("api/series")).EnumerateArray().ToList();
            Assert.Equal(connected + 1, series.Count);
            Assert.All(series.Where(r => r.GetProperty("producer").GetString()!.StartsWith("worker ", StringComparison.Ordinal)),
                r => Assert.Equal(expected, r.GetProperty("count").GetInt64()));
            Assert.All(plots, plot => Assert.Equal(0, plot.Dropped));
        }
        finally
        {
            foreach (var plot in plots) await plot.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_the_viewers_reason_and_nothing_is_stored()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        await using var plot = await LivePlot.ConnectAsync(viewer.ProducerAddress, new LivePlotOptions { Token = "not-the-token", ProducerName = "intruder" });
        var s = plot.Line("secret");
        var clock = Stopwatch.StartNew();
        // Points keep coming from the loop; the viewer must refuse before reading any, and the producer must learn of it.
        while (plot.IsViewerConnected || (await api.JsonAsync("api/status")).GetProperty("refusedProducers").GetInt64() < 1)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the refusal never reached the producer");
            s.Add(clock.Elapsed.TotalSeconds, 1);
            await Task.Delay(5);
        }
        var status = await api.JsonAsync("api/status");
        Assert.True(status.GetProperty("refusedProducers").GetInt64() >= 1);
        Assert.Equal(0, status.GetProperty("points").GetInt64());
        Assert.Empty((await api.JsonAsync("api/series")).EnumerateArray());
    }

    [Fact]
    public async Task Connecting_to_the_viewers_page_port_loses_the_plot_at_once_naming_the_producers_address()
    {
        using var viewer = await ListeningViewer.StartAsync();
        var log = new LogLines();
        // The page's port is printed on the line above the producers': the address a user copies by mistake.
        await using var plot = await LivePlot.ConnectAsync($"tcp://127.0.0.1:{viewer.PageUrl.Port}",
            new LivePlotOptions { Token = viewer.Token, ProducerName = "wrong port", Logger = log });
        var s = plot.Line("loss");
        var clock = Stopwatch.StartNew();
        while (plot.IsViewerConnected || !log.Lines.Any(l => l.Text.Contains("went away", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the plot never learnt it spoke to a web server; {log.Lines.Length} log lines, the first: {string.Join(" | ", log.Lines.Take(3).Select(l => l.Text))}");
            s.Add(clock.Elapsed.TotalSeconds, 1);
            await Task.Delay(5);
        }
        var lost = Assert.Single(log.Lines, l => l.Text.Contains("went away", StringComparison.Ordinal));
        Assert.Contains("answered \"HTTP/1.1 400", lost.Text, StringComparison.Ordinal);
        Assert.Contains("PlotPipe producers: tcp://", lost.Text, StringComparison.Ordinal);
        // Final, as a refusal is: no "reconnecting" while the answer could only be the same.
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("reconnecting", StringComparison.Ordinal));
        s.Add(clock.Elapsed.TotalSeconds, 2);
        Assert.True(plot.Dropped >= 1);
    }

    private static async Task DieMidFrameAsync(ListeningViewer viewer)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "dies mid-frame", viewer.Token);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "r-");
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2, 3]);
        int whole = w.WrittenCount;
        FrameWriter.WritePoints(w, 0, [4, 5, 6, 7], [4, 5, 6, 7]);
        using var socket = new TcpClient();
        var uri = new Uri(viewer.ProducerAddress);
        await socket.ConnectAsync(uri.Host, uri.Port);
        // Everything up to the middle of the second Points frame, then gone.
        await socket.GetStream().WriteAsync(w.WrittenMemory[..(whole + 20)]);
        await socket.GetStream().FlushAsync();
        socket.Client.Close();
    }

    private static async Task<List<JsonElement>> WaitForProducersAsync(ViewerApi api, int count, Func<List<JsonElement>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = (await api.JsonAsync("api/producers")).EnumerateArray().ToList();
            if (rows.Count == count && done(rows)) return rows;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"producers never settled: {string.Join("; ", rows)}");
            await Task.Delay(50);
        }
    }
}
