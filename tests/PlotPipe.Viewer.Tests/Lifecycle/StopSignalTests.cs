using PlotPipe.TestSupport;
using System.Diagnostics;
using System.Net.WebSockets;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Lifecycle;

/// <summary>SIGTERM, SIGINT and SIGHUP stop the real viewer process at once, after saving the picture it was asked for.</summary>
public sealed class StopSignalTests
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(15, 143)]
    [InlineData(2, 130)]
    [InlineData(1, 129)]
    public async Task A_signal_mid_stream_stops_the_viewer_within_2s_having_saved_the_png_of_its_points(int signal, int exitCode)
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}.png");
        using var viewer = await ViewerProcess.StartAsync("--png", png);
        try
        {
            await viewer.HandshakeAsync();
            await viewer.DefineAsync(0, SeriesKind.Scatter, "dots", "ro");
            double[] xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
            double[] ys = [0, 3, 1, 4, 1, 5, 9, 2, 6, 5];
            await viewer.PointsAsync(0, xs, ys);
            // Standard input stays open and no finish frame comes: the producer is mid-stream.
            await Http.WaitForPointsAsync(viewer, 10);

            var clock = Stopwatch.StartNew();
            viewer.Signal(signal);
            var code = await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10));
            clock.Stop();

            Assert.True(code is not null, $"the viewer still runs 10 s after signal {signal}: {viewer.Errors}");
            Assert.True(clock.Elapsed < StopBudget, $"the viewer took {clock.Elapsed.TotalMilliseconds:F0} ms to stop");
            Assert.Equal(exitCode, code);
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap is not null, $"no PNG was saved: {viewer.Errors}");
            // Ten separate red dots (a legend's marker, if drawn, adds one).
            Assert.InRange(RedDots.Count(bitmap), 10, 11);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task A_lingering_viewer_with_a_page_open_stops_within_2s_on_sigterm()
    {
        using var viewer = await ViewerProcess.StartAsync("--linger", "600");
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "loss", "b-");
        await viewer.PointsAsync(0, new double[] { 0, 1, 2 }, new double[] { 3, 2, 1 });
        await viewer.FinishAsync();
        // The producer is gone: the viewer lingers while the page is open.
        viewer.CloseInput();
        await Http.WaitForStateAsync(viewer, "finished");

        using var page = new ClientWebSocket();
        await page.ConnectAsync(new UriBuilder(viewer.Url) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        // The first message proves the page is being served, so the viewer counts it as open.
        var buffer = new byte[1 << 16];
        var first = await page.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(WebSocketMessageType.Text, first.MessageType);

        var clock = Stopwatch.StartNew();
        viewer.Signal(15);
        var code = await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.True(code is not null, $"the viewer still runs 10 s after SIGTERM with a page open: {viewer.Errors}");
        Assert.True(clock.Elapsed < StopBudget, $"the viewer took {clock.Elapsed.TotalMilliseconds:F0} ms to stop");
        Assert.Equal(143, code);
        Assert.Contains("plotpipe: SIGTERM: stopping", viewer.Errors);
    }

    [Fact]
    public async Task A_viewer_that_has_saved_its_picture_does_not_save_it_again_on_sigterm()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}.png");
        using var viewer = await ViewerProcess.StartAsync("--png", png, "--linger", "600");
        try
        {
            await viewer.HandshakeAsync();
            await viewer.DefineAsync(0, SeriesKind.Scatter, "dots", "ro");
            await viewer.PointsAsync(0, new double[] { 1, 2 }, new double[] { 1, 2 });
            await viewer.FinishAsync();
            // Pictures are saved once the producer closes the stream, as a finished producer does.
            viewer.CloseInput();
            await Http.WaitForAsync(() => File.Exists(png) && new FileInfo(png).Length > 0, "the picture saved at finish");
            var written = File.GetLastWriteTimeUtc(png);

            viewer.Signal(15);
            Assert.Equal(143, await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(written, File.GetLastWriteTimeUtc(png));
        }
        finally
        {
            File.Delete(png);
        }
    }
}
