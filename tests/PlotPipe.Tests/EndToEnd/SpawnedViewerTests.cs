using System.Buffers;
using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;
using PlotPipe.TestSupport;
using SkiaSharp;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>The real thing: a spawned viewer process, fed through its standard input, read through its HTTP API.</summary>
public class SpawnedViewerTests
{
    private static LivePlotOptions Headless(WhenFull policy = WhenFull.Drop) => new() { OpenBrowser = false, WhenFull = policy };

    [Fact]
    public async Task Three_series_of_ten_thousand_points_arrive_with_exact_counts()
    {
        var plot = LivePlot.Spawn(Headless(WhenFull.Block));
        try
        {
            var dots = plot.Scatter("samples", "ro");
            var loss = plot.Line("loss", "b-");
            var acc = plot.Line("accuracy", "g--");
            for (int i = 0; i < 5000; i++) dots.Add(Math.Sin(i), Math.Cos(i));
            var xs = Enumerable.Range(0, 3000).Select(i => (double)i).ToArray();
            loss.Add(xs, xs.Select(x => 1 / (1 + x)).ToArray());
            for (int i = 0; i < 2000; i++) acc.Add(i, i / 2000.0);
            plot.Finish();
            await plot.Completion;

            using var api = new ViewerApi(plot.Url);
            var status = await api.WaitForStatusAsync(s => s.State == "finished");
            var series = await api.SeriesAsync();
            Assert.Equal(["samples", "loss", "accuracy"], series.Select(s => s.Name));
            Assert.Equal([5000L, 3000L, 2000L], series.Select(s => s.Count));
            Assert.Equal(["ro", "b-", "g--"], series.Select(s => s.Format));
            Assert.Equal(["scatter", "line", "line"], series.Select(s => s.Kind));
            Assert.Equal("#ff0000", series[0].Color);
            Assert.Equal(10_000, status.Points);
            Assert.Equal(0, status.Dropped);
            Assert.Null(status.Error);
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task Viewer_killed_mid_stream_leaves_the_producer_loop_running_without_exceptions()
    {
        var plot = LivePlot.Spawn(Headless());
        var lost = new TaskCompletionSource<ViewerLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        plot.ViewerLost += (_, e) => lost.TrySetResult(e);
        var s = plot.Line("s");
        using var api = new ViewerApi(plot.Url);
        long i = 0;
        for (; i < 1000; i++) s.Add(i, i);
        await api.WaitForStatusAsync(st => st.Points > 0);

        plot.CloseViewer();
        await plot.WaitForViewerExitAsync();
        // The loop goes on as if nothing happened until the loss is noticed, and after.
        while (!lost.Task.IsCompleted) s.Add(i, i++);
        for (int k = 0; k < 1_000_000; k++) s.Add(i, i++);
        Assert.False(plot.IsViewerConnected);
        plot.Finish();
        var disposed = plot.DisposeAsync().AsTask();
        Assert.Same(disposed, await Task.WhenAny(disposed, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Producer_killed_mid_stream_shows_disconnected_and_the_viewer_keeps_its_points()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "PlotPipe.Cli.dll"), "demo", "--no-browser", "--points", "100000", "--interval", "0.002" })
            start.ArgumentList.Add(a);
        using var producer = Process.Start(start)!;
        var viewers = new List<int>();
        try
        {
            var line = await producer.StandardOutput.ReadLineAsync();
            Assert.StartsWith("PlotPipe viewer: http://127.0.0.1:", line);
            using var api = new ViewerApi(new Uri(line!["PlotPipe viewer: ".Length..]));
            viewers.AddRange(ProcessTree.Children(producer.Id));
            await api.WaitForStatusAsync(st => st.Points >= 20);

            producer.Kill();
            await producer.WaitForExitAsync();
            var status = await api.WaitForStatusAsync(st => st.State == "disconnected");
            Assert.True(status.Points >= 20);
            Assert.Contains("disconnected without finishing", status.Error);
            // Still up and still holding every point it had.
            var series = await api.SeriesAsync();
            Assert.Equal(status.Points, series.Single().Count);
            Assert.Equal(status.Points, (await api.StatusAsync()).Points);
        }
        finally
        {
            if (!producer.HasExited) producer.Kill(true);
            foreach (var pid in viewers) ProcessTree.Kill(pid);
        }
    }

    [Fact]
    public async Task A_malformed_frame_is_named_by_byte_offset_and_the_viewer_keeps_its_points_and_stays_up()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--stdin", "--no-browser" }) start.ArgumentList.Add(a);
        using var viewer = Process.Start(start)!;
        var errors = viewer.StandardError.ReadToEndAsync();
        try
        {
            var line = await viewer.StandardOutput.ReadLineAsync();
            using var api = new ViewerApi(new Uri(line!["PlotPipe viewer: ".Length..]));
            var w = new ArrayBufferWriter<byte>();
            FrameWriter.WriteHandshake(w);
            FrameWriter.WriteHello(w, "raw", token: "");
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "kept", "ro");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [4, 5, 6]);
            int badAt = w.WrittenCount;
            w.Write(new byte[] { 0, 0, 0, 0, 42, 0, 0, 0 });
            var stdin = viewer.StandardInput.BaseStream;
            await stdin.WriteAsync(w.WrittenMemory);
            await stdin.FlushAsync();

            var status = await api.WaitForStatusAsync(st => st.State == "disconnected");
            Assert.Contains($"byte {badAt + 4}: unknown frame type 42", status.Error);
            Assert.Equal(3, status.Points);
            Assert.Equal(3, (await api.SeriesAsync()).Single().Count);
            Assert.False(viewer.HasExited);
            viewer.Kill();
            Assert.Contains($"byte {badAt + 4}", await errors);
        }
        finally
        {
            if (!viewer.HasExited) viewer.Kill();
        }
    }

    [Fact]
    public async Task Final_picture_is_saved_at_finish_and_the_viewer_exits_when_asked()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}.png");
        var options = Headless();
        options.SavePngPath = png;
        options.ExitOnFinish = true;
        var plot = LivePlot.Spawn(options);
        try
        {
            var dots = plot.Scatter("samples", "ro");
            for (int i = 0; i < 10; i++) dots.Add(i % 5, i / 5);
            plot.Finish();
            await plot.Completion;
            var exit = await plot.WaitForViewerExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit);

            using var bitmap = SKBitmap.Decode(png);
            Assert.Equal(800, bitmap.Width);
            Assert.Equal(600, bitmap.Height);
            // Ten separate red dots on the plot, plus the legend's marker.
            Assert.Equal(11, RedDots.Count(bitmap));
        }
        finally
        {
            plot.CloseViewer();
            File.Delete(png);
        }
    }

    [Fact]
    public async Task Viewer_exits_by_itself_once_the_producer_is_gone_and_no_page_is_open()
    {
        var options = Headless();
        options.ViewerLinger = TimeSpan.FromMilliseconds(300);
        var plot = LivePlot.Spawn(options);
        try
        {
            plot.Scatter("s").Add(1, 1);
            await plot.DisposeAsync();
            var exit = await plot.WaitForViewerExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit);
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
