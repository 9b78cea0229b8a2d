using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;
using PlotPipe.Transport;

namespace PlotPipe.Tests.Connect;

/// <summary>
/// Connections that reach no viewer (accepted, then closed before a viewer took the stream, as through a tunnel whose
/// far end is down) are retried on the backoff schedule, as failed connects are, while a viewer's dropped stream is
/// made again at once; and a connection's reader ends that connection alone.
/// </summary>
public sealed class UnansweredConnectionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task A_tunnel_whose_far_viewer_is_down_is_reconnected_to_on_the_backoff_schedule_and_the_viewer_gets_the_stream_once_it_listens(int holdMs)
    {
        // Closed at once, or after a far end's round trip: by then the producer has written its Hello and points.
        await using var peer = LoopbackViewer.NotListening();
        var tunnel = new DeadEndTunnel(peer.Port, TimeSpan.FromMilliseconds(holdMs));
        var log = new LogLines();
        var clock = Stopwatch.StartNew();
        await using var plot = await LivePlot.ConnectAsync(tunnel.Address, new LivePlotOptions { ProducerName = "tunnelled", Logger = log });
        var loss = plot.Line("loss");
        // The program's loop goes on adding all along, and Add never throws into it.
        double x = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            for (int i = 0; i < 10; i++, x++) loss.Add(x, x);
            await Task.Delay(1);
        }
        int knocks = tunnel.Accepted;
        var elapsed = clock.Elapsed;

        // Knocking again as fast as the loop runs would make hundreds or thousands of connections here.
        Assert.InRange(knocks, 2, MostTriesWithin(elapsed));
        Assert.False(plot.IsViewerLost);
        // One warning for the whole run, not one a knock.
        Assert.Single(log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("before a viewer took the stream", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("dropped; reconnecting", StringComparison.Ordinal));

        await tunnel.DisposeAsync();
        peer.Listen();
        // The next knock, one backoff step away at most, reaches the viewer, which takes the stream.
        await peer.WaitUntilAsync(p => p.Connections.Length == 1 && plot.IsViewerConnected, "the viewer to be reached");
        double resumed = x;
        for (int i = 0; i < 1000; i++, x++) loss.Add(x, x);
        plot.Finish();
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(20));

        await peer.WaitUntilAsync(p => p.Connections[0].Finished, "the finish");
        var stream = peer.Connections[0];
        Assert.Equal("tunnelled", stream.Hello!.Name);
        Assert.Equal(Enumerable.Range((int)resumed, 1000).Select(i => (double)i), stream.Xs("loss").TakeLast(1000));
        Assert.False(plot.IsViewerLost);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Text == $"PlotPipe: reconnected to the viewer at {tunnel.Address}");
    }

    [Fact]
    public async Task A_viewer_older_than_the_acceptance_line_is_reconnected_to_after_each_drop()
    {
        await using var peer = LoopbackViewer.Start();
        peer.SaysAcceptance = false;
        await using var plot = await LivePlot.ConnectAsync(peer.Address, new LivePlotOptions { WhenFull = WhenFull.Block });
        var loss = plot.Line("loss");
        double x = 0;
        for (int connection = 1; connection <= 3; connection++)
        {
            await peer.WaitUntilAsync(p => p.Connections.Length == connection && plot.IsViewerConnected, $"connection {connection}");
            for (int i = 0; i < 100; i++, x++) loss.Add(x, x);
            await peer.WaitUntilAsync(p => p.Connections[^1].Xs("loss").Count == 100, $"the points on connection {connection}");
            if (connection < 3) peer.DropAll();
        }
        plot.Finish();
        await plot.Completion.WaitAsync(TimeSpan.FromSeconds(20));

        await peer.WaitUntilAsync(p => p.Connections[^1].Finished, "the finish");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (double)i), peer.AllXs("loss"));
        Assert.False(plot.IsViewerLost);
    }

    [Fact]
    public async Task A_connections_reader_that_ends_after_a_reconnection_leaves_the_new_connection_up()
    {
        await using var peer = LoopbackViewer.Start();
        using var log = new WarningGate();
        int wakes = 0;
        var link = TcpViewer.Create(peer.Address, log, () => Interlocked.Increment(ref wakes));
        try
        {
            await using var first = await link.ConnectAsync(CancellationToken.None);
            await peer.WaitUntilAsync(p => p.Connections.Length == 1, "the first connection");
            peer.DropAll();
            // The first connection's reader has read its end and is telling the log about it: it has yet to mark
            // anything down. The writer makes the next connection now, as it does when its own write found the
            // first one gone before that reader did.
            Assert.True(log.Entered.Wait(TimeSpan.FromSeconds(20)), "the first connection's end was never logged");
            await using var second = await link.ConnectAsync(CancellationToken.None);
            await peer.WaitUntilAsync(p => p.Connections.Length == 2, "the second connection");
            log.Release.Set();
            await peer.WaitUntilAsync(_ => Volatile.Read(ref wakes) == 1, "the first connection's reader to finish");

            Assert.True(link.IsConnected, "the first connection's reader took the second connection down");
            Assert.False(peer.Connections[1].Closed);
            // The second connection's own reader does end it.
            peer.DropAll();
            await peer.WaitUntilAsync(_ => link.IsDown, "the second connection's end");
        }
        finally
        {
            log.Release.Set();
            link.Stop();
        }
    }

    // The most connection tries the backoff allows within `elapsed`: the first at once, each later one after the wait
    // before it at its shortest (100 ms doubling to 5 s, less a quarter for jitter).
    private static int MostTriesWithin(TimeSpan elapsed)
    {
        int tries = 1;
        var wait = TimeSpan.FromMilliseconds(100);
        var at = wait * 0.75;
        while (at <= elapsed)
        {
            tries++;
            wait = wait * 2 < TimeSpan.FromSeconds(5) ? wait * 2 : TimeSpan.FromSeconds(5);
            at += wait * 0.75;
        }
        return tries;
    }

    // A log whose first warning holds the logging thread until released, to stop a connection's reader at that point.
    private sealed class WarningGate : ILogger, IDisposable
    {
        private int _held;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning || Interlocked.Exchange(ref _held, 1) == 1) return;
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
