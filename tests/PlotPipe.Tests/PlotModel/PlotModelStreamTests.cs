using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.PlotModel;

/// <summary>The plot model and time on x as the producer writes them, decoded with the viewer's own decoder.</summary>
public class PlotModelStreamTests
{
    private static Dictionary<string, string> Props(List<KeyValuePair<string, string>>? properties) =>
        properties!.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Plot_and_panels_are_defined_after_the_Hello_and_before_any_series_of_theirs_in_order_of_creation()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, new LivePlotOptions
        {
            Title = "Training",
            DefaultPanel = new PanelOptions { YLabel = "°C", XScale = AxisScale.Log },
        });
        var lossPanel = plot.Panel("Loss", new PanelOptions { YLabel = "cross-entropy", YScale = AxisScale.Log });
        var loss = lossPanel.Line("train", "b-");
        var acc = plot.Panel("Accuracy", new PanelOptions { YLabel = "accuracy", XLabel = "step", LinkX = false }).Line("val", "g--");
        var unnamed = plot.Panel(null);
        var temp = plot.Line("temperature", "r-");
        var dots = unnamed.Scatter("dots");
        loss.Add(1, 2.5);
        acc.Add(1, 0.1);
        temp.Add(1, 21.5);
        dots.Add(1, 1);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(
            [(FrameType.Hello, 0), (FrameType.DefinePlot, 0), (FrameType.DefinePanel, 1), (FrameType.DefinePanel, 2), (FrameType.DefinePanel, 3)],
            got.Order[..5]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["title"] = "Training", ["ylabel"] = "°C", ["xscale"] = "log",
        }, Props(got.Plot));
        Assert.Equal(new Dictionary<string, string>
        {
            ["title"] = "Loss", ["ylabel"] = "cross-entropy", ["yscale"] = "log",
        }, Props(got.Panels[1]));
        Assert.Equal(new Dictionary<string, string>
        {
            ["title"] = "Accuracy", ["xlabel"] = "step", ["ylabel"] = "accuracy", ["linkx"] = "false",
        }, Props(got.Panels[2]));
        Assert.Empty(got.Panels[3]);
        Assert.Equal([1, 2, 0, 3], got.Definitions.Values.OrderBy(d => d.Id).Select(d => d.Panel));
        Assert.Equal(["train", "val", "temperature", "dots"], got.Definitions.Values.OrderBy(d => d.Id).Select(d => d.Name));
        Assert.Equal("Loss", lossPanel.Title);
        Assert.Equal(AxisScale.Log, lossPanel.Options.YScale);
        Assert.Null(unnamed.Title);
    }

    [Fact]
    public async Task The_documented_version_2_example_is_what_the_producer_writes_byte_for_byte()
    {
        string doc = File.ReadAllText(Path.Combine(Repository.Root(), "docs", "protocol.md"));
        int from = doc.IndexOf("### Version 2", StringComparison.Ordinal);
        int to = doc.IndexOf("### Version 1", from, StringComparison.Ordinal);
        var hex = new System.Text.StringBuilder();
        foreach (var line in doc[from..to].Split('\n'))
        {
            if (!line.StartsWith("    ", StringComparison.Ordinal)) continue;
            // The bytes are the leading groups of two hex digits; the notes after them are words.
            foreach (var word in line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.Length != 2 || !Uri.IsHexDigit(word[0]) || !Uri.IsHexDigit(word[1])) break;
                hex.Append(word);
            }
        }
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream, new LivePlotOptions { ProducerName = "demo", Title = "Training" });
        plot.Panel("Loss", new PanelOptions { YScale = AxisScale.Log }).Line("loss", "b-").Add(1, 0.5);
        plot.Span(0.5, 1.0, "eval");
        plot.Mark(1.0, "lr/10");
        await plot.DisposeAsync();
        Assert.Equal(hex.ToString(), Convert.ToHexString(stream.ToArray()));
    }

    [Fact]
    public async Task A_plot_without_title_or_default_panel_options_sends_no_DefinePlot()
    {
        // A listening viewer merges every producer's DefinePlot: one without a title must not reset another's.
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream);
        plot.Line("s").Add(1, 1);
        await plot.DisposeAsync();
        var got = Received.Decode(stream.ToArray());
        Assert.DoesNotContain(got.Order, f => f.Type == FrameType.DefinePlot);
        Assert.Equal(SeriesFlags.None, got.Definitions[0].Flags);
    }

    [Fact]
    public async Task Times_on_x_arrive_as_exact_Unix_seconds_whatever_their_kind_or_offset_and_mark_the_series_as_timed()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream);
        var steps = plot.Line("steps");
        var utc = plot.Line("utc");
        var other = plot.Scatter("other");
        // 2024-01-02T03:04:05.25Z: a whole number of quarter seconds is exact as a double.
        var t = new DateTime(2024, 1, 2, 3, 4, 5, 250, DateTimeKind.Utc);
        const double T = 1704164645.25;
        steps.Add(1, 1);
        utc.Add(t, 1);
        utc.Add(t.ToLocalTime(), 2);
        utc.Add(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), 3);
        other.Add(new DateTimeOffset(2024, 1, 2, 5, 4, 5, 250, TimeSpan.FromHours(2)), 4);
        // Spans longer than the conversion block, microseconds apart.
        var times = Enumerable.Range(0, 1000).Select(i => t.AddTicks(10 * i)).ToArray();
        utc.Add(times, Enumerable.Range(0, 1000).Select(i => (double)i).ToArray());
        other.Add(times.Select(x => new DateTimeOffset(x).ToOffset(TimeSpan.FromHours(-7))).ToArray(), new double[1000]);
        Assert.True(utc.XIsTime);
        Assert.False(steps.XIsTime);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(SeriesFlags.None, got.Definitions[0].Flags);
        Assert.Equal(SeriesFlags.TimeX, got.Definitions[1].Flags);
        Assert.Equal(SeriesFlags.TimeX, got.Definitions[2].Flags);
        Assert.Equal([T, T, T], got.Xs[1][..3]);
        Assert.Equal(T, got.Xs[2][0]);
        // Each microsecond step is kept: the nearest doubles of T + i µs are all distinct and in order.
        var expected = Enumerable.Range(0, 1000).Select(i => (times[i].Ticks - DateTime.UnixEpoch.Ticks) / 1e7).ToArray();
        Assert.Equal(expected, got.Xs[1][3..]);
        Assert.Equal(expected, got.Xs[2][1..]);
        Assert.All(Enumerable.Range(1, 999), i => Assert.True(expected[i] > expected[i - 1]));
        Assert.Equal(T + 0.000999, expected[^1], 6);
    }

    [Fact]
    public async Task A_series_made_before_its_first_timed_point_is_defined_as_timed_even_when_the_writer_ran_in_between()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream);
        var temp = plot.Line("temperature", "r-");
        // A panel made after the series goes out in a later pass of the writer than the series was first seen in.
        plot.Panel("later");
        var clock = Stopwatch.StartNew();
        while (!DecodePrefix(stream.ToArray()).Contains((FrameType.DefinePanel, 1)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the writer never sent the panel");
            await Task.Delay(5);
        }
        Assert.DoesNotContain((FrameType.DefineSeries, 0), DecodePrefix(stream.ToArray()));
        temp.Add(DateTime.UtcNow, 21.5);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        Assert.Equal(SeriesFlags.TimeX, got.Definitions[0].Flags);
        Assert.Single(got.Xs[0]);
    }

    [Fact]
    public async Task Series_are_defined_in_the_order_they_were_made_even_when_a_later_one_sends_first_and_idle_ones_at_the_finish()
    {
        var stream = new GateStream();
        var plot = LivePlot.ToStream(stream);
        var a = plot.Line("a");
        var b = plot.Line("b");
        var c = plot.Line("c");
        var idle = plot.Line("idle");
        b.Add(DateTime.UtcNow, 1);
        c.Add(1, 1);
        var clock = Stopwatch.StartNew();
        while (!DecodePrefix(stream.ToArray()).Contains((FrameType.Points, 2)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the writer never sent c's point");
            await Task.Delay(5);
        }
        a.Add(2, 2);
        await plot.DisposeAsync();

        var got = Received.Decode(stream.ToArray());
        var defines = got.Order.Where(f => f.Type == FrameType.DefineSeries).Select(f => f.Id).ToList();
        Assert.Equal([0, 1, 2, 3], defines);
        // a was defined when b sent first, before its own first point: its axis stays plain numbers.
        Assert.Equal(SeriesFlags.None, got.Definitions[0].Flags);
        Assert.Equal(SeriesFlags.TimeX, got.Definitions[1].Flags);
        Assert.Equal([2.0], got.Xs[0]);
        Assert.Empty(got.Xs[3]);
        Assert.True(got.FinishWasLast);
    }

    [Fact]
    public async Task Adding_times_of_every_kind_allocates_nothing_on_the_adding_thread()
    {
        // A small buffer that does not grow, so the pool reaches its budget within a few rounds.
        await using var plot = LivePlot.ToStream(Stream.Null, new LivePlotOptions { WhenFull = WhenFull.Block, BatchPoints = 1024, BufferPoints = 8192, MaxBufferBytes = 8192 * 16 });
        var s = plot.Line("t");
        var t = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var times = new DateTime[1000];
        var offsets = new DateTimeOffset[1000];
        var ys = new double[1000];
        void Round()
        {
            for (int i = 0; i < 10_000; i++)
            {
                s.Add(t, 1);
                s.Add(t.ToLocalTime(), 1);
                s.Add(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), 1);
                s.Add(new DateTimeOffset(t), 1);
                t = t.AddTicks(10);
            }
            for (int i = 0; i < times.Length; i++)
            {
                times[i] = t.AddTicks(10 * i);
                offsets[i] = new DateTimeOffset(times[i]);
            }
            s.Add(times, ys);
            s.Add(offsets, ys);
            t = times[^1].AddTicks(10);
        }
        Round();
        // Steady state is a round in which the pool made no new chunk (it grows to its budget only as the writer
        // falls behind); the time zone's rules are loaded by then too.
        for (int attempt = 0; ; attempt++)
        {
            long chunks = plot.Pool.Created;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Round();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (plot.Pool.Created != chunks)
            {
                Assert.True(attempt < 100, "the pool never stopped growing");
                continue;
            }
            Assert.Equal(0, allocated);
            break;
        }
    }

    // The frames of a stream still being written: whole frames only, a torn tail ignored.
    private static List<(FrameType, int)> DecodePrefix(byte[] bytes)
    {
        var order = new List<(FrameType, int)>();
        var seq = new System.Buffers.ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder();
        while (decoder.TryReadFrame(ref seq, out var frame))
            order.Add((frame.Type, frame.Type == FrameType.DefinePanel ? frame.PanelId : frame.SeriesId));
        return order;
    }
}
