using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>
/// Producers over a real listening viewer's whole life: counted while connected (256 at once, any number in turn,
/// reconnections included), connections waiting for their Hello bounded, and a silent producer shown as stalled.
/// </summary>
public sealed class ProducerLifeTests
{
    private const int PerProducer = 100;

    [Fact]
    public async Task Three_hundred_producers_connecting_one_after_another_are_all_accepted_and_every_point_stored()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var ys = new double[PerProducer];
        for (int p = 0; p < 300; p++)
        {
            using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, $"run {p}", viewer.Token);
            var xs = Xs(p * PerProducer);
            await producer.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
                FrameWriter.WritePoints(w, 0, xs, ys);
                FrameWriter.WriteFinish(w);
            });
            // Taken (the acceptance line, no refusal), and the viewer closes once it has read the Finish.
            Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
        }
        var status = await viewer.GetAsync("api/status");
        Assert.Equal(0, status.GetProperty("refusedProducers").GetInt64());
        Assert.Equal(300L * PerProducer, status.GetProperty("points").GetInt64());
        Assert.Equal("finished", status.GetProperty("state").GetString());
        var rows = (await viewer.GetAsync("api/producers")).EnumerateArray().ToList();
        Assert.Equal(300, rows.Count);
        Assert.All(rows, r => Assert.Equal(("finished", (long)PerProducer), (r.GetProperty("state").GetString(), r.GetProperty("points").GetInt64())));
        Assert.Equal(300, (await viewer.GetAsync("api/series")).GetArrayLength());
    }

    [Fact]
    public async Task A_producer_reconnecting_300_times_under_one_name_is_accepted_every_time_and_every_point_stored()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var ys = new double[PerProducer];
        for (int k = 0; k <= 300; k++)
        {
            // The same name and series every time, and x going on, as a producer whose connection keeps dropping.
            using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "flaky", viewer.Token);
            var xs = Xs(k * PerProducer);
            await producer.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
                FrameWriter.WritePoints(w, 0, xs, ys);
            });
            producer.Dispose();
            // Dropped without a Finish: the viewer reads what was sent and sees the connection end; then the producer
            // connects again, as LivePlot does after a drop. This connection is the viewer's (k + 1)th, and ended: a
            // count of none connected alone could be read before the viewer took this one in.
            int arrived = k + 1;
            await viewer.WaitForAsync(async () =>
                (await viewer.GetAsync("api/producers")).GetArrayLength() == arrived
                && (await viewer.GetAsync("api/status")).GetProperty("connectedProducers").GetInt32() == 0, "the connection to end");
        }
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("state").GetString() == "disconnected", "every connection to be seen ended");
        var status = await viewer.GetAsync("api/status");
        Assert.Equal(0, status.GetProperty("refusedProducers").GetInt64());
        Assert.Equal(301L * PerProducer, status.GetProperty("points").GetInt64());
        var rows = (await viewer.GetAsync("api/producers")).EnumerateArray().ToList();
        Assert.Equal(301, rows.Count);
        Assert.Equal("flaky", rows[0].GetProperty("name").GetString());
        Assert.Equal("flaky (301)", rows[^1].GetProperty("name").GetString());
        Assert.All(rows, r => Assert.Equal(("disconnected", (long)PerProducer), (r.GetProperty("state").GetString(), r.GetProperty("points").GetInt64())));
    }

    [Fact]
    public async Task A_place_freed_by_a_closed_producer_is_taken_by_the_next_one_beyond_256_at_once()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var open = new List<TcpProducer>();
        try
        {
            for (int i = 0; i < 256; i++) open.Add(await TcpProducer.HelloAsync(viewer.ProducerPort, $"p{i}", viewer.Token));
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/producers")).GetArrayLength() == 256, "256 producers");
            using (var extra = await TcpProducer.HelloAsync(viewer.ProducerPort, "one too many", viewer.Token))
                Assert.Equal("plotpipe: refused: too many producers (at most 256 at once)\n", await extra.ReadToEndAsync());

            // Ten go away; once the viewer has seen them go, ten others come in.
            for (int i = 0; i < 10; i++) open[i].Dispose();
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("connectedProducers").GetInt32() == 246, "ten producers to go");
            Assert.Equal(10, States(await viewer.GetAsync("api/producers")).Count(s => s == "disconnected"));
            for (int i = 0; i < 10; i++)
            {
                var p = await TcpProducer.HelloAsync(viewer.ProducerPort, $"late {i}", viewer.Token);
                open.Add(p);
                await p.SendAsync(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-"));
            }
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/series")).GetArrayLength() == 10, "the ten late producers' series");
            Assert.Equal(266, (await viewer.GetAsync("api/producers")).GetArrayLength());
            Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
        }
        finally
        {
            foreach (var p in open) p.Dispose();
        }
    }

    [Fact]
    public async Task Connections_waiting_for_their_Hello_beyond_the_bound_are_refused_at_once_with_a_reason()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var silent = new List<TcpProducer>();
        try
        {
            for (int i = 0; i < 256; i++) silent.Add(await TcpProducer.ConnectAsync(viewer.ProducerPort));
            using (var late = await TcpProducer.ConnectAsync(viewer.ProducerPort))
                Assert.Equal("plotpipe: refused: too many connections waiting for their Hello (at most 256)\n", await late.ReadToEndAsync());
            Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());

            // The silent ones leave (each refused and counted as it goes); then a producer with its Hello is taken.
            foreach (var s in silent) s.Dispose();
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64() == 257, "the silent connections to be refused");
            using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "patient", viewer.Token);
            await producer.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
                FrameWriter.WritePoints(w, 0, [1, 2], [1, 2]);
                FrameWriter.WriteFinish(w);
            });
            Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
            Assert.Equal(2, await viewer.CountAsync("loss"));
        }
        finally
        {
            foreach (var s in silent) s.Dispose();
        }
    }

    [Fact]
    public async Task A_producer_silent_past_its_timeout_shows_stalled_and_streams_again_when_bytes_arrive()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--producer-timeout", "1");
        using var quiet = await TcpProducer.HelloAsync(viewer.ProducerPort, "quiet", viewer.Token);
        await quiet.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1], [1]);
        });
        await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == 1, "the first point");

        // Nothing more: after the timeout the producer, and with it the plot, no longer read "streaming".
        await viewer.WaitForAsync(async () => State(await viewer.GetAsync("api/producers"), "quiet") == "stalled", "the producer to stall");
        var status = await viewer.GetAsync("api/status");
        Assert.Equal(("stalled", 1), (status.GetProperty("state").GetString(), status.GetProperty("stalledProducers").GetInt32()));

        // Another producer streaming keeps the plot streaming; the stalled one is still counted.
        using (var busy = await TcpProducer.HelloAsync(viewer.ProducerPort, "busy", viewer.Token))
        using (var stop = new CancellationTokenSource())
        {
            var sending = StreamSteadilyAsync(busy, stop.Token);
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("state").GetString() == "streaming", "the plot to stream again");
            Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("stalledProducers").GetInt32());
            await stop.CancelAsync();
            await sending;
        }

        // Bytes from the quiet one: it streams again, and so does the plot.
        await quiet.SendAsync(w => FrameWriter.WritePoints(w, 0, [2], [2]));
        await viewer.WaitForAsync(async () => State(await viewer.GetAsync("api/producers"), "quiet") == "streaming", "the producer to stream again");
        Assert.Equal(2, await viewer.CountAsync("loss"));
    }

    [Fact]
    public async Task Producer_timeout_that_is_not_a_number_of_seconds_is_refused_at_start()
    {
        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--listen", "127.0.0.1:0", "--producer-timeout", "-1");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("PlotPipe viewer: http", output);
        Assert.Equal("plotpipe: --producer-timeout -1 is out of range: give 0 seconds or more", errors.Trim());
    }

    /// <summary>A point every 100 ms, well inside a 1 s timeout however busy the machine, until <paramref name="stop"/>.</summary>
    internal static async Task StreamSteadilyAsync(TcpProducer producer, CancellationToken stop)
    {
        await producer.SendAsync(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "steady", "-"));
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            await producer.SendAsync(w => FrameWriter.WritePoints(w, 0, [i], [i]));
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static double[] Xs(int from)
    {
        var xs = new double[PerProducer];
        for (int i = 0; i < xs.Length; i++) xs[i] = from + i;
        return xs;
    }

    private static IEnumerable<string?> States(JsonElement producers) => producers.EnumerateArray().Select(r => r.GetProperty("state").GetString());

    private static string? State(JsonElement producers, string name) =>
        producers.EnumerateArray().First(r => r.GetProperty("name").GetString() == name).GetProperty("state").GetString();
}
