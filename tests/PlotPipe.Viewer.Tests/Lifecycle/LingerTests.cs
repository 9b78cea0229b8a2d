using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Lifecycle;

/// <summary>A viewer whose stream ended says, in one line each, what it read and why it goes away.</summary>
public sealed class LingerTests
{
    [Fact]
    public async Task Empty_input_is_said_and_the_viewer_says_why_it_exits_when_no_page_came()
    {
        // "vmstat1 | plotpipe view --stdin" on a machine without a browser: the input is empty and nobody looks.
        var (code, output, errors) = await PlotPipeCli.RunAsync(PlotPipeCli.CliDll, ["view", "--stdin", "--no-browser", "--linger", "0.2"]);
        Assert.Equal(0, code);
        Assert.StartsWith("PlotPipe viewer: http://127.0.0.1:", output);
        Assert.Equal(
            ["plotpipe: no data: the input was empty", "plotpipe: exiting: the stream has ended and no page has been open for 0.2 s (--linger)"],
            errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_signal_while_lingering_with_no_page_says_the_signal_not_the_linger()
    {
        using var viewer = await ViewerProcess.StartAsync("--linger", "600");
        await viewer.HandshakeAsync();
        await viewer.FinishAsync();
        viewer.CloseInput();
        await Http.WaitForStateAsync(viewer, "finished");

        viewer.Signal(15);
        var code = await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.True(code == 143, $"exit code {code}: {viewer.Errors}");
        Assert.Contains("plotpipe: SIGTERM: stopping", viewer.Errors);
        Assert.DoesNotContain("exiting:", viewer.Errors);
    }
}
