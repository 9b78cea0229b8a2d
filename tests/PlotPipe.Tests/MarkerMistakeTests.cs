using System.Buffers;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests;

/// <summary>Mistakes with markers throw ArgumentException naming the bad value at the call; nothing about sending them ever throws.</summary>
public class MarkerMistakeTests
{
    private static LivePlot Plot() => LivePlot.ToStream(new GateStream());

    [Fact]
    public async Task Null_empty_or_overlong_text_throws_naming_the_text()
    {
        await using var plot = Plot();
        var none = Assert.ThrowsAny<ArgumentException>(() => plot.Mark(1, null!));
        Assert.Equal("text", none.ParamName);
        Assert.Contains("null", none.Message);
        Assert.Contains("empty", Assert.ThrowsAny<ArgumentException>(() => plot.Span(1, 2, "")).Message);
        var longText = new string('é', 513);
        var overlong = Assert.ThrowsAny<ArgumentException>(() => plot.Mark(DateTime.UtcNow, longText));
        Assert.Equal("text", overlong.ParamName);
        Assert.Contains("1026 UTF-8 bytes", overlong.Message);
        Assert.Contains("1 to 1024", overlong.Message);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public async Task A_mark_at_no_finite_x_throws_naming_x(double x, string shown)
    {
        await using var plot = Plot();
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Mark(x, "t"));
        Assert.Equal("x", e.ParamName);
        Assert.Equal($"marker x {shown} is not a finite number", e.Message);
        Assert.Equal("x0", Assert.ThrowsAny<ArgumentException>(() => plot.Span(x, 1, "t")).ParamName);
        Assert.Equal("x1", Assert.ThrowsAny<ArgumentException>(() => plot.Span(1, x, "t")).ParamName);
    }

    [Fact]
    public async Task A_span_that_ends_before_it_starts_throws_naming_both_ends()
    {
        await using var plot = Plot();
        var e = Assert.ThrowsAny<ArgumentException>(() => plot.Span(5, 3, "eval"));
        Assert.Equal("x1", e.ParamName);
        Assert.Equal("span ends at 3, before it starts at 5", e.Message);
        var start = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var timed = Assert.ThrowsAny<ArgumentException>(() => plot.Span(start, start.AddSeconds(-1), "eval"));
        Assert.Equal("x1", timed.ParamName);
        Assert.Contains("2026-03-01T11:59:59", timed.Message);
        Assert.Contains("2026-03-01T12:00:00", timed.Message);
        // A span of no width is a moment shaded, not a mistake.
        plot.Span(start, start, "instant");
        plot.Span(2, 2, "instant");
        Assert.Equal(0, plot.DroppedEvents);
    }

    [Fact]
    public async Task Markers_after_Finish_are_counted_not_thrown()
    {
        var destination = new GateStream();
        await using var plot = LivePlot.ToStream(destination);
        plot.Mark(1, "before");
        plot.Finish();
        plot.Mark(2, "after");
        plot.Span(DateTime.UtcNow, DateTime.UtcNow.AddSeconds(1), "after");
        await plot.Completion;
        Assert.Equal(2, plot.DroppedEvents);
        Assert.Equal(["before"], Markers(destination.ToArray()).Select(e => e.Text));
    }

    [Fact]
    public async Task Markers_never_wait_for_a_stalled_viewer_and_those_past_the_queue_bound_are_counted()
    {
        // Stalled from the start: the writer blocks on the handshake and takes no marker until it opens.
        var destination = new GateStream(open: false);
        await using var plot = LivePlot.ToStream(destination);
        int made = 70_000;
        for (int i = 0; i < made; i++) plot.Mark(i, "m");
        Assert.Equal(made - 65_536, plot.DroppedEvents);
        destination.Open();
        plot.Finish();
        await plot.Completion;
        var sent = Markers(destination.ToArray());
        Assert.Equal(65_536, sent.Count);
        Assert.Equal(Enumerable.Range(0, 65_536).Select(i => (double)i), sent.Select(e => e.X));
    }

    [Fact]
    public async Task A_marker_reaches_the_stream_after_every_point_added_before_it()
    {
        var destination = new GateStream();
        await using var plot = LivePlot.ToStream(destination);
        var loss = plot.Line("loss");
        for (int step = 0; step < 4; step++) loss.Add(step, 1.0 / (step + 1));
        plot.Mark(3, "learning rate dropped");
        for (int step = 4; step < 10; step++) loss.Add(step, 1.0 / (step + 1));
        plot.Finish();
        await plot.Completion;

        var buffer = new ReadOnlySequence<byte>(destination.ToArray());
        var decoder = new FrameDecoder();
        var before = new List<double>();
        bool marked = false;
        while (decoder.TryReadFrame(ref buffer, out var frame))
        {
            if (frame.Type == FrameType.Event) marked = true;
            if (frame.Type != FrameType.Points || marked) continue;
            var xs = new double[frame.PointCount];
            frame.CopyPoints(xs, new double[frame.PointCount]);
            before.AddRange(xs);
        }
        Assert.True(marked);
        Assert.Subset(before.ToHashSet(), new HashSet<double> { 0, 1, 2, 3 });
    }

    [Fact]
    public async Task Markers_on_a_version_one_stream_which_cannot_carry_them_are_counted_not_sent()
    {
        var destination = new GateStream();
        await using var plot = LivePlot.ToStream(destination, new LivePlotOptions { HandshakeVersion = 1 });
        plot.Line("loss").Add(1, 1);
        plot.Mark(1, "lost");
        plot.Finish();
        await plot.Completion;
        Assert.Equal(1, plot.DroppedEvents);
        Assert.Empty(Markers(destination.ToArray()));
    }

    private static List<PlotEvent> Markers(byte[] stream)
    {
        var buffer = new ReadOnlySequence<byte>(stream);
        var decoder = new FrameDecoder();
        var markers = new List<PlotEvent>();
        while (decoder.TryReadFrame(ref buffer, out var frame))
            if (frame.Type == FrameType.Event) markers.Add(frame.ReadEvent());
        Assert.True(buffer.IsEmpty, "the stream ends with a whole frame");
        return markers;
    }
}
