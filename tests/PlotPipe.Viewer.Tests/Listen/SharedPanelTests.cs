using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>A panel id means the same panel whoever defines it: producers of one viewer share panels by id.</summary>
public sealed class SharedPanelTests
{
    [Fact]
    public async Task A_producer_may_draw_in_a_panel_another_producer_defined_and_both_land_in_it()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using (var first = await TcpProducer.HelloAsync(viewer.ProducerPort, "train.py", viewer.Token))
        {
            await first.SendAsync(w =>
            {
                FrameWriter.WriteDefinePanel(w, 1, [new("title", "Loss")]);
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-", 1, SeriesFlags.None);
                FrameWriter.WritePoints(w, 0, [1, 2], [0.9, 0.8]);
                FrameWriter.WriteFinish(w);
            });
            Assert.Equal(TcpProducer.Accepted, await first.ReadToEndAsync());
        }
        using var second = await TcpProducer.HelloAsync(viewer.ProducerPort, "eval.py", viewer.Token);
        await second.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "val_loss", "--", 1, SeriesFlags.None);
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [1.0, 0.95, 0.9]);
            FrameWriter.WriteFinish(w);
        });
        Assert.Equal(TcpProducer.Accepted, await second.ReadToEndAsync());

        var series = (await viewer.GetAsync("api/series")).EnumerateArray()
            .Select(s => (s.GetProperty("name").GetString(), s.GetProperty("producer").GetString(), s.GetProperty("panel").GetInt32(), s.GetProperty("count").GetInt64()));
        Assert.Equal([("loss", "train.py", 1, 2L), ("val_loss", "eval.py", 1, 3L)], series);
        var panels = (await viewer.GetAsync("api/plot")).GetProperty("panels").EnumerateArray().Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("title").GetString()));
        Assert.Equal([(0, null), (1, "Loss")], panels);
        Assert.Equal("finished", (await viewer.GetAsync("api/status")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_series_in_a_panel_no_producer_defined_ends_that_producer_naming_the_panel_field()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "lost", viewer.Token);
        var hello = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteHello(hello, "lost", viewer.Token);
        // The handshake, the Hello frame, then the DefineSeries header: its panel field is 4 bytes into the payload.
        long panelField = 8 + hello.WrittenCount + 8 + 4;
        await producer.SendAsync(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-", 2, SeriesFlags.None));
        Assert.Equal($"{TcpProducer.Accepted}plotpipe: producer \"lost\" ({LocalAddress(await viewer.GetAsync("api/producers"))}): bad input at byte {panelField}: "
            + "series in panel 2, which no DefinePanel frame has defined; kept the 0 points received before it\n", await producer.ReadToEndAsync());
    }

    private static string LocalAddress(System.Text.Json.JsonElement producers) =>
        producers.EnumerateArray().Single().GetProperty("address").GetString()!;
}
