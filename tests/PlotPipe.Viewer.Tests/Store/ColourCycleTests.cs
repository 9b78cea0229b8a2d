using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Store;

public sealed class ColourCycleTests
{
    [Fact]
    public void Series_without_a_colour_take_the_cycle_in_order_and_a_coloured_one_takes_no_place_in_it()
    {
        var store = new PlotStore();
        var first = store.Define(new SeriesDefinition(0, SeriesKind.Line, "first", "-"));
        var red = store.Define(new SeriesDefinition(1, SeriesKind.Line, "red", "r-"));
        var second = store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "second", "o"));
        Assert.Equal(PlotFormat.Cycle[0], first.Color);
        Assert.Equal("#ff0000", red.Color);
        // As in matplotlib: the explicitly red series did not use up the cycle's second colour.
        Assert.Equal(PlotFormat.Cycle[1], second.Color);
    }

    [Fact]
    public void A_replaced_series_keeps_its_place_in_the_cycle()
    {
        var store = new PlotStore();
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "-"));
        var replacement = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a2", "--"));
        Assert.Equal(a.Color, replacement.Color);
        Assert.Equal(PlotFormat.Cycle[2], store.Define(new SeriesDefinition(2, SeriesKind.Line, "c", "-")).Color);
    }
}
