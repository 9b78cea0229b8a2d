using System.Diagnostics;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Buffering;

/// <summary>Many series share the producer's bounded buffer: none starves, none deadlocks, memory stays within the bound.</summary>
public class ManySeriesBufferTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private static Series[] Define(LivePlot plot, int count)
    {
        var all = new Series[count];
        for (int i = 0; i < count; i++) all[i] = plot.Line($"s{i}");
        return all;
    }

    private static void RoundRobin(Series[] all, int rounds)
    {
        for (int r = 0; r < rounds; r++)
        for (int i = 0; i < all.Length; i++)
            all[i].Add(r, i);
    }

    [Theory]
    [InlineData(33, 1 << 18, 8192, 1)]
    [InlineData(1024, 1 << 18, 8192, 1)]
    // Too small a buffer for every series to hold even the smallest chunk at once: the writer must take partial ones.
    [InlineData(1024, 8192, 1024, 1)]
    // The same, with room to grow to four times that before Add waits.
    [InlineData(1024, 8192, 1024, 4)]
    public async Task Block_delivers_every_point_of_many_series_round_robin_through_a_stalled_then_open_stream(int seriesCount, int bufferPoints, int batchPoints, int growth)
    {
        var stream = new GateStream(open: false);
        long bound = (long)bufferPoints * growth;
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { WhenFull = WhenFull.Block, BufferPoints = bufferPoints, MaxBufferBytes = bound * 16, BatchPoints = batchPoints });
        var all = Define(plot, seriesCount);
        const int rounds = 300;
        var producer = Task.Run(() => RoundRobin(all, rounds));
        // The stalled stream fills the buffer to its bound; the producer must then be waiting, not dropping.
        var clock = Stopwatch.StartNew();
        while (plot.Pool.ReservedPoints + plot.Pool.ChunkPoints <= bound && !producer.IsCompleted)
        {
            Assert.True(clock.Elapsed < Hang, "the buffer never filled");
            await Task.Delay(1);
        }
        Assert.True(plot.Pool.ReservedPoints <= bound, $"{plot.Pool.ReservedPoints} points reserved over a bound of {bound}");
        stream.Open();
        await producer.WaitAsync(Hang);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(0, plot.Dropped);
        for (int i = 0; i < seriesCount; i++)
        {
            Assert.Equal(rounds, got.Count(i));
            Assert.Equal(Enumerable.Range(0, rounds).Select(r => (double)r), got.Xs[i]);
        }
        Assert.True(got.FinishWasLast);
    }

    [Fact]
    public async Task The_buffer_never_holds_more_than_MaxBufferBytes_and_every_point_is_sent_or_counted_with_1024_series_and_a_stalled_stream()
    {
        var stream = new GateStream(open: false);
        // Room to grow to four times BufferPoints: 1,048,576 points, about half of what is added below.
        var options = new LivePlotOptions { WhenFull = WhenFull.Drop, MaxBufferBytes = 4L * (1 << 18) * 16 };
        var plot = LivePlot.ToStream(stream, options);
        var all = Define(plot, 1024);
        const int rounds = 2000;
        long peak = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < all.Length; i++) all[i].Add(r, i);
            peak = Math.Max(peak, plot.Pool.ReservedPoints);
        }
        Assert.True(peak * 16 <= options.MaxBufferBytes, $"{peak} points reserved over a bound of {options.MaxBufferBytes} bytes");
        Assert.True(peak > options.BufferPoints, $"the buffer never grew past {options.BufferPoints} points");
        Assert.True(plot.Dropped > 0);
        stream.Open();
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal(all[i].Dropped, got.Dropped.GetValueOrDefault(i));
            Assert.Equal(rounds, got.Count(i) + all[i].Dropped);
            // What was kept is a prefix of what was added, in order.
            Assert.Equal(Enumerable.Range(0, got.Count(i)).Select(r => (double)r), got.Xs[i]);
        }
    }

    [Fact]
    public async Task Idle_series_give_their_chunk_back_after_one_flush_while_a_busy_one_keeps_streaming()
    {
        var stream = new GateStream();
        await using var plot = LivePlot.ToStream(stream, new LivePlotOptions { WhenFull = WhenFull.Block });
        var idle = Define(plot, 200);
        foreach (var s in idle) s.Add(1, 1);
        var busy = plot.Line("busy");
        var clock = Stopwatch.StartNew();
        double x = 0;
        while (idle.Any(s => s.Buffer.HoldsChunks))
        {
            Assert.True(clock.Elapsed < Hang, $"{idle.Count(s => s.Buffer.HoldsChunks)} idle series still hold a chunk");
            for (int i = 0; i < 10_000; i++) busy.Add(x++, 0);
            await Task.Yield();
        }
        Assert.All(idle, s => Assert.Equal(0, s.Dropped));
        // The busy series streamed all along: once finished, every one of its points is in the stream.
        plot.Finish();
        await plot.Completion.WaitAsync(Hang);
        Assert.Equal((int)x, Received.Decode(stream.ToArray()).Count(200));
    }

    [Fact]
    public async Task Chunks_shrink_as_series_are_added_so_that_every_series_and_as_much_again_fit_the_budget()
    {
        var options = new LivePlotOptions();
        await using var plot = LivePlot.ToStream(new GateStream(), options);
        plot.Line("one");
        Assert.Equal(options.BatchPoints, plot.Pool.ChunkPoints);
        Define(plot, 1023);
        Assert.Equal(options.BufferPoints / 2048, plot.Pool.ChunkPoints);
        Assert.True(plot.Pool.ChunkPoints * 2L * 1024 <= options.BufferPoints);
    }

    [Fact]
    public async Task Points_added_after_Finish_are_counted_as_dropped_and_never_sent()
    {
        var stream = new GateStream(open: false);
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { WhenFull = WhenFull.Block });
        var a = plot.Line("a");
        var b = plot.Scatter("b");
        for (int i = 0; i < 5000; i++) a.Add(i, i);
        b.Add(1, 1);
        plot.Finish();
        // The stream is still stalled: nothing has been written, yet these come after Finish and must not go.
        for (int i = 0; i < 3000; i++) a.Add(i, i);
        b.Add(new double[700], new double[700]);
        Assert.Equal(3000, a.Dropped);
        Assert.Equal(700, b.Dropped);
        stream.Open();
        await plot.DisposeAsync();
        a.Add(1, 1);

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(5000, got.Count(0));
        Assert.Equal(1, got.Count(1));
        // The viewer is told of no drops: every point before Finish arrived.
        Assert.Empty(got.Dropped);
        Assert.True(got.FinishWasLast);
        Assert.Equal(3001 + 700, plot.Dropped);
    }

    [Fact]
    public async Task Adds_after_Finish_on_other_threads_are_either_sent_or_counted_never_lost()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { WhenFull = WhenFull.Block, BatchPoints = 1024, BufferPoints = 8192 });
        var all = Define(plot, 4);
        const int each = 200_000;
        var adders = all.Select(s => Task.Run(() =>
        {
            for (int i = 0; i < each; i++) s.Add(i, i);
        })).ToArray();
        // Finish in the middle of the stream.
        while (Received.Decode(stream.ToArray()).Count(0) == 0) await Task.Yield();
        plot.Finish();
        await Task.WhenAll(adders).WaitAsync(Hang);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal(each, got.Count(i) + all[i].Dropped);
            Assert.Equal(Enumerable.Range(0, got.Count(i)).Select(r => (double)r), got.Xs[i]);
        }
        Assert.True(got.FinishWasLast);
    }
}
