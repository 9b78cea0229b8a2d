using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Alerts;

/// <summary>The rule engine on the point path: when a rule fires, what a firing leaves behind, and whose points it watches.</summary>
public sealed class AlertSinkTests
{
    private readonly PlotStore _store = new();
    private readonly List<string> _lines = [];

    private AlertSink Sink(params string[] rules) => new([.. rules.Select(AlertRule.Parse)], _store, line => { lock (_lines) _lines.Add(line); });

    private SeriesStore Series(string name, int id = 0, ProducerStore? producer = null, bool timeX = false) =>
        _store.Define(new SeriesDefinition(id, SeriesKind.Line, name, "", 0, timeX ? SeriesFlags.TimeX : SeriesFlags.None), producer);

    private static void Feed(AlertSink sink, SeriesStore series, double firstX, params double[] ys)
    {
        var xs = new double[ys.Length];
        for (int i = 0; i < xs.Length; i++) xs[i] = firstX + i;
        sink.Append(series, xs, ys);
    }

    private double[] AlertXs() => [.. _store.Events.Snapshot().Where(e => e.IsAlert).Select(e => e.Event.X)];

    [Fact]
    public void A_rule_fires_once_while_it_holds_and_again_only_after_it_has_cleared()
    {
        var sink = Sink("v > 10");
        var v = Series("v");
        Feed(sink, v, 0, 1, 12, 13, 14, 2, 11, 11);
        Feed(sink, v, 7, 15, 3, 12);
        Assert.Equal([1, 5, 9], AlertXs());
        Assert.Equal(3, sink.Fired);
    }

    [Fact]
    public void A_firing_is_an_alert_marker_at_its_x_naming_the_rule_the_value_and_the_x_and_one_line()
    {
        var sink = Sink("v > 10");
        var v = Series("v");
        Feed(sink, v, 500_120, 1, 2, 3, 12.5, 4);
        var held = Assert.Single(_store.Events.Snapshot());
        Assert.True(held.IsAlert);
        Assert.Equal(EventKind.Mark, held.Event.Kind);
        Assert.Equal(500_123, held.Event.X);
        Assert.Equal("alert: v > 10 (v = 12.5 at x = 500123)", held.Event.Text);
        Assert.Equal(["alert: v > 10 (v = 12.5 at x = 500123)"], _lines);
    }

    [Fact]
    public void Is_nan_fires_on_the_first_nan()
    {
        var sink = Sink("loss is nan");
        var loss = Series("loss");
        Feed(sink, loss, 0, 3, 2, 1, double.NaN, double.NaN, 0.5);
        Assert.Equal([3], AlertXs());
        Assert.Contains("loss = NaN at x = 3", Assert.Single(_lines));
    }

    [Fact]
    public void A_sustained_rule_fires_only_at_its_nth_consecutive_point_across_batches()
    {
        var sink = Sink("v > 10 for 3 points");
        var v = Series("v");
        Feed(sink, v, 0, 11, 12, 1, 11, 12);
        Assert.Empty(AlertXs());
        Feed(sink, v, 5, 13, 14, 15);
        Assert.Equal([5], AlertXs());
        Assert.Contains("alert: v > 10 for 3 points (v = 13 at x = 5)", _lines);
    }

    [Fact]
    public void A_duration_on_a_time_axis_is_measured_on_x()
    {
        var sink = Sink("temp > 80 for 2s");
        var temp = Series("temp", timeX: true);
        double t0 = 1_700_000_000;
        sink.Append(temp, [t0, t0 + 0.5, t0 + 1, t0 + 1.5, t0 + 2, t0 + 2.5, t0 + 3], [81, 82, 83, 70, 90, 90, 90]);
        Assert.Empty(AlertXs());
        sink.Append(temp, [t0 + 3.5, t0 + 4, t0 + 4.5], [90, 90, 90]);
        Assert.Equal([t0 + 4], AlertXs());
        var held = Assert.Single(_store.Events.Snapshot());
        Assert.True(held.Event.XIsTime);
        Assert.Contains("at x = 2023-11-14T22:13:24.000000Z", held.Event.Text);
    }

    [Fact]
    public void A_duration_on_a_plain_axis_is_measured_on_arrival_so_one_batch_is_never_long_enough()
    {
        var sink = Sink("v > 10 for 1h");
        var v = Series("v");
        Feed(sink, v, 0, [.. Enumerable.Repeat(11.0, 10_000)]);
        Assert.Empty(AlertXs());
    }

