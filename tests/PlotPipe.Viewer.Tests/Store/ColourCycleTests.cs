using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

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
    public void A_panel_takes_the_pale_light_companions_only_once_it_holds_ten_series_itself()
    {
        var store = new PlotStore();
        // vmstat's eight first columns in the default panel, then five in a panel of their own: the second panel takes
        // the two strong colours nobody has, then the strong colours in turn, not tab20's pale companions.
        var main = Enumerable.Range(0, 8).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"m{i}", "-"))).ToList();
        var cpu = Enumerable.Range(8, 5).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"c{i}", "-", Panel: 1))).ToList();
        Assert.Equal(SeriesPalette.Cycle.Take(8), main.Select(s => s.Color));
        Assert.Equal([8, 9, 0, 1, 2], cpu.Select(s => s.CycleSlot));
        Assert.All(cpu, s => Assert.False(SeriesPalette.IsLightCompanion(s.CycleSlot)));
        Assert.Equal(SeriesPalette.DarkCycle[8], cpu[0].DarkColor);
        // The default panel's next series takes a strong colour it lacks, the one fewest series have.
        Assert.Equal(8, store.Define(new SeriesDefinition(13, SeriesKind.Line, "m8", "-")).CycleSlot);
        // Redefined into another panel, a series takes a colour there; in its own panel it keeps its colour.
        Assert.Equal(3, store.Define(new SeriesDefinition(0, SeriesKind.Line, "m0 moved", "-", Panel: 1)).CycleSlot);
        Assert.Equal(main[1].Color, store.Define(new SeriesDefinition(1, SeriesKind.Line, "m1 renamed", "-")).Color);
        // Only a panel of ten series goes on to the companions.
        var full = Enumerable.Range(20, 11).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"f{i}", "-", Panel: 2))).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Order(), full.Take(10).Select(s => s.CycleSlot).Order());
        Assert.True(SeriesPalette.IsLightCompanion(full[10].CycleSlot));
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

    private const string DarkBackground = "#0d1117";

    [Fact]
    public void Every_colour_on_the_dark_theme_stands_at_least_4_5_to_1_from_the_dark_background()
    {
        var store = new PlotStore();
        var all = Enumerable.Range(0, 20).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"s{i}", "-")).DarkColor)
            .Concat(SeriesPalette.DarkLetters.Values).ToList();
        Assert.Equal(28, all.Count);
        foreach (var colour in all)
            Assert.True(WcagContrast.Ratio(colour, DarkBackground) >= 4.5, $"{colour} on {DarkBackground}: {WcagContrast.Ratio(colour, DarkBackground):F2}");
    }

    [Fact]
    public void A_dark_theme_colour_is_its_light_one_or_that_one_lightened_in_its_own_hue()
    {
        // k and w are the backgrounds' own colours, made grey on the theme where they would not show.
        var pairs = SeriesPalette.Cycle.Zip(SeriesPalette.DarkCycle)
            .Concat(SeriesPalette.LightLetters.Where(l => l.Key is not ('k' or 'w')).Select(l => (l.Value, SeriesPalette.DarkLetters[l.Key])));
        foreach (var (light, dark) in pairs)
        {
            if (WcagContrast.Ratio(light, DarkBackground) >= 4.5)
            {
                // Already readable: a series keeps its colour when the theme changes.
                Assert.Equal(light, dark);
                continue;
            }
            var (lightHue, _, lightL) = WcagContrast.Hsl(light);
            var (darkHue, _, darkL) = WcagContrast.Hsl(dark);
            double turned = Math.Abs(lightHue - darkHue);
            // Within 12°: the letter b, lightened before the others, turned 10° toward azure; the rest keep their hue.
            Assert.True(Math.Min(turned, 360 - turned) <= 12, $"{light} → {dark}: hue {lightHue:F0}° → {darkHue:F0}°");
            Assert.True(darkL > lightL, $"{light} → {dark} is not lighter");
        }
    }

    [Fact]
    public void The_light_theme_keeps_matplotlib_s_colours_with_white_grey()
    {
        Assert.Equal(PlotFormat.Cycle, SeriesPalette.Cycle.Take(10));
        foreach (var (letter, colour) in PlotFormat.Colors)
        {
            if (letter == 'w') Assert.NotEqual(colour, SeriesPalette.LightLetters['w']);
            else Assert.Equal(colour, SeriesPalette.LightLetters[letter]);
        }
        // Green, lightened on the dark theme, is still matplotlib's on the light one.
        var green = new PlotStore().Define(new SeriesDefinition(0, SeriesKind.Line, "g", "g-"));
        Assert.Equal(PlotFormat.Colors['g'], green.Color);
        Assert.NotEqual(green.Color, green.DarkColor);
    }
}
