using System.Buffers;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>Finish over TCP: the viewer closes the connection at once, and bytes that came with the Finish are refused by name.</summary>
public sealed class FinishOverTcpTests
{
    [Fact]
    public async Task Bytes_sent_with_a_Finish_are_refused_at_their_byte_and_the_producer_is_told_why()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var start = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(start);
        FrameWriter.WriteHello(start, "late", viewer.Token);
        using var producer = await TcpProducer.ConnectAsync(viewer.ProducerPort);
        // One send: the Hello, a series with a point, Finish, then a byte after it.
        await producer.SendAsync(w =>
        {
            w.Write(start.WrittenSpan);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1], [1]);
            FrameWriter.WriteFinish(w);
            w.Write("x"u8);
        });
        long after = start.WrittenCount + 24 + 32 + 8;
        var said = await producer.ReadToEndAsync();
        var row = (await viewer.GetAsync("api/producers"))[0];
        string error = $"producer \"late\" ({row.GetProperty("address").GetString()}): bad input at byte {after}: frame after Finish: "
            + "the stream was complete, so nothing may follow it; kept the 1 points received before it";
        Assert.Equal($"{TcpProducer.Accepted}plotpipe: {error}\n", said);
        Assert.Equal(("disconnected", 1L), (row.GetProperty("state").GetString(), row.GetProperty("points").GetInt64()));
        Assert.Equal(error, (await viewer.GetAsync("api/status")).GetProperty("error").GetString());
    }
}
