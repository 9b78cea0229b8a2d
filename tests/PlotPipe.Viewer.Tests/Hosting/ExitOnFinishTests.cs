using System.Buffers;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>
/// What a script learns from the real viewer's exit code under <c>--exit-on-finish</c>: 1, with one line saying why,
/// when the run plotted nothing because of its input (empty, refused, every line bad); 0 when it plotted points, bad
/// lines or a refusal after them included.
/// </summary>
public sealed class ExitOnFinishTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-exit-on-finish-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Empty_standard_input_exits_1_saying_the_input_held_no_point_after_saving_the_picture_asked_for()
    {
        var png = Path.Combine(_dir, "out.png");
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--png", png, "--exit-on-finish");
        viewer.CloseInput();
        Assert.Equal(1, await viewer.WaitForExitAsync());
        var lines = viewer.Errors.Split('\n');
        // The problem as it happened, the picture of what there was, then the exit's reason, once.
        Assert.Equal(
            ["plotpipe: no data: the input was empty", $"plotpipe: saved {png}", "plotpipe: exiting with code 1: the input held no point to plot (no data: the input was empty)"],
            lines);
        Assert.True(new FileInfo(png).Length > 0);
    }

    [Theory]
    [InlineData("PLTX", (ushort)2, "bad input at byte 3: not a PlotPipe stream: expected magic \"PLTP\", found byte 0x58; kept the 0 points received before it")]
    [InlineData("PLTP", (ushort)99, "bad input at byte 4: unsupported protocol version 99; this viewer speaks versions 1 to 2; kept the 0 points received before it")]
    public async Task A_binary_stream_the_viewer_refuses_exits_1_with_the_refusal_as_the_reason(string magic, ushort version, string refusal)
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        var handshake = new byte[ProtocolLimits.HandshakeBytes];
        System.Text.Encoding.ASCII.GetBytes(magic).CopyTo(handshake, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(handshake.AsSpan(4), version);
        await viewer.Input.WriteAsync(handshake);
        await viewer.Input.FlushAsync();
        // The refusal ends the stream: the viewer lets go of its input and exits without waiting for its end.
        Assert.Equal(1, await viewer.WaitForExitAsync());
        Assert.Equal([$"plotpipe: {refusal}", $"plotpipe: exiting with code 1: no point of the input could be read ({refusal})"], viewer.Errors.Split('\n'));
    }

    [Fact]
    public async Task Text_whose_every_line_is_bad_exits_1_counting_the_bad_lines()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        await viewer.WriteAsync("{\"loss\": \"high\"}\n{\"loss\": \"low\"}\n");
        viewer.CloseInput();
        Assert.Equal(1, await viewer.WaitForExitAsync());
        var last = viewer.Errors.Split('\n')[^1];
        Assert.Equal("plotpipe: exiting with code 1: the input held no point to plot (2 bad lines; first bad line 1: no numeric field)", last);
    }

    [Theory]
    [InlineData("", "no data: the input was empty")]
    [InlineData("step,loss\n", "no data: none of the lines read is a row of numbers (the first was line 1)")]
    public async Task A_file_with_no_point_exits_1_naming_what_it_held(string text, string held)
    {
        var csv = Path.Combine(_dir, "run.csv");
        await File.WriteAllTextAsync(csv, text);
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "view", csv, "--no-browser", "--port", "0", "--exit-on-finish"]);
        Assert.True(code == 1, $"exit code {code}: {errors}");
        Assert.EndsWith($"plotpipe: exiting with code 1: the input held no point to plot ({held})\n", errors);
    }

    [Fact]
    public async Task Text_with_some_bad_lines_among_points_still_exits_0_naming_each_bad_line_only()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        await viewer.WriteAsync("1 2\nx y\n3 4\n");
        viewer.CloseInput();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        Assert.Equal("plotpipe: line 2: field 1 is not a number: \"x\"; skipped", viewer.Errors);
    }

    [Fact]
    public async Task A_good_binary_stream_exits_0_without_a_word()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        var w = ThreePoints();
        FrameWriter.WriteFinish(w);
        await viewer.Input.WriteAsync(w.WrittenMemory);
        viewer.CloseInput();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        Assert.Equal("", viewer.Errors);
    }

    [Fact]
    public async Task Points_evicted_for_the_memory_budget_are_announced_in_one_line_and_the_run_still_exits_0()
    {
        // Random y stays plain (8 bytes a point): 400,000 of them overflow the points' quarter of 4 MiB, 1 MiB.
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish", "--max-memory", "4M");
        var random = new Random(3);
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 400_000; i++) text.Append(random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        await viewer.WriteAsync(text.ToString());
        viewer.CloseInput();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        Assert.Equal(
            ["plotpipe: the points fill their share of --max-memory 4 MiB (1 MiB): the oldest are evicted to keep the newest, and the page counts them; raise --max-memory to keep more"],
            viewer.Errors.Split('\n'));
    }

    [Fact]
    public async Task A_binary_stream_refused_after_its_points_exits_0_keeping_them()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        var w = ThreePoints();
        // A header of no known frame type (0xEE at byte 4): the refusal is said, and the run plotted its three points.
        w.Write(new byte[] { 0, 0, 0, 0, 0xEE, 0, 0, 0 });
        await viewer.Input.WriteAsync(w.WrittenMemory);
        await viewer.Input.FlushAsync();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        var line = Assert.Single(viewer.Errors.Split('\n'));
        Assert.StartsWith("plotpipe: bad input at byte ", line);
        Assert.EndsWith("; kept the 3 points received before it", line);
    }

    // A producer's stream up to its three points of one line.
    private static ArrayBufferWriter<byte> ThreePoints()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [0.5, 0.4, 0.3]);
        return w;
    }
}
