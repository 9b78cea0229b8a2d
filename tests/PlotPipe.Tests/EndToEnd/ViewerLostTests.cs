using System.Diagnostics;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>A viewer that refuses the stream or never starts is reported at once, in its own words, and costs the loop nothing.</summary>
public class ViewerLostTests
{
    [Fact]
    public async Task A_viewer_that_refuses_the_protocol_version_is_reported_with_its_reason_within_a_second_and_dispose_is_immediate()
    {
        var options = new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Block, HandshakeVersion = 99 };
        var plot = LivePlot.Spawn(options);
        try
        {
            var lost = new TaskCompletionSource<ViewerLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            plot.ViewerLost += (_, e) => lost.TrySetResult(e);
            using var api = new ViewerApi(plot.Url);
            // The viewer has read the handshake and refused it before the loop below starts.
            var status = await api.WaitForStatusAsync(s => s.State == "disconnected");
            Assert.Contains("unsupported protocol version 99", status.Error);

            var s = plot.Line("s");
            var clock = Stopwatch.StartNew();
            double x = 0;
            // Under Block, with the viewer gone, Add must still return: the loop runs until the loss is reported.
            while (!lost.Task.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                for (int i = 0; i < 1000; i++) s.Add(x++, 0);
                await Task.Yield();
            }
            var reported = clock.Elapsed;
            Assert.True(lost.Task.IsCompleted, "ViewerLost was never raised");
            Assert.True(reported < TimeSpan.FromSeconds(1), $"ViewerLost took {reported.TotalMilliseconds:F0} ms");
            var why = await lost.Task;
            Assert.StartsWith("plotpipe: bad input at byte 4: unsupported protocol version 99", why.Reason);
            Assert.NotNull(why.Exception);
            Assert.False(plot.IsViewerConnected);

            // Add keeps returning at once, counted.
            long dropped = plot.Dropped;
            var adds = Stopwatch.StartNew();
            for (int i = 0; i < 1_000_000; i++) s.Add(x++, 0);
            Assert.True(adds.Elapsed < TimeSpan.FromSeconds(1), $"a million adds took {adds.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(dropped + 1_000_000, plot.Dropped);

            var disposing = Stopwatch.StartNew();
            await plot.DisposeAsync();
            Assert.True(disposing.Elapsed < TimeSpan.FromMilliseconds(100), $"DisposeAsync took {disposing.Elapsed.TotalMilliseconds:F0} ms");
            // The viewer itself stays up with its page.
            Assert.False((await api.StatusAsync()).State != "disconnected");
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task A_viewer_that_exits_before_printing_its_address_is_named_in_one_InvalidOperationException()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ViewerPath = "/bin/false" }));
        Assert.Contains("\"/bin/false\"", e.Message);
        Assert.Contains("exited with code 1", e.Message);
        var viaTask = await Assert.ThrowsAsync<InvalidOperationException>(() => LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, ViewerPath = "/bin/false" }));
        Assert.Equal(e.Message, viaTask.Message);
    }

    [Fact]
    public void A_viewer_path_that_does_not_exist_is_refused_at_once_naming_it()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ViewerPath = "/nonexistent/viewer" }));
        Assert.Contains("/nonexistent/viewer", e.Message);
        Assert.Equal("ViewerPath", e.ParamName);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refusing took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_viewer_that_fails_to_start_is_quoted_from_its_error_output()
    {
        if (OperatingSystem.IsWindows()) return;
        var script = Path.Combine(Path.GetTempPath(), $"plotpipe-failing-viewer-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 'cannot bind the port' >&2\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, ViewerPath = script }));
            Assert.Contains("exited with code 3", e.Message);
            Assert.Contains("cannot bind the port", e.Message);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task SpawnAsync_completes_with_the_page_already_served()
    {
        await using var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, ViewerLinger = TimeSpan.Zero });
        try
        {
            using var api = new ViewerApi(plot.Url);
            Assert.Equal("streaming", (await api.StatusAsync()).State);
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
