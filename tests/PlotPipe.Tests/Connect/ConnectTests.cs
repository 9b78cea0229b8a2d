using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PlotPipe.Protocol;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Connect;

/// <summary><see cref="LivePlot.Connect"/> against a real TCP peer that reads with the viewer's own decoder.</summary>
public class ConnectTests
{
    private static List<double> Range(int from, int count) => Enumerable.Range(from, count).Select(i => (double)i).ToList();

    [Fact]
    public async Task Connected_plot_sends_Hello_with_name_and_token_first_then_every_point()
    {
        await using var peer = LoopbackViewer.Start();
        await using (var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { ProducerName = "trainer-1", Token = "s3cret_T-0k", WhenFull = WhenFull.Block }))
        {
            var loss = plot.Line("loss");
            var acc = plot.Scatter("acc", "ro");
            for (int i = 0; i < 100_000; i++)
            {
                loss.Add(i, 1.0 / (i + 1));
                if (i % 2 == 0) acc.Add(i, 0.5);
            }
            Assert.True(plot.IsViewerConnected);
        }
        await peer.WaitUntilAsync(p => p.Connections.Length == 1 && p.Connections[0].Finished, "the finish");
        var c = peer.Connections[0];
        Assert.Equal(2, c.Version);
        Assert.Equal(FrameType.Hello, c.Types[0]);
        Assert.Equal(new ProducerHello("trainer-1", "s3cret_T-0k"), c.Hello);
        Assert.Equal(Range(0, 100_000), c.Xs("loss"));
        Assert.Equal(50_000, c.Xs("acc").Count);
        Assert.Null(c.Error);
    }

    [Fact]
    public async Task Dropped_connection_is_made_again_with_Hello_and_definitions_and_Block_loses_nothing()
    {
        await using var peer = LoopbackViewer.Start();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { ProducerName = "p", WhenFull = WhenFull.Block });
        var loss = plot.Line("loss");
        var acc = plot.Line("acc", "g-");
        for (int i = 0; i < 50_000; i++)
        {
            loss.Add(i, i);
            acc.Add(i, i);
        }
        await peer.WaitUntilAsync(p => p.Connections.Length >= 1 && p.Connections[0].Xs("loss").Count == 50_000 && p.Connections[0].Xs("acc").Count == 50_000, "the first burst");

        peer.DropAll();
        // The producer learns of the drop from the socket, not from a write that would vanish into it.
        await peer.WaitUntilAsync(p => p.Connections.Length == 2 && plot.IsViewerConnected, "the reconnection");
        for (int i = 50_000; i < 100_000; i++)
        {
            loss.Add(i, i);
            acc.Add(i, i);
        }
        await plot.DisposeAsync();

        await peer.WaitUntilAsync(p => p.Connections[1].Finished, "the finish on the second connection");
        var second = peer.Connections[1];
        Assert.Equal(FrameType.Hello, second.Types[0]);
        Assert.Equal("p", second.Hello!.Name);
        Assert.Equal([FrameType.DefineSeries, FrameType.DefineSeries], second.Types[1..3]);
        Assert.Equal(["loss", "acc"], second.Definitions.Values.OrderBy(d => d.Id).Select(d => d.Name));
        Assert.Equal("g-", second.Definitions.Values.Single(d => d.Name == "acc").Format);
        Assert.Equal(Range(0, 100_000), peer.AllXs("loss"));
        Assert.Equal(Range(0, 100_000), peer.AllXs("acc"));
        Assert.Equal(0, plot.Dropped);
    }

    [Fact]
    public async Task Connection_dropped_while_streaming_is_made_again_and_the_stream_finishes_on_the_new_one()
    {
        await using var peer = LoopbackViewer.Start();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Block });
        var loss = plot.Line("loss");
        const int total = 2_000_000;
        // The second half waits for the drop: a producer this fast had written nearly all of it into the socket's
        // buffers before the drop, so the stream ended in them, unknown to both sides, rather than while streaming.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streaming = Task.Run(async () =>
        {
            for (int i = 0; i < total / 2; i++) loss.Add(i, i);
            await dropped.Task;
            for (int i = total / 2; i < total; i++) loss.Add(i, i);
            plot.Finish();
        });
        await peer.WaitUntilAsync(p => p.Connections.Length >= 1 && p.Connections[0].Xs("loss").Count > 100_000, "points on the first connection");
        peer.DropAll();
        dropped.SetResult();
        // Generous: the whole suite runs beside it, and the producer under Block moves only as fast as the peer reads.
        await streaming.WaitAsync(TimeSpan.FromSeconds(90));
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(90));

        await AssertFinishedOnANewConnectionAsync(peer, total);
        Assert.True(peer.AllXs("loss").Count <= total);
    }

    // The stream ends on a connection made after the first, which starts with the Hello and the definitions again.
    // What was in flight when the first ended cannot be known (TCP has no end-to-end acknowledgement); everything
    // after the reconnection arrives, in order, up to the last point.
    private static async Task AssertFinishedOnANewConnectionAsync(LoopbackViewer peer, int total)
    {
        await peer.WaitUntilAsync(p => p.Connections.Length >= 2 && p.Connections[^1].Finished, "the finish on a new connection");
        var last = peer.Connections[^1];
        Assert.Equal(FrameType.Hello, last.Types[0]);
        Assert.Equal(FrameType.DefineSeries, last.Types[1]);
        var after = last.Xs("loss");
        Assert.NotEmpty(after);
        Assert.Equal(total - 1, after[^1]);
        Assert.Equal(Range((int)after[0], after.Count), after);
    }

    [Fact]
    public async Task Connection_that_ends_while_the_producer_waits_to_write_is_made_again_and_the_stream_finishes_on_the_new_one()
    {
        await using var peer = LoopbackViewer.Start();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Block });
        var loss = plot.Line("loss");
        await peer.WaitUntilAsync(p => p.Connections.Length == 1, "the connection");
        peer.StopReading();
        const int total = 4_000_000;
        var streaming = Task.Run(() =>
        {
            for (int i = 0; i < total; i++) loss.Add(i, i);
            plot.Finish();
        });
        // Under Block the buffer fills only once the sockets hold all they can: the writer is then waiting in a send.
        await peer.WaitUntilAsync(_ => plot.Pool.InUsePoints >= plot.Pool.MaxPoints, "the producer's buffer to fill");
        // The end of the stream arrives while the send waits on a window that never opens again, as from a viewer
        // that closed with its window shut (the system keeps such a close unanswered for a minute or more).
        peer.ShutSending();

        await streaming.WaitAsync(TimeSpan.FromSeconds(60));
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await AssertFinishedOnANewConnectionAsync(peer, total);
    }

    [Fact]
    public async Task Drop_policy_never_waits_while_disconnected_and_counts_what_it_drops()
    {
        await using var peer = LoopbackViewer.Start();
        // The buffer grows from 16,384 points to its bound of 65,536 (1 MiB) while nobody reads.
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Drop, BufferPoints = 16_384, MaxBufferBytes = 1 << 20, BatchPoints = 1024 });
        var loss = plot.Line("loss");
        await peer.StopListeningAsync();
        peer.DropAll();
        await peer.WaitUntilAsync(_ => !plot.IsViewerConnected, "the plot to notice the drop");

        // Nobody listens: a million adds return, the buffer keeps what fits and the rest is counted.
        for (int i = 0; i < 1_000_000; i++) loss.Add(i, i);
        Assert.False(plot.IsViewerConnected);
        Assert.InRange(plot.Dropped, 1_000_000 - 65_536, 1_000_000 - 16_384 - 1);

        peer.Listen();
        await peer.WaitUntilAsync(p => p.Connections.Length == 2, "the reconnection");
        plot.Finish();
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        await peer.WaitUntilAsync(p => p.Connections[1].Finished, "the finish");
        var second = peer.Connections[1];
        Assert.Equal(plot.Dropped, second.Dropped("loss"));
        Assert.Equal(1_000_000 - plot.Dropped, second.Xs("loss").Count);
    }

    [Fact]
    public async Task Each_connection_reports_only_the_drops_not_reported_before_so_the_viewers_sum_is_the_plots()
    {
        await using var peer = LoopbackViewer.Start();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Drop, BufferPoints = 16_384, MaxBufferBytes = 1 << 20, BatchPoints = 1024 });
        var loss = plot.Line("loss");
        double x = 0;
        // Two outages, each dropping points; each new connection is a new producer to a viewer, whose totals add up.
        for (int outage = 1; outage <= 2; outage++)
        {
            await peer.StopListeningAsync();
            peer.DropAll();
            await peer.WaitUntilAsync(_ => !plot.IsViewerConnected, "the plot to notice the drop");
            for (int i = 0; i < 500_000; i++) loss.Add(x++, 0);
            peer.Listen();
            int expected = outage + 1;
            // The outage's drops travel with the buffered points; they are this connection's until it is cut.
            await peer.WaitUntilAsync(p => p.Connections.Length == expected && plot.IsViewerConnected && p.Connections[^1].Dropped("loss") > 0, "the reconnection to report the outage's drops");
        }
        plot.Finish();
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        await peer.WaitUntilAsync(p => p.Connections[^1].Finished, "the finish");
        Assert.True(peer.Connections[1].Dropped("loss") > 0 && peer.Connections[2].Dropped("loss") > 0);
        Assert.Equal(plot.Dropped, peer.Connections.Sum(c => c.Dropped("loss")));
    }

    [Fact]
    public async Task The_first_drop_is_logged_as_a_warning_and_later_ones_as_information()
    {
        await using var peer = LoopbackViewer.Start();
        var log = new LogLines();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { Logger = log });
        plot.Line("loss").Add(1, 1);
        for (int connections = 1; connections <= 2; connections++)
        {
            // Dropped once the producer has read that the viewer took it: a connection dropped before that reached no
            // viewer as far as the producer knows, and is retried with backoff, logged as such.
            await peer.WaitUntilAsync(p => p.Connections.Length == connections && plot.Link!.IsAccepted, $"connection {connections} taken");
            peer.DropAll();
        }
        // The drop is logged before the reconnection it leads to.
        await peer.WaitUntilAsync(p => p.Connections.Length == 3, "connection 3");

        var drops = log.Lines.Where(l => l.Text.Contains("dropped; reconnecting", StringComparison.Ordinal)).Select(l => l.Level).ToArray();
        Assert.Equal([LogLevel.Warning, LogLevel.Information], drops);
    }

    [Fact]
    public async Task Refusal_line_ends_the_plot_with_its_reason_and_no_reconnection()
    {
        await using var peer = LoopbackViewer.Start();
        // At the first points, so that the handler below is surely subscribed when the refusal comes.
        peer.RefuseNext("plotpipe: refused: wrong token", atFirstPoints: true);
        var lost = new TaskCompletionSource<ViewerLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new LogLines();
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { Token = "wrong", Logger = log });
        plot.ViewerLost += (_, e) => lost.TrySetResult(e);
        var loss = plot.Line("loss");
        loss.Add(1, 1);

        var args = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("plotpipe: refused: wrong token", args.Reason);
        // Said as the viewer's answer to this producer, not as the viewer going away.
        Assert.Contains(log.Lines, l => l.Text == "PlotPipe: the viewer refused this producer (wrong token); points added from now on are counted as dropped"
            + "; LivePlotOptions.Token takes the token of the viewer's page address (?token=...)");
        Assert.False(plot.IsViewerConnected);
        loss.Add(2, 2);
        Assert.True(plot.Dropped >= 1);
        // Several backoff periods (100 ms, then 200 ms...) pass with no second knock.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(peer.Connections);
        var watch = Stopwatch.StartNew();
        await plot.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"disposing a refused plot took {watch.Elapsed}");
    }

    [Fact]
    public async Task Refusal_arriving_after_a_short_stream_was_written_whole_is_heard_before_the_plot_completes()
    {
        await using var peer = LoopbackViewer.Start();
        // As a refusal of the Hello that was still on its way when the last byte left: heard only at the finish.
        peer.RefuseNext("plotpipe: refused: wrong token", atFinish: true);
        string? reason = null;
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { Token = "wrong" });
        plot.ViewerLost += (_, e) => Volatile.Write(ref reason, e.Reason);
        plot.Line("loss").Add(1, 1);
        plot.Finish();

        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("plotpipe: refused: wrong token", Volatile.Read(ref reason));
        Assert.False(plot.IsViewerConnected);
        Assert.Single(peer.Connections);
    }

    [Fact]
    public async Task Refusal_right_after_the_Hello_loses_the_viewer_with_no_point_sent_and_no_reconnection()
    {
        await using var peer = LoopbackViewer.Start();
        peer.RefuseNext("plotpipe: refused: wrong token");
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { Token = "wrong" });
        // Lost, not just down: a dropped link reads as disconnected while the refusal line is still on its way.
        await peer.WaitUntilAsync(_ => plot.IsViewerLost, "the plot to take the refusal as the viewer lost");
        plot.Line("loss").Add(1, 1);
        Assert.Equal(1, plot.Dropped);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(peer.Connections);
        Assert.False(plot.IsViewerConnected);
        Assert.True(plot.Completion.IsCompleted);
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("udp://127.0.0.1:5000")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:")]
    [InlineData("tcp://127.0.0.1:0")]
    [InlineData("tcp://127.0.0.1:65536")]
    [InlineData("tcp://127.0.0.1:port")]
    [InlineData("tcp://:5000")]
    [InlineData("tcp://[::1]")]
    public void Malformed_address_throws_naming_it(string address)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Connect(address));
        Assert.Equal("address", e.ParamName);
        Assert.Contains($"\"{address}\"", e.Message);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("é")]
    public void Token_with_a_character_outside_the_protocols_set_throws_naming_the_option(string token)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Connect("tcp://127.0.0.1:1", new LivePlotOptions { Token = token }));
        Assert.Equal("Token", e.ParamName);
    }

    [Fact]
    public void Overlong_token_throws_naming_the_option()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.Connect("tcp://127.0.0.1:1", new LivePlotOptions { Token = new string('a', 257) }));
        Assert.Equal("Token", e.ParamName);
        Assert.Contains("257", e.Message);
    }

    [Fact]
    public async Task ConnectAsync_keeps_retrying_until_a_viewer_listens()
    {
        await using var peer = LoopbackViewer.NotListening();
        var connecting = LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { ProducerName = "late", WhenFull = WhenFull.Block });
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(connecting.IsCompleted, "ConnectAsync completed with nobody listening");

        peer.Listen();
        await using var plot = await connecting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(plot.IsViewerConnected);
        plot.Scatter("s").Add(1, 2);
        plot.Finish();
        await peer.WaitUntilAsync(p => p.Connections.Length == 1 && p.Connections[0].Finished, "the finish");
        Assert.Equal("late", peer.Connections[0].Hello!.Name);
        Assert.Equal([1.0], peer.Connections[0].Xs("s"));
    }

    [Fact]
    public async Task ConnectAsync_with_nobody_listening_throws_when_cancelled()
    {
        await using var peer = LoopbackViewer.NotListening();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LivePlot.ConnectAsync(peer.Address, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Dispose_of_a_connected_plot_whose_viewer_vanished_returns_within_the_finish_timeout()
    {
        await using var peer = LoopbackViewer.Start();
        var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Block, FinishTimeout = TimeSpan.FromMilliseconds(500) });
        var loss = plot.Line("loss");
        loss.Add(1, 1);
        await peer.WaitUntilAsync(p => p.Connections.Length >= 1 && p.Connections[0].Xs("loss").Count == 1, "the first point");
        await peer.StopListeningAsync();
        peer.DropAll();
        await peer.WaitUntilAsync(_ => !plot.IsViewerConnected, "the plot to notice the drop");
        loss.Add(2, 2);

        var watch = Stopwatch.StartNew();
        await plot.DisposeAsync();
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3));
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(plot.IsViewerConnected);
    }
}
