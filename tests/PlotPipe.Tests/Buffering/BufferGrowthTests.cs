using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Buffering;

/// <summary>
/// The buffer grows while the writer is behind, up to MaxBufferBytes, and shrinks back once drained: a burst the
/// viewer would absorb arrives whole under the default policy, and only points beyond the bound are dropped.
/// </summary>
public class BufferGrowthTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private static double[] Ramp(int from, int count)
    {
        var xs = new double[count];
        for (int i = 0; i < count; i++) xs[i] = from + i;
        return xs;
    }

    [Fact]
    public async Task A_burst_into_a_stalled_stream_grows_the_buffer_and_arrives_whole_under_the_default_options()
    {
        var stream = new GateStream(open: false);
        var options = new LivePlotOptions();
        Assert.Equal(WhenFull.Drop, options.WhenFull);
        var plot = LivePlot.ToStream(stream, options);
        var s = plot.Line("burst");
        // Eight times the base budget while nothing is written: three columns, then single points.
        const int block = 400_000;
        for (int k = 0; k < 3; k++)
        {
            var xs = Ramp(k * block, block);
            s.Add(xs, xs);
        }
        for (int i = 3 * block; i < 6 * block; i++) s.Add(i, i);
        Assert.Equal(0, plot.Dropped);
        Assert.True(plot.Pool.ReservedPoints >= 6 * block, $"{plot.Pool.ReservedPoints} points reserved for {6 * block} held");
        Assert.True(plot.Pool.ReservedPoints * 16 <= options.MaxBufferBytes);

        stream.Open();
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.Equal(Ramp(0, 6 * block), got.Xs[0]);
        Assert.Empty(got.Dropped);
        Assert.True(got.FinishWasLast);
    }

    [Fact]
    public async Task Points_are_dropped_only_beyond_MaxBufferBytes_and_the_buffer_never_holds_more()
    {
        var stream = new GateStream(open: false);
        var options = new LivePlotOptions { BatchPoints = 1024, BufferPoints = 8192, MaxBufferBytes = 1 << 20 };
        long bound = options.MaxBufferBytes / 16;
        var plot = LivePlot.ToStream(stream, options);
        var s = plot.Scatter("s");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++) s.Add(i, i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The buffer filled to its bound (the writer may have taken a chunk or two into the stalled pipe), no further.
        Assert.InRange(s.Dropped, 1_000_000 - bound - 2 * options.BatchPoints, 1_000_000 - bound);
        Assert.True(plot.Pool.ReservedPoints <= bound, $"{plot.Pool.ReservedPoints} points reserved over a bound of {bound}");
        Assert.True(allocated <= options.MaxBufferBytes + 64 * 1024, $"adding allocated {allocated} bytes");

        stream.Open();
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.Equal(s.Dropped, got.Dropped[0]);
        Assert.Equal(1_000_000, got.Count(0) + s.Dropped);
        // What was kept is a prefix of what was added, in order.
        Assert.Equal(Ramp(0, got.Count(0)), got.Xs[0]);
    }

    [Fact]
    public async Task Once_a_burst_is_drained_the_buffer_shrinks_back_to_BufferPoints_and_streaming_allocates_nothing()
    {
        var stream = new GateStream(open: false);
        var options = new LivePlotOptions();
        await using var plot = LivePlot.ToStream(stream, options);
        var s = plot.Line("s");
        const int burst = 2_000_000;
        for (int i = 0; i < burst; i++) s.Add(i, i);
        Assert.True(plot.Pool.ReservedPoints > options.BufferPoints, "the burst did not grow the buffer");

        stream.Open();
        var clock = Stopwatch.StartNew();
        while (plot.Pool.ReservedPoints > options.BufferPoints)
        {
            Assert.True(clock.Elapsed < Hang, $"the buffer stayed at {plot.Pool.ReservedPoints} points after the burst");
            await Task.Delay(5);
        }
        Assert.Equal(0, plot.Dropped);

        // Streaming on within the base budget reuses the chunks it kept: rounds that made no chunk allocate nothing.
        double x = burst;
        for (int attempt = 0; ; attempt++)
        {
            int chunks = plot.Pool.Created;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100_000; i++) s.Add(x, x++);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (plot.Pool.Created != chunks)
            {
                Assert.True(attempt < 100, "the pool never settled");
                continue;
            }
            Assert.Equal(0, allocated);
            break;
        }
        Assert.True(plot.Pool.ReservedPoints <= options.MaxBufferBytes / 16);
    }

    [Fact]
    public async Task A_backlog_that_rises_and_falls_again_within_a_second_reuses_the_grown_chunks_and_allocates_nothing()
    {
        var stream = new GateStream(open: false);
        var options = new LivePlotOptions();
        await using var plot = LivePlot.ToStream(stream, options);
        // However slow this machine, the second backlog comes before the pool may shrink: it must find its chunks.
        plot.Pool.ShrinkAfter = TimeSpan.FromMinutes(10);
        var s = plot.Line("s");
        const int burst = 1_000_000;
        double x = 0;
        for (int i = 0; i < burst; i++) s.Add(x, x++);
        long grown = plot.Pool.ReservedPoints;
        Assert.True(grown > options.BufferPoints, "the backlog did not grow the buffer");

        stream.Open();
        var clock = Stopwatch.StartNew();
        // Drained to the last chunk (a writer holding one when the stream stalls again would make the next burst short of it).
        while (plot.Pool.InUsePoints > 0)
        {
            Assert.True(clock.Elapsed < Hang, $"{plot.Pool.InUsePoints} points still in use");
            await Task.Delay(5);
        }
        stream.Stall();
        int chunks = plot.Pool.Created;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < burst; i++) s.Add(x, x++);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(chunks, plot.Pool.Created);
        Assert.Equal(0, allocated);
        Assert.Equal(grown, plot.Pool.ReservedPoints);
        Assert.Equal(0, plot.Dropped);
        stream.Open();
    }

    [Fact]
    public async Task Under_Block_the_buffer_keeps_to_BufferPoints_unless_MaxBufferBytes_is_given_and_loses_nothing()
    {
        // Block waits rather than drops, so growing would only let the page fall further behind a fast producer.
        var blocking = new LivePlotOptions { WhenFull = WhenFull.Block };
        var stream = new GateStream(open: false);
        var plot = LivePlot.ToStream(stream, blocking);
        Assert.Equal(blocking.BufferPoints, plot.Pool.MaxPoints);
        var s = plot.Line("s");
        const int total = 1_000_000;
        var adding = Task.Run(() =>
        {
            for (int i = 0; i < total; i++) s.Add(i, i);
        });
        var clock = Stopwatch.StartNew();
        while (plot.Pool.ReservedPoints < blocking.BufferPoints && !adding.IsCompleted)
        {
            Assert.True(clock.Elapsed < Hang, "the buffer never filled");
            await Task.Delay(5);
        }
        Assert.False(adding.IsCompleted, "a million adds into a stalled stream returned under Block");
        Assert.True(plot.Pool.ReservedPoints <= blocking.BufferPoints);
        stream.Open();
        await adding.WaitAsync(Hang);
        await plot.DisposeAsync();
        Assert.Equal(total, Received.Decode(stream.ToArray()).Count(0));
        Assert.Equal(0, plot.Dropped);

        // Given a bound, Block grows to it too.
        await using var grown = LivePlot.ToStream(new GateStream(), new LivePlotOptions { WhenFull = WhenFull.Block, MaxBufferBytes = 64L << 20 });
        Assert.Equal((64L << 20) / 16, grown.Pool.MaxPoints);
    }

    [Fact]
    public void A_BufferPoints_above_the_default_bound_raises_the_bound_with_it_unless_MaxBufferBytes_is_set()
    {
        var options = new LivePlotOptions { BufferPoints = 1 << 25 };
        Assert.Equal(1L << 29, options.MaxBufferBytes);
        options.MaxBufferBytes = 1L << 20;
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), options));
        Assert.Equal(nameof(LivePlotOptions.MaxBufferBytes), e.ParamName);
        Assert.Contains("BufferPoints", e.Message);
    }

    [Fact]
    public async Task The_first_drop_logs_one_warning_naming_MaxBufferBytes_and_WhenFull_Block()
    {
        var log = new LogLines();
        var stream = new GateStream(open: false);
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { BatchPoints = 1024, BufferPoints = 8192, MaxBufferBytes = 1 << 20, Logger = log });
        var a = plot.Line("a");
        var b = plot.Line("b");
        for (int i = 0; i < 500_000; i++)
        {
            a.Add(i, i);
            b.Add(i, i);
        }
        Assert.True(plot.Dropped > 0);
        var warning = Assert.Single(log.Lines, l => l.Text.Contains("dropping", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("1 MiB (MaxBufferBytes)", warning.Text);
        Assert.Contains("raise LivePlotOptions.MaxBufferBytes", warning.Text);
        Assert.Contains("WhenFull = WhenFull.Block", warning.Text);
        stream.Open();
        await plot.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_logger_the_first_drop_is_written_once_to_standard_error()
    {
        var errors = new StringWriter();
        var stream = new GateStream(open: false);
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { BatchPoints = 1024, BufferPoints = 8192, MaxBufferBytes = 1 << 20, ErrorOutput = TextWriter.Synchronized(errors) });
        var s = plot.Line("s");
        for (int i = 0; i < 500_000; i++) s.Add(i, i);
        s.Add(new double[100_000], new double[100_000]);
        Assert.True(s.Dropped > 100_000);
        // Written off the loop's thread: wait for it.
        var clock = Stopwatch.StartNew();
        while (!errors.ToString().Contains('\n'))
        {
            Assert.True(clock.Elapsed < Hang, "no line on standard error");
            await Task.Delay(5);
        }
        stream.Open();
        await plot.DisposeAsync();
        var lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("PlotPipe: dropping points", line);
        Assert.Contains("MaxBufferBytes", line);
        Assert.Contains("WhenFull.Block", line);
    }
}
