using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Protocol;

using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>The listener's limits and its company: a silent client, the producer cap, --no-token on loopback, standard input beside TCP.</summary>
public class ListenerLimitsTests
{
    [Fact]
    public async Task Client_that_sends_no_Hello_is_refused_after_the_deadline()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var silent = await TcpProducer.ConnectAsync(viewer.ProducerPort);
        var clock = Stopwatch.StartNew();
        var said = await silent.ReadToEndAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("plotpipe: refused: no handshake and Hello within 10 s\n", said);
        Assert.InRange(clock.Elapsed.TotalSeconds, 9, 15);
        Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
    }

    [Fact]
    public async Task Producers_beyond_the_cap_are_refused_with_a_reason()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var open = new List<TcpProducer>();
        try
        {
            for (int i = 0; i < 256; i++) open.Add(await TcpProducer.HelloAsync(viewer.ProducerPort, $"p{i}", viewer.Token));
            await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/producers")).GetArrayLength() == 256, "256 producers");
            using var extra = await TcpProducer.HelloAsync(viewer.ProducerPort, "one too many", viewer.Token);
            Assert.Equal("plotpipe: refused: too many producers (at most 256 at once)\n", await extra.ReadToEndAsync());
            Assert.Equal(256, (await viewer.GetAsync("api/producers")).GetArrayLength());
            Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
        }
        finally
        {
            foreach (var p in open) p.Dispose();
        }
    }

    [Fact]
    public async Task Loopback_listener_with_no_token_takes_a_producer_that_offers_none()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--no-token");
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "", "");
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [3, 2, 1]);
            FrameWriter.WriteFinish(w);
        });
        Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
        var row = Assert.Single((await viewer.GetAsync("api/producers")).EnumerateArray());
        Assert.Equal(("producer 1", "finished", 3L), (row.GetProperty("name").GetString(), row.GetProperty("state").GetString(), row.GetProperty("points").GetInt64()));
    }

    [Fact]
    public async Task Standard_input_and_tcp_producers_feed_one_plot_and_stay_apart()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--stdin");
        var frames = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(frames);
        FrameWriter.WriteHello(frames, "local", "");
        FrameWriter.WriteDefineSeries(frames, 0, SeriesKind.Line, "loss", "-");
        FrameWriter.WritePoints(frames, 0, [1, 2], [1, 2]);
        await viewer.Input.WriteAsync(frames.WrittenMemory);
        await viewer.Input.FlushAsync();

        using var remote = await TcpProducer.HelloAsync(viewer.ProducerPort, "remote", viewer.Token);
        await remote.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2, 3]);
            FrameWriter.WriteFinish(w);
        });
        Assert.Equal(TcpProducer.Accepted, await remote.ReadToEndAsync());
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("points").GetInt64() == 5, "5 points");

        var rows = (await viewer.GetAsync("api/producers")).EnumerateArray()
            .Select(r => (r.GetProperty("name").GetString(), r.GetProperty("state").GetString(), r.GetProperty("points").GetInt64(), r.GetProperty("address").GetString()!.Split(':')[0]))
            .OrderBy(r => r.Item1).ToList();
        Assert.Equal([("local", "streaming", 2L, "stdin"), ("remote", "finished", 3L, "127.0.0.1")], rows);
        // One producer still streams, so the plot does.
        Assert.Equal("streaming", (await viewer.GetAsync("api/status")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Text_on_standard_input_is_a_producer_named_stdin_with_its_bad_lines()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--stdin");
        await viewer.Input.WriteAsync("step,loss\n1,0.5\n2,0.25\nbad\n3,0.125\n"u8.ToArray());
        viewer.Input.Close();
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("state").GetString() == "finished", "the text to end");
        var row = Assert.Single((await viewer.GetAsync("api/producers")).EnumerateArray());
        Assert.Equal(("stdin", "finished", 3L, 1L, "stdin"),
            (row.GetProperty("name").GetString(), row.GetProperty("state").GetString(), row.GetProperty("points").GetInt64(),
             row.GetProperty("badLines").GetInt64(), row.GetProperty("address").GetString()));
        var series = Assert.Single((await viewer.GetAsync("api/series")).EnumerateArray());
        Assert.Equal(("loss", "stdin"), (series.GetProperty("name").GetString(), series.GetProperty("producer").GetString()));
    }
}
