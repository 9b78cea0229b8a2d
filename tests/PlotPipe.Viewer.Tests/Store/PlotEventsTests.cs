using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

/// <summary>The markers' store: bounded, oldest evicted first, read by sequence number.</summary>
public class PlotEventsTests
{
    private static PlotEvent Mark(int i) => new(EventKind.Mark, i, null, false, $"m{i}");

    [Fact]
    public void Keeps_the_last_markers_up_to_its_capacity_evicting_the_oldest_and_counting_them()
    {
        var events = new PlotEvents(capacity: 4);
        for (int i = 1; i <= 10; i++) Assert.Equal(i, events.Add(Mark(i), "p"));
        Assert.Equal(4, events.Count);
        Assert.Equal(10, events.Received);
        Assert.Equal(6, events.Evicted);
        var held = events.Snapshot();
        Assert.Equal([7L, 8, 9, 10], held.Select(h => h.Seq));
        Assert.Equal(["m7", "m8", "m9", "m10"], held.Select(h => h.Event.Text));
    }

    [Theory]
    [InlineData(0, new long[] { 7, 8, 9, 10 })]
    [InlineData(3, new long[] { 7, 8, 9, 10 })]
    [InlineData(7, new long[] { 8, 9, 10 })]
    [InlineData(9, new long[] { 10 })]
    [InlineData(10, new long[0])]
    [InlineData(1000, new long[0])]
    public void Snapshot_after_a_sequence_number_lists_only_later_markers_still_held(long after, long[] expected)
    {
        var events = new PlotEvents(capacity: 4);
        for (int i = 1; i <= 10; i++) events.Add(Mark(i), "p");
        Assert.Equal(expected, events.Snapshot(after).Select(h => h.Seq));
    }

    [Fact]
    public void Default_capacity_is_the_documented_65536()
    {
        var events = new PlotEvents();
        for (int i = 0; i < 65_537; i++) events.Add(Mark(i), "p");
        Assert.Equal(65_536, events.Count);
        Assert.Equal(1, events.Evicted);
        Assert.Equal(2, events.Snapshot()[0].Seq);
    }
}
