using System.Diagnostics;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>A viewer that stops reading (SIGSTOP) must cost the producer nothing but the points it cannot hold, and memory within its bound.</summary>
public class StalledViewerTests
{
    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public async Task A_stopped_viewer_never_stalls_the_producer_and_the_dropped_counts_match_on_both_sides()
    {
        // The buffer grows from 256 KiB to its bound of 4 MiB while the viewer is stopped, then drops.
        var options = new LivePlotOptions { OpenBrowser = false, BatchPoints = 1024, BufferPoints = 16 * 1024, MaxBufferBytes = 4 << 20 };
        var plot = LivePlot.Spawn(options);
        int pid = plot.ViewerProcessId!.Value;
        try
        {
            var s = plot.Line("signal");
            using var api = new ViewerApi(plot.Url);
            long added = 0;
            for (; added < 1000; added++) s.Add(added, added);
            await api.WaitForStatusAsync(st => st.Points == 1000);

            Signal(pid, "STOP");
            // Far more than the pipe and the buffer can hold: once they are full, Add drops and counts.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5_000_000; i++) s.Add(added, added++);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(s.Dropped > 0);
            // The buffer's bound, and the chunks it made again after the writer copied up to a segment (1 MiB) of
            // them into the pipe's buffer before the pipe stalled it.
            Assert.True(allocated <= options.MaxBufferBytes + (1 << 20) + 128 * 1024, $"the stalled producer allocated {allocated} bytes");
            Assert.True(plot.Pool.ReservedPoints * 16 <= options.MaxBufferBytes, $"{plot.Pool.ReservedPoints} points reserved");
            Assert.True(plot.Pool.ReservedPoints > options.BufferPoints, $"the buffer did not grow: {plot.Pool.ReservedPoints} points reserved");

            Signal(pid, "CONT");
            plot.Finish();
            await plot.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            var status = await api.WaitForStatusAsync(st => st.State == "finished");
            Assert.Equal(plot.Dropped, status.Dropped);
            Assert.Equal(added, status.Points + status.Dropped);
        }
        finally
        {
            Signal(pid, "CONT");
            plot.CloseViewer();
        }
    }
}
