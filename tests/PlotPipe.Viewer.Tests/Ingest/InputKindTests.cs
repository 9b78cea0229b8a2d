using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// How a real viewer tells a producer's frames from text on standard input (docs/protocol.md, "Frames or text"): the
/// magic, or a zero byte before the first line feed, which a broken handshake holds and no text line does.
/// </summary>
public class InputKindTests
{
    [Fact]
    public async Task A_handshake_with_a_broken_magic_on_stdin_is_refused_at_its_byte_not_read_as_text()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        // "PLTX", version 2, reserved: a producer that got one byte of the magic wrong.
        await viewer.Input.WriteAsync("PLTX\u0002\0\0\0"u8.ToArray());
        await viewer.Input.FlushAsync();
        var status = await viewer.WaitForStateAsync("disconnected");
        Assert.Equal("bad input at byte 3: not a PlotPipe stream: expected magic \"PLTP\", found byte 0x58; kept the 0 points received before it",
            status.GetProperty("error").GetString());
        Assert.Empty((await viewer.GetAsync("api/series")).EnumerateArray());
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
