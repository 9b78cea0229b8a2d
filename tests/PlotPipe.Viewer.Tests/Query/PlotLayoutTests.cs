using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>The one layout rule: which panels show, each axis' kind and which panels share x.</summary>
public sealed class PlotLayoutTests
{
    private static KeyValuePair<string, string> P(string key, string value) => new(key, value);

    private static readonly double T0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    // README's example: loss (log y) and accuracy against the step, the temperature in the default panel against time.
    internal static PlotStore MixedExample(int steps = 3_000, int readings = 600)
    {
        var store = new PlotStore();
        store.Plot.DefinePlot([P(PlotProperties.Title, "Training")]);
        store.Plot.DefinePanel(1, [P(PlotProperties.Title, "Loss"), P(PlotProperties.YLabel, "cross-entropy"), P(PlotProperties.YScale, "log")]);
        store.Plot.DefinePanel(2, [P(PlotProperties.Title, "Accuracy"), P(PlotProperties.YLabel, "accuracy"), P(PlotProperties.XLabel, "step")]);
        var xs = new double[steps];
        var loss = new double[steps];
        var acc = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            xs[i] = i;
            loss[i] = 2.5 * Math.Pow(10, -3.0 * i / steps);
            acc[i] = 1 - Math.Exp(-6.0 * i / steps);
        }
        var times = new double[readings];
        var temperature = new double[readings];
        for (int i = 0; i < readings; i++)
        {
            times[i] = T0 + i;
            temperature[i] = 21.5 + Math.Sin(i / 60.0);
        }
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "train", "b-", Panel: 1)).Append(xs, loss);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "val", "g--", Panel: 2)).Append(xs, acc);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "temperature", "r-", Panel: 0, Flags: SeriesFlags.TimeX)).Append(times, temperature);
        return store;
    }

    private static PlotLayout Resolve(PlotStore store)
    {
        var layout = new PlotLayout();
        layout.Resolve(store);
        return layout;
    }

    private static List<PanelLayout> Shown(PlotLayout layout) => Enumerable.Range(0, layout.Count).Select(layout.Shown).ToList();

    [Fact]
    public void The_plot_model_example_links_the_step_panels_and_leaves_the_timed_panel_on_its_own_range()
    {
        var panels = Shown(Resolve(MixedExample()));
        Assert.Equal([0, 1, 2], panels.Select(p => p.Id));
        Assert.Equal([AxisKind.Time, AxisKind.Linear, AxisKind.Linear], panels.Select(p => p.X));
        Assert.Equal([AxisKind.Linear, AxisKind.Log, AxisKind.Linear], panels.Select(p => p.Y));
        // All three are linked; only the two of one kind share a range.
        Assert.Equal([0, 1, 1], panels.Select(p => p.XGroup));
    }

    [Fact]
    public void A_panel_s_x_is_time_when_its_series_with_points_are_timed()
    {
        var store = new PlotStore();
        var timed = store.Define(new SeriesDefinition(0, SeriesKind.Line, "clock", "r-", Flags: SeriesFlags.TimeX));
        var plain = store.Define(new SeriesDefinition(1, SeriesKind.Line, "count", "b-"));
        // No points yet: one series of two is timed, so the axis is plain numbers.
        Assert.Equal(AxisKind.Linear, Resolve(store).Of(0).X);
        timed.Append([T0, T0 + 1], [1, 2]);
        // Only the timed series holds points: they are what the axis shows.
        Assert.Equal(AxisKind.Time, Resolve(store).Of(0).X);
        plain.Append([0, 1], [3, 4]);
        Assert.Equal(AxisKind.Linear, Resolve(store).Of(0).X);

        var alone = new PlotStore();
        alone.Define(new SeriesDefinition(0, SeriesKind.Scatter, "clock", "r.", Flags: SeriesFlags.TimeX));
        Assert.Equal(AxisKind.Time, Resolve(alone).Of(0).X);
    }

    [Fact]
    public void Time_wins_over_a_log_x_scale_and_linked_log_panels_share_x_with_log_panels_only()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [P(PlotProperties.XScale, "log")]);
        store.Plot.DefinePanel(2, [P(PlotProperties.XScale, "log")]);
        store.Plot.DefinePanel(3, [P(PlotProperties.XScale, "log")]);
        store.Plot.DefinePanel(4, []);
        store.Plot.DefinePanel(5, [P(PlotProperties.LinkX, "false")]);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "clock", "r-", Panel: 1, Flags: SeriesFlags.TimeX)).Append([T0, T0 + 1], [1, 2]);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "f", "b-", Panel: 2)).Append([1, 1000], [1, 2]);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "g", "b-", Panel: 3)).Append([1, 1000], [1, 2]);
        store.Define(new SeriesDefinition(3, SeriesKind.Line, "h", "b-", Panel: 4)).Append([1, 1000], [1, 2]);
        store.Define(new SeriesDefinition(4, SeriesKind.Line, "i", "b-", Panel: 5)).Append([1, 1000], [1, 2]);
        var panels = Shown(Resolve(store));
        Assert.Equal([1, 2, 3, 4, 5], panels.Select(p => p.Id));
        Assert.Equal([AxisKind.Time, AxisKind.Log, AxisKind.Log, AxisKind.Linear, AxisKind.Linear], panels.Select(p => p.X));
        Assert.Equal([1, 2, 2, 4, 5], panels.Select(p => p.XGroup));
    }

    [Fact]
    public void Times_a_clock_cannot_name_are_drawn_as_plain_numbers_on_the_page_and_in_pictures_alike()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "far future", "r-", Flags: SeriesFlags.TimeX)).Append([0, 1e15], [1, 2]);
        Assert.Equal(AxisKind.Linear, Resolve(store).Of(0).X);
        Assert.True(PlotLayout.IsDrawableTime(T0));
        Assert.False(PlotLayout.IsDrawableTime(double.PositiveInfinity));
        Assert.False(PlotLayout.IsDrawableTime(double.NaN));
    }

    [Fact]
    public void The_default_panel_stands_aside_while_empty_and_a_panel_only_a_series_names_comes_last()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(2, [P(PlotProperties.Title, "Two")]);
        store.Plot.DefinePanel(1, [P(PlotProperties.Title, "One")]);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-", Panel: 7)).Append([0, 1], [0, 1]);
        var layout = Resolve(store);
        Assert.Equal([2, 1, 7], Shown(layout).Select(p => p.Id));
        Assert.Equal(PanelDefinition.Default(7), layout.Of(7).Definition);

        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "b-", Panel: 0));
        Assert.Equal([0, 2, 1, 7], Shown(Resolve(store)).Select(p => p.Id));

        // Nothing defined and no series: the default panel alone.
        Assert.Equal([0], Shown(Resolve(new PlotStore())).Select(p => p.Id));
    }

    [Fact]
    public void Layouts_match_when_their_panels_kinds_and_groups_do()
    {
        var store = MixedExample(100, 10);
        var a = Resolve(store);
        var b = new PlotLayout();
        Assert.False(b.Matches(a));
        b.CopyFrom(a);
        Assert.True(b.Matches(a));
        store.Plot.DefinePanel(2, [P(PlotProperties.LinkX, "false")]);
        a.Resolve(store);
        Assert.False(b.Matches(a));
    }

    [Fact]
    public void Resolving_again_allocates_nothing()
    {
        var store = MixedExample(10_000, 1_000);
        var layout = new PlotLayout();
        layout.Resolve(store);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) layout.Resolve(store);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
