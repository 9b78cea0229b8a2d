using System.Globalization;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

public class PanelPictureTests
{
    // Pictures are kept beside the tests' binaries so a person can look at what the exporter drew.
    private static string Artifact(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts", "export");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    private static KeyValuePair<string, string> P(string key, string value) => new(key, value);

    // The Training sample's shape: loss over four decades on a log axis, accuracy, learning rate; panel 0 unused.
    private static PlotStore Training(int steps = 2_000, int nonPositiveLosses = 0)
    {
        var store = new PlotStore();
        store.Plot.DefinePlot([P(PlotProperties.Title, "Training")]);
        store.Plot.DefinePanel(1, [P(PlotProperties.Title, "Loss"), P(PlotProperties.YLabel, "cross-entropy"), P(PlotProperties.YScale, "log")]);
        store.Plot.DefinePanel(2, [P(PlotProperties.Title, "Accuracy"), P(PlotProperties.YLabel, "accuracy"), P(PlotProperties.XLabel, "step")]);
        store.Plot.DefinePanel(3, [P(PlotProperties.Title, "Learning rate"), P(PlotProperties.YLabel, "lr"), P(PlotProperties.XLabel, "step")]);
        var xs = new double[steps];
        var loss = new double[steps];
        var acc = new double[steps];
        var lr = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            xs[i] = i;
            loss[i] = 2.5 * Math.Pow(10, -4.0 * i / steps);
            acc[i] = 1 - Math.Exp(-i / (steps / 6.0));
            lr[i] = 1e-3 * (1 + Math.Cos(Math.PI * i / steps)) / 2;
        }
        for (int k = 0; k < nonPositiveLosses; k++) loss[(k * 37 + 11) % steps] = k % 2 == 0 ? 0 : -1;
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "train", "b-", Panel: 1)).Append(xs, loss);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "val", "g--", Panel: 2)).Append(xs, acc);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "lr", "r-", Panel: 3)).Append(xs, lr);
        return store;
    }

    private static string[] MajorLabels(IAxis axis) =>
        axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();

    private static double[] MajorPositions(IAxis axis) =>
        axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToArray();

    [Fact]
    public void Three_panels_are_stacked_under_the_plot_title_with_their_titles_and_labels()
    {
        var figure = PictureExporter.Render(Training(), 800);
        figure.PngBytes();

        Assert.Equal("Training", figure.Title);
        Assert.Equal(3, figure.Multiplot.Subplots.Count);
        Assert.Equal(["Loss", "Accuracy", "Learning rate"], figure.Panels.Select(p => p.Plot.Axes.Title.Label.Text));
        Assert.Equal(["cross-entropy", "accuracy", "lr"], figure.Panels.Select(p => p.Plot.Axes.Left.Label.Text));
        // Only what the producer named: no "x" placeholder under the loss panel, "step" under the others.
        Assert.Equal(["", "step", "step"], figure.Panels.Select(p => p.Plot.Axes.Bottom.Label.Text));
        Assert.Equal([AxisKind.Log, AxisKind.Linear, AxisKind.Linear], figure.Panels.Select(p => p.Axes.Y));
        // Each series in its own panel.
        Assert.All(figure.Panels, p => Assert.Single(p.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()));
    }

    [Fact]
    public void Linked_panels_share_one_x_range_and_line_up_their_data_areas()
    {
        var store = Training();
        // A panel with far wider y tick labels would push its data area right if nothing lined them up.
        store.Define(new SeriesDefinition(3, SeriesKind.Line, "big", "k-", Panel: 2)).Append([500, 1_500], [-123_456_789, 987_654_321]);
        var figure = PictureExporter.Render(store, 800);
        figure.PngBytes();

        var limits = figure.Panels.Select(p => p.Plot.Axes.GetLimits()).ToArray();
        Assert.All(limits, l => Assert.Equal(limits[0].Left, l.Left));
        Assert.All(limits, l => Assert.Equal(limits[0].Right, l.Right));
        Assert.True(limits[0].Left < 0 && limits[0].Right > 1_999, $"x {limits[0].Left}..{limits[0].Right} misses the steps");
        var dataRects = figure.Panels.Select(p => p.Plot.RenderManager.LastRender.DataRect).ToArray();
        Assert.All(dataRects, r => Assert.Equal(dataRects[0].Left, r.Left));
        Assert.All(dataRects, r => Assert.Equal(dataRects[0].Right, r.Right));
        // Stacked top to bottom below the title band.
        Assert.True(dataRects[0].Top > Figure.TitleBandPx);
        Assert.True(dataRects[0].Bottom < dataRects[1].Top && dataRects[1].Bottom < dataRects[2].Top, "panels are not stacked in order");
    }

    [Fact]
    public void A_panel_that_opts_out_of_linking_keeps_its_own_x_range()
    {
        var store = Training();
        store.Plot.DefinePanel(4, [P(PlotProperties.Title, "Elsewhere"), P(PlotProperties.LinkX, "false")]);
        store.Define(new SeriesDefinition(4, SeriesKind.Line, "far", "k-", Panel: 4)).Append([100_000, 100_010], [1, 2]);
        var figure = PictureExporter.Render(store, 800);
        var loss = figure.Panels[0].Plot.Axes.GetLimits();
        var far = figure.Panels[3].Plot.Axes.GetLimits();
        Assert.InRange(loss.Right, 1_999, 2_500);
        Assert.InRange(far.Left, 99_990, 100_000);
        Assert.InRange(far.Right, 100_010, 100_020);
    }

    [Fact]
    public void A_linked_panel_without_points_yet_shows_the_shared_x_range()
    {
        var store = Training();
        store.Plot.DefinePanel(4, [P(PlotProperties.Title, "Validation, later")]);
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal(4, figure.Panels.Count);
        var empty = figure.Panels[3];
        Assert.Equal(0, empty.SeriesCount);
        Assert.Equal(figure.Panels[0].Plot.Axes.GetLimits().HorizontalRange, empty.Plot.Axes.GetLimits().HorizontalRange);
    }

    [Fact]
    public void A_log_axis_reads_powers_of_ten_and_holds_the_four_decades_of_loss()
    {
        var figure = PictureExporter.Render(Training(), 800);
        figure.PngBytes();
        var axis = figure.Panels[0].Plot.Axes.Left;
        var limits = figure.Panels[0].Plot.Axes.GetLimits();
        // Loss runs from 2.5 down to 2.5e-4: log10 from 0.4 to -3.6, with a margin.
        Assert.InRange(limits.Bottom, -4.5, -3.61);
        Assert.InRange(limits.Top, 0.4, 1.2);
        var labels = MajorLabels(axis);
        var positions = MajorPositions(axis);
        Assert.True(labels.Length >= 3, $"only {labels.Length} log ticks: {string.Join(", ", labels)}");
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(Math.Round(positions[i]), positions[i]);
            Assert.Equal(Math.Pow(10, positions[i]), PowerOfTen(labels[i]), 1e-9);
        }
        Assert.Contains("0.001", labels);
        Assert.Contains("1", labels);
        // Minor ticks at 2..9 times each power of ten.
        Assert.Contains(axis.TickGenerator.Ticks, t => !t.IsMajor && Math.Abs(t.Position - (-2 + Math.Log10(5))) < 1e-9);
    }

    [Fact]
    public void Powers_of_ten_beyond_a_thousand_are_written_with_a_superscript()
    {
        Assert.Equal("10⁶", LogTicks.PowerOfTen(6));
        Assert.Equal("10⁻¹²", LogTicks.PowerOfTen(-12));
        Assert.Equal("1000", LogTicks.PowerOfTen(3));
        Assert.Equal("0.01", LogTicks.PowerOfTen(-2));
    }

    [Fact]
    public void Values_at_or_below_zero_on_a_log_axis_are_left_out_counted_and_noted_in_the_panel()
    {
        var store = Training(steps: 200_000, nonPositiveLosses: 12);
        var figure = PictureExporter.Render(store, 800);
        var loss = figure.Panels[0];
        Assert.Equal(12, loss.NotShown);
        Assert.Equal(0, figure.Panels[1].NotShown);
        var note = Assert.Single(loss.Plot.GetPlottables().OfType<ScottPlot.Plottables.Annotation>());
        Assert.Equal("12 points ≤ 0 not shown", note.Text);
        // Nothing drawn is a log of a value ≤ 0 (that would be NaN or -∞ and break the line).
        var drawn = loss.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().SelectMany(s => s.Data.GetScatterPoints()).ToArray();
        Assert.All(drawn, c => Assert.True(double.IsFinite(c.Y), $"y {c.Y} drawn"));
        Assert.InRange(drawn.Min(c => c.Y), Math.Log10(2.5e-4) - 0.01, Math.Log10(2.5e-4) + 0.01);
        figure.Multiplot.GetPlots();
        File.WriteAllBytes(Artifact("log-with-zeros.png"), figure.PngBytes());
    }

    [Fact]
    public void The_png_of_three_panels_has_the_grown_height_and_ink_of_each_series_in_its_own_band()
    {
        var path = Artifact("training.png");
        PictureExporter.Save(Training(), path);
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(800, bitmap.Width);
        Assert.Equal(Figure.HeightFor(3), bitmap.Height);
        Assert.True(Figure.HeightFor(3) > Figure.HeightFor(1));
        float band = (bitmap.Height - Figure.TitleBandPx) / 3f;
        // Blue loss in the top band, green accuracy in the middle, red learning rate at the bottom, and not elsewhere.
        Func<SKColor, bool>[] inks = [IsBlue, IsGreen, IsRed];
        for (int panel = 0; panel < 3; panel++)
        for (int ink = 0; ink < 3; ink++)
        {
            int pixels = Count(bitmap, inks[ink], (int)(Figure.TitleBandPx + band * panel), (int)(Figure.TitleBandPx + band * (panel + 1)));
            if (ink == panel) Assert.True(pixels > 300, $"panel {panel} has only {pixels} pixels of its series");
            else Assert.True(pixels < 20, $"panel {panel} has {pixels} pixels of series {ink}");
        }
        // The title band carries the title's ink.
        Assert.True(Count(bitmap, c => c.Red < 100 && c.Green < 100 && c.Blue < 100, 0, Figure.TitleBandPx) > 50, "no title drawn");
    }

    [Fact]
    public void Sixty_four_panels_share_a_bounded_height_and_still_save()
    {
        var store = new PlotStore();
        for (int p = 0; p < 64; p++)
        {
            if (p > 0) store.Plot.DefinePanel(p, [P(PlotProperties.Title, $"panel {p}")]);
            store.Define(new SeriesDefinition(p, SeriesKind.Line, $"s{p}", "b-", Panel: p)).Append([0, 1], [p, p + 1]);
        }
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal(64, figure.Panels.Count);
        Assert.Equal(Figure.MaxHeightPx, figure.HeightPx);
        var png = figure.PngBytes();
        File.WriteAllBytes(Artifact("sixty-four-panels.png"), png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((800, Figure.MaxHeightPx), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void A_timed_series_has_date_and_time_tick_labels_in_utc()
    {
        var store = new PlotStore();
        var start = new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
        double t0 = (start - DateTime.UnixEpoch).TotalSeconds;
        var xs = Enumerable.Range(0, 7_200).Select(i => t0 + i).ToArray();
        var ys = xs.Select((_, i) => 21.5 + Math.Sin(i / 600.0)).ToArray();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "temperature", "r-", Flags: SeriesFlags.TimeX)).Append(xs, ys);
        var figure = PictureExporter.Render(store, 800);
        File.WriteAllBytes(Artifact("timed.png"), figure.PngBytes());

        var panel = Assert.Single(figure.Panels);
        Assert.Equal(AxisKind.Time, panel.Axes.X);
        Assert.Equal("time (UTC)", panel.Plot.Axes.Bottom.Label.Text);
        var limits = panel.Plot.Axes.GetLimits();
        Assert.InRange(DateTime.FromOADate(limits.Left), start.AddMinutes(-20), start);
        Assert.InRange(DateTime.FromOADate(limits.Right), start.AddHours(2), start.AddHours(2).AddMinutes(20));
        var labels = MajorLabels(panel.Plot.Axes.Bottom);
        var positions = MajorPositions(panel.Plot.Axes.Bottom);
        Assert.True(labels.Length >= 3, $"only {labels.Length} time ticks");
        // Each label reads as the UTC date and time at its tick, to the minute over a two-hour span.
        for (int i = 0; i < labels.Length; i++)
        {
            var at = DateTime.FromOADate(positions[i]);
            Assert.Equal(at.ToString("yyyy-MM-dd\nHH:mm", CultureInfo.InvariantCulture), labels[i]);
            Assert.InRange(at, start, start.AddHours(2));
        }
    }

    [Theory]
    [InlineData(0.02, "ss.fff")]              // twenty milliseconds: the ticks carry thousandths
    [InlineData(2.0, "ss.f")]                 // two seconds: tenths
    [InlineData(3 * 86_400.0, "dd")]          // three days: days
    [InlineData(3 * 365 * 86_400.0, "yyyy-MM")] // three years: months
    [InlineData(30 * 365 * 86_400.0, "yyyy")]   // thirty years: years, and nothing finer
    public void Time_tick_labels_adapt_to_the_span(double spanSeconds, string part)
    {
        var store = new PlotStore();
        double t0 = (new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "t", "b-", Flags: SeriesFlags.TimeX))
            .Append([t0, t0 + spanSeconds / 2, t0 + spanSeconds], [1, 2, 3]);
        var figure = PictureExporter.Render(store, 800);
        File.WriteAllBytes(Artifact($"timed-{spanSeconds}s.png"), figure.PngBytes());
        var axis = figure.Panels[0].Plot.Axes.Bottom;
        var labels = MajorLabels(axis);
        var positions = MajorPositions(axis);
        Assert.True(labels.Length >= 3, $"only {labels.Length} time ticks");
        Assert.Equal(labels.Length, labels.Distinct().Count());
        for (int i = 0; i < labels.Length; i++)
            Assert.Contains(DateTime.FromOADate(positions[i]).ToString(part, CultureInfo.InvariantCulture), labels[i]);
        if (part == "yyyy") Assert.All(labels, l => Assert.Equal(4, l.Length));
    }

    [Fact]
    public void A_time_axis_label_that_names_utc_is_not_named_twice()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [P(PlotProperties.XLabel, "time (UTC)")]);
        store.Plot.DefinePanel(2, [P(PlotProperties.XLabel, "logged at")]);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "r-", Panel: 1, Flags: SeriesFlags.TimeX)).Append([1.7e9, 1.7e9 + 60], [1, 2]);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "b-", Panel: 2, Flags: SeriesFlags.TimeX)).Append([1.7e9, 1.7e9 + 60], [1, 2]);
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal(["time (UTC)", "logged at (UTC)"], figure.Panels.Select(p => p.Plot.Axes.Bottom.Label.Text));
    }

    [Theory]
    [InlineData(new double[] { 0, 10 }, new double[] { 0, 10 }, Alignment.UpperLeft)]   // rising: the top left is empty
    [InlineData(new double[] { 0, 10 }, new double[] { 10, 0 }, Alignment.UpperRight)]  // falling: the top right is
    [InlineData(new double[] { 0, 5, 10 }, new double[] { 10, 0, 10 }, Alignment.LowerRight)] // a valley: only the bottom corners, right first
    public void The_legend_goes_to_a_corner_the_panel_s_lines_leave_empty(double[] xs, double[] ys, Alignment expected)
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "line", "b-")).Append(xs, ys);
        var plot = Assert.Single(PictureExporter.Render(store, 800).Panels).Plot;
        Assert.True(plot.Legend.IsVisible);
        Assert.Equal(expected, plot.Legend.Alignment);
    }

    [Fact]
    public void The_legend_keeps_clear_of_the_note_of_values_a_log_axis_left_out()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [P(PlotProperties.YScale, "log")]);
        // Along the top and down the right side: the bottom left, where the note goes, is the only empty corner.
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-", Panel: 1)).Append([0, 3, 3, 3], [100, 100, 0.01, -1]);
        var panel = Assert.Single(PictureExporter.Render(store, 800).Panels);
        Assert.Equal(1, panel.NotShown);
        Assert.NotEqual(Alignment.LowerLeft, panel.Plot.Legend.Alignment);
    }

    [Fact]
    public void A_plot_nobody_defined_keeps_its_placeholder_title_and_axis_names()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "dots", "ro")).Append([1, 2], [3, 4]);
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal(PlotDefinition.DefaultTitle, figure.Title);
        var plot = Assert.Single(figure.Panels).Plot;
        Assert.Equal("x", plot.Axes.Bottom.Label.Text);
        Assert.Equal("y", plot.Axes.Left.Label.Text);
        Assert.Equal(Figure.HeightFor(1), figure.HeightPx);
    }

    [Fact]
    public void The_default_panel_is_drawn_first_when_it_has_series()
    {
        var store = Training();
        store.Define(new SeriesDefinition(9, SeriesKind.Line, "temperature", "m-")).Append([0, 1_000], [20, 22]);
        var figure = PictureExporter.Render(store, 800);
        Assert.Equal([0, 1, 2, 3], figure.Panels.Select(p => p.Definition.Id));
        // Defined panels drop the "x"/"y" placeholders everywhere, the default panel too.
        Assert.Equal("", figure.Panels[0].Plot.Axes.Left.Label.Text);
        // Each panel with series has its legend.
        Assert.All(figure.Panels, p => Assert.True(p.Plot.Legend.IsVisible));
    }

    [Fact]
    public void The_svg_holds_the_titles_and_labels_as_text()
    {
        var path = Artifact("training.svg");
        PictureExporter.Save(Training(), path);
        var svg = File.ReadAllText(path);
        Assert.EndsWith("</svg>", svg.TrimEnd());
        foreach (var text in new[] { "Training", "Loss", "Accuracy", "Learning rate", "cross-entropy", "accuracy", "step", "train", "val" })
            Assert.Matches($">\\s*{System.Text.RegularExpressions.Regex.Escape(text)}\\s*<", svg);
    }

    // "0.01", "1000" or "10⁻⁴" as the number it stands for.
    private static double PowerOfTen(string label)
    {
        if (!label.StartsWith("10") || label.Length == 2 || char.IsAsciiDigit(label[2]) || label[2] == '.')
            return double.Parse(label, CultureInfo.InvariantCulture);
        var exponent = new string(label[2..].Select(c => c == '⁻' ? '-' : (char)('0' + "⁰¹²³⁴⁵⁶⁷⁸⁹".IndexOf(c))).ToArray());
        return Math.Pow(10, int.Parse(exponent, CultureInfo.InvariantCulture));
    }

    internal static int Count(SKBitmap bitmap, Func<SKColor, bool> ink, int fromRow, int toRow)
    {
        int count = 0;
        for (int y = Math.Max(0, fromRow); y < Math.Min(bitmap.Height, toRow); y++)
        for (int x = 0; x < bitmap.Width; x++)
            if (ink(bitmap.GetPixel(x, y))) count++;
        return count;
    }

    internal static bool IsBlue(SKColor c) => c.Blue > 150 && c.Red < 80 && c.Green < 80;

    internal static bool IsGreen(SKColor c) => c.Green > 90 && c.Red < 60 && c.Blue < 60;

    internal static bool IsRed(SKColor c) => c.Red > 150 && c.Green < 80 && c.Blue < 80;
}
