using System.Buffers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// What a real viewer makes of its standard input, as docs/protocol.md says: frames or text ("Frames or text": the
/// magic, or a zero byte before the first line feed, which a broken handshake holds and no text line does), its error
/// on standard error and in the status, and a Hello's token, which standard input does not check.
/// </summary>
public class StandardInputTests
{
    [Fact]
    public async Task A_handshake_with_a_broken_magic_on_stdin_is_refused_at_its_byte_not_read_as_text()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        // "PLTX", version 2, reserved: a producer that got one byte of the magic wrong.
        await viewer.Input.WriteAsync("PLTX\u0002\0\0\0"u8.ToArray());
        await viewer.Input.FlushAsync();
        var status = await viewer.WaitForStateAsync("disconnected");
        const string error = "bad input at byte 3: not a PlotPipe stream: expected magic \"PLTP\", found byte 0x58; kept the 0 points received before it";
        Assert.Equal(error, status.GetProperty("error").GetString());
        Assert.Empty((await viewer.GetAsync("api/series")).EnumerateArray());
        // Standard error carries the same text after the tool's "plotpipe: ", the status without it.
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Split('\n').Contains("plotpipe: " + error)), "the error on standard error");
    }

    [Fact]
    public async Task A_Hello_on_standard_input_is_taken_whatever_its_token_since_the_pipe_is_the_access()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--token", "the-viewers-own-token");
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "spawner", "some-other-token");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
        FrameWriter.WritePoints(w, 0, [1, 2], [0.5, 0.4]);
        FrameWriter.WriteFinish(w);
        await viewer.Input.WriteAsync(w.WrittenMemory);
        await viewer.Input.FlushAsync();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.Equal(2, await viewer.CountAsync("loss"));
        Assert.Equal("spawner", (await viewer.GetAsync("api/producers"))[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Text_whose_header_starts_like_the_magic_stays_text()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        // PLT is the usual column name for a platelet count.
        await viewer.WriteAsync("PLT,WBC\n250,6.1\n260,5.9\n");
        viewer.CloseInput();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(2, await viewer.CountAsync("PLT"));
        Assert.Equal(2, await viewer.CountAsync("WBC"));
        Assert.Equal(0, status.GetProperty("badLines").GetInt64());
    }
}
