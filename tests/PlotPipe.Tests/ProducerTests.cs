using PlotPipe.Tests.Support;

namespace PlotPipe.Tests;

/// <summary>The producer side alone: frames into a stream that can stall or break, decoded with the viewer's decoder.</summary>
public class ProducerTests
{
    // A buffer that does not grow, so that a stalled stream fills it within a few thousand points.
    private static LivePlotOptions Small(WhenFull policy) => new()
    {
        WhenFull = policy,
        BatchPoints = 1024,
        BufferPoints = 8 * 1024,
        MaxBufferBytes = 8 * 1024 * 16,
    };

    [Fact]
    public async Task Block_policy_delivers_every_point_in_order_while_the_viewer_stalls_and_resumes()
    {
        var stream = new GateStream(open: false);
        var plot = LivePlot.ToStream(stream, Small(WhenFull.Block));
        var a = plot.Scatter("a", "ro");
        var b = plot.Line("b", "b-");
        var c = plot.Line("c");
        const int n = 100_000;
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                a.Add(i, -i);
                b.Add(i, i * 0.5);
                if (i % 2 == 0) c.Add(i, 1);
            }
        });
        // The buffer is far smaller than what is added, so the producer fills it and must then wait.
        while (plot.Pool.Created < 8) await Task.Delay(1);
        Assert.False(producer.IsCompleted);
        Assert.Equal(0, plot.Dropped);
        stream.Open();
        await producer;
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(Enumerable.Range(0, n).Select(i => (double)i), got.Xs[0]);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (double)-i), got.Ys[0]);
        Assert.Equal(Enumerable.Range(0, n).Select(i => i * 0.5), got.Ys[1]);
        Assert.Equal(n / 2, got.Count(2));
        Assert.Equal(0, plot.Dropped);
        Assert.True(got.FinishWasLast);
        Assert.True(stream.Disposed);
    }

    [Fact]
    public async Task Default_policy_never_waits_and_the_dropped_count_reaches_the_viewer_exactly()
    {
        var stream = new GateStream(open: false);
        var options = Small(WhenFull.Drop);
        Assert.Equal(WhenFull.Drop, new LivePlotOptions().WhenFull);
        var plot = LivePlot.ToStream(stream, options);
        var s = plot.Line("s");
        const int n = 1_000_000;
        // With the stream stalled, a million adds must still complete: nothing here may wait on the viewer.
        for (int i = 0; i < n; i++) s.Add(i, i);
        var bulk = new double[5000];
        s.Add(bulk, bulk);
        Assert.True(s.Dropped > n - options.BufferPoints);
        stream.Open();
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(s.Dropped, got.Dropped[0]);
        Assert.Equal(n + bulk.Length, got.Count(0) + got.Dropped[0]);
        Assert.Equal(plot.Dropped, s.Dropped);
        // What was kept is a prefix of what was added, in order.
        Assert.Equal(Enumerable.Range(0, got.Count(0)).Select(i => (double)i), got.Xs[0]);
    }

    [Fact]
    public async Task Memory_stays_within_the_buffer_bound_while_the_viewer_is_stalled()
    {
        var stream = new GateStream(open: false);
        var options = Small(WhenFull.Drop);
        var plot = LivePlot.ToStream(stream, options);
        var s = plot.Scatter("s");
        for (int i = 0; i < 10_000; i++) s.Add(i, i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5_000_000; i++) s.Add(i, i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= options.BufferPoints * 16L + 64 * 1024, $"adding allocated {allocated} bytes");
        Assert.True(plot.Pool.ReservedPoints <= options.BufferPoints, $"{plot.Pool.ReservedPoints} points reserved");
        stream.Open();
        await plot.DisposeAsync();
    }

    [Fact]
    public async Task A_broken_stream_never_reaches_the_loop_and_is_reported_once()
    {
        var stream = new GateStream();
        stream.BreakAfter(100_000);
        int lost = 0;
        var reported = new TaskCompletionSource<ViewerLostEventArgs>();
        var plot = LivePlot.ToStream(stream, Small(WhenFull.Block));
        plot.ViewerLost += (_, e) =>
        {
            Interlocked.Increment(ref lost);
            reported.TrySetResult(e);
        };
        var s = plot.Line("s");
        // Even under Block, a lost viewer must not hold the loop.
        for (int i = 0; i < 2_000_000; i++) s.Add(i, i);
        var reason = await reported.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.IsType<IOException>(reason.Exception);
        Assert.Equal("Broken pipe", reason.Reason);
        for (int i = 0; i < 100_000; i++) s.Add(i, i);
        plot.Finish();
        await plot.DisposeAsync();
        Assert.Equal(1, lost);
        Assert.False(plot.IsViewerConnected);
    }

    [Fact]
    public async Task A_single_point_leaves_without_waiting_for_a_full_batch_or_finish()
    {
        var stream = new GateStream();
        await using var plot = LivePlot.ToStream(stream, new LivePlotOptions());
        plot.Scatter("s").Add(1.5, 2.5);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Received.Decode(stream.ToArray()).Count(0) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lone point was never sent");
            await Task.Delay(5);
        }
        var got = Received.Decode(stream.ToArray());
        Assert.Equal([1.5], got.Xs[0]);
        Assert.False(got.Finished);
    }

    [Fact]
    public async Task Adds_from_many_threads_into_one_series_are_all_delivered()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, Small(WhenFull.Block));
        var s = plot.Scatter("shared");
        const int threads = 4, each = 50_000;
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < each; i++) s.Add(t, i);
        })));
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.Equal(threads * each, got.Count(0));
        for (int t = 0; t < threads; t++)
        {
            var mine = got.Xs[0].Zip(got.Ys[0]).Where(p => p.First == t).Select(p => p.Second).ToList();
            Assert.Equal(Enumerable.Range(0, each).Select(i => (double)i), mine);
        }
    }

    [Fact]
    public async Task Bulk_add_copies_spans_across_batches()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, Small(WhenFull.Block));
        var s = plot.Line("s", "k--");
        var xs = Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray();
        var ys = xs.Select(x => x * x).ToArray();
        s.Add(xs, ys);
        s.Add(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty);
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.Equal(xs, got.Xs[0]);
        Assert.Equal(ys, got.Ys[0]);
        Assert.Equal("k--", got.Definitions[0].Format);
        Assert.Equal(Protocol.SeriesKind.Line, got.Definitions[0].Kind);
    }

    [Fact]
    public async Task Points_added_after_finish_are_counted_not_sent_and_finish_is_the_last_frame()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, new LivePlotOptions());
        var s = plot.Scatter("s");
        s.Add(1, 1);
        plot.Finish();
        await plot.Completion;
        s.Add(2, 2);
        plot.Finish();
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.Equal([1.0], got.Xs[0]);
        Assert.True(got.FinishWasLast);
        Assert.Equal(1, s.Dropped);
        Assert.Equal(1, plot.Dropped);
        Assert.Throws<InvalidOperationException>(() => plot.Line("late"));
    }
}