    [Fact]
    public void A_duration_on_a_plain_axis_fires_on_a_later_batch_once_that_long_has_passed_since_the_run_began()
    {
        var sink = Sink("v > 10 for 100ms");
        var v = Series("v");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Feed(sink, v, 0, 11, 12);
        // Time passes for real here, which is what the rule measures: wait until it has, not for a guess.
        while (clock.Elapsed < TimeSpan.FromMilliseconds(150)) Thread.Sleep(5);
        Feed(sink, v, 2, 13, 14);
        Assert.Equal([2], AlertXs());
    }

    [Fact]
    public void A_rule_watches_every_series_of_its_name_each_with_its_own_state()
    {
        var sink = Sink("v > 10 for 2 points");
        var a = Series("v", 0, _store.AddProducer("a", "test"));
        var b = Series("v", 0, _store.AddProducer("b", "test"));
        var other = Series("w", 1, _store.AddProducer("c", "test"));
        Feed(sink, a, 0, 11);
        Feed(sink, b, 100, 11);
        Feed(sink, other, 200, 50, 50, 50);
        Assert.Empty(AlertXs());
        Feed(sink, a, 1, 11);
        Feed(sink, b, 101, 1, 11);
        Assert.Equal([1], AlertXs());
        Feed(sink, b, 103, 11);
        Assert.Equal([1, 103], AlertXs());
        Assert.Equal(["a", "b"], _store.Events.Snapshot().Select(e => e.Producer));
    }

    [Fact]
    public void Every_rule_on_a_series_keeps_its_own_state()
    {
        var sink = Sink("v > 10", "v < 0", "v is nan", "v >= 5 for 2 points");
        var v = Series("v");
        Feed(sink, v, 0, 5, 6, 11, -1, double.NaN, 12);
        Assert.Equal([1, 2, 3, 4, 5], AlertXs().Order());
        Assert.Equal(5, sink.Fired);
    }

    [Theory]
    [InlineData(new double[] { }, double.PositiveInfinity, double.NegativeInfinity, false)]
    [InlineData(new double[] { 3 }, 3, 3, false)]
    [InlineData(new double[] { 1, 9, -4, 2, 7, 0, 8, 3, -1 }, -4, 9, false)]
    [InlineData(new double[] { 1, 9, -4, 2, 7, 0, 8, 3, double.NaN }, -4, 9, true)]
    [InlineData(new double[] { double.NaN, 1, 2, 3, 4, 5, 6, 7, 8 }, 1, 8, true)]
    public void A_batchs_range_is_its_least_and_greatest_y_and_whether_one_is_nan(double[] ys, double min, double max, bool nan)
    {
        var range = AlertChecks.RangeOf(ys);
        Assert.Equal(nan, range.NaN);
        if (!nan)
        {
            Assert.Equal(min, range.Min);
            Assert.Equal(max, range.Max);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Points_in_a_frame_are_checked_as_points_in_columns_are_however_the_frame_is_split(int segmentBytes)
    {
        var sink = Sink("v > 10");
        var v = Series("v");
        int n = 600;
        var payload = new byte[ProtocolLimits.PointsPrefixBytes + 16 * n];
        for (int i = 0; i < n; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(ProtocolLimits.PointsPrefixBytes + 8 * i), i);
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(ProtocolLimits.PointsPrefixBytes + 8 * (n + i)), i is 1 or 300 or 599 ? 20 : 0);
        }
        sink.Append(v, new Frame(FrameType.Points, 0, Segmented(payload, segmentBytes), 0));
        Assert.Equal([1, 300, 599], AlertXs());
    }

    private static System.Buffers.ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (int at = size; at < bytes.Length; at += size) last = last.Then(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        return new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Then(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    [Fact]
    public void Only_the_first_hundred_firings_are_printed_and_the_rest_are_counted()
    {
        var sink = Sink("v > 10");
        var v = Series("v");
        var ys = new double[1000];
        for (int i = 0; i < ys.Length; i++) ys[i] = i % 2 == 0 ? 11 : 0;
        Feed(sink, v, 0, ys);
        Assert.Equal(500, sink.Fired);
        Assert.Equal(500, AlertXs().Length);
        Assert.Equal(AlertSink.MaxPrintedFirings + 1, _lines.Count);
        Assert.Contains("the rest are counted in /api/status", _lines[^1]);
    }
}
