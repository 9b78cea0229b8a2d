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
        Assert.Equal(SeriesPalette.Cycle[0], first.Color);
        Assert.Equal("#ff0000", red.Color);
        // As in matplotlib: the explicitly red series did not use up the cycle's second colour.
        Assert.Equal(SeriesPalette.Cycle[1], second.Color);
    }

    [Fact]
    public void A_replaced_series_keeps_its_place_in_the_cycle()
    {
        var store = new PlotStore();
        var a = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"));
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "-"));
        var replacement = store.Define(new SeriesDefinition(0, SeriesKind.Line, "a2", "--"));
        Assert.Equal(a.Color, replacement.Color);
        Assert.Equal(SeriesPalette.Cycle[2], store.Define(new SeriesDefinition(2, SeriesKind.Line, "c", "-")).Color);
    }

    [Fact]
    public void The_first_ten_colours_are_matplotlibs_and_twenty_differ_before_one_comes_back()
    {
        Assert.Equal(PlotFormat.Cycle, SeriesPalette.Cycle.Take(10));
        Assert.Equal(20, SeriesPalette.Cycle.Distinct().Count());
        var store = new PlotStore();
        var colours = Enumerable.Range(0, 40).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"s{i:D2}", "-")).Color).ToList();
        Assert.Equal(20, colours.Take(20).Distinct().Count());
        Assert.Equal(colours[0], colours[20]);
    }

    [Fact]
    public void A_series_named_as_one_of_another_run_keeps_its_colour_and_takes_a_style_no_other_run_of_it_has()
    {
        var store = new PlotStore();
        var runs = Enumerable.Range(0, 3).Select(_ => store.AddProducer("train.py", "stdin")).ToList();
        Assert.Equal(["train.py", "train.py (2)", "train.py (3)"], runs.Select(r => r.Name));
        var loss = runs.Select(r => store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), r)).ToList();
        var acc = runs.Select(r => store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "acc", "g"), r)).ToList();
        Assert.All(loss, s => Assert.Equal(SeriesPalette.Cycle[0], s.Color));
        Assert.Equal(["-", "--", ":"], loss.Select(s => s.Look.LineStyle));
        Assert.Equal(["train.py", "train.py (2)", "train.py (3)"], loss.Select(s => s.Producer));
        // Markers alone: each run takes the next marker, in the series' own colour.
        Assert.Equal(['o', 's', '^'], acc.Select(s => s.Look.Marker!.Value));
        Assert.All(acc, s => Assert.Equal("#008000", s.Color));
        // A name only one run carries takes the next cycle colour and its own format's look.
        var lr = store.Define(new SeriesDefinition(2, SeriesKind.Line, "lr", "-"), runs[1]);
        Assert.Equal(SeriesPalette.Cycle[1], lr.Color);
        Assert.Equal("-", lr.Look.LineStyle);
        // The format string is kept as given: the run's style is the look, not the format.
        Assert.Equal("-", loss[1].Definition.Format);
    }

    [Fact]
    public void Every_colour_stands_at_least_3_to_1_from_the_dark_background()
    {
        var store = new PlotStore();
        var all = Enumerable.Range(0, 20).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"s{i}", "-")).DarkColor)
            .Concat(SeriesPalette.DarkLetters.Values);
        foreach (var colour in all) Assert.True(Contrast(colour, "#0d1117") >= 3, $"{colour} on #0d1117: {Contrast(colour, "#0d1117"):F2}");
    }

    private static double Contrast(string a, string b)
    {
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(string hex)
    {
        double[] c = [.. new[] { 1, 3, 5 }.Select(i => Convert.ToInt32(hex.Substring(i, 2), 16) / 255.0).Select(v => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4))];
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
