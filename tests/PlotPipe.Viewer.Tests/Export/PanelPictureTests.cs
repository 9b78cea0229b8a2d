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
        Assert.Equal(3, figure.Panels.Count);
        Assert.Equal(["Loss", "Accuracy", "Learning rate"], figure.Panels.Select(p => p.Title));
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
        // The steps edge to edge, as the page fits lines: no room before the first or after the last.
        Assert.All(limits, l => Assert.Equal((0.0, 1_999.0), (l.Left, l.Right)));
        var dataRects = figure.Panels.Select(p => p.Plot.RenderManager.LastRender.DataRect).ToArray();
        Assert.All(dataRects, r => Assert.Equal(dataRects[0].Left, r.Left));
        Assert.All(dataRects, r => Assert.Equal(dataRects[0].Right, r.Right));
        // Stacked top to bottom below the title band, left of the legend.
        Assert.True(dataRects[0].Top > figure.TitleBandPx);
        Assert.All(dataRects, r => Assert.True(r.Right < figure.LegendLeftPx, $"data area up to {r.Right}, legend from {figure.LegendLeftPx}"));
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
        Assert.Equal(1_999, loss.Right);
        Assert.Equal((100_000.0, 100_010.0), (far.Left, far.Right));
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
    public void A_log_axis_ticks_round_values_labelled_as_the_page_labels_them_and_holds_the_four_decades_of_loss()
    {
        var figure = PictureExporter.Render(Training(), 800);
        figure.PngBytes();
        var axis = figure.Panels[0].Plot.Axes.Left;
        var limits = figure.Panels[0].Plot.Axes.GetLimits();
        // Loss runs from 2.5 down by four decades (less a step): log10 from 0.4 to -3.6, and the page's 5 % of that
        // above and below.
        double hi = Math.Log10(2.5), lo = hi - 4.0 * 1_999 / 2_000, pad = 0.05 * (hi - lo);
        Assert.Equal(lo - pad, limits.Bottom, 1e-9);
        Assert.Equal(hi + pad, limits.Top, 1e-9);
        var labels = MajorLabels(axis);
        var positions = MajorPositions(axis);
        Assert.True(labels.Length >= 3, $"only {labels.Length} log ticks: {string.Join(", ", labels)}");
        for (int i = 0; i < labels.Length; i++)
            Assert.Equal(Math.Pow(10, positions[i]), PageNumber(labels[i]), Math.Pow(10, positions[i]) * 1e-9);
        Assert.Contains("0.001", labels);
        Assert.Contains("1", labels);
        // The page draws no minor ticks: every tick is labelled, and each sits on 1, 2, 3 or 5 times a power of ten.
        Assert.All(axis.TickGenerator.Ticks, t => Assert.True(t.IsMajor));
        Assert.All(positions, p => Assert.Contains(Math.Round(Math.Pow(10, p - Math.Floor(p + 1e-9)), 6), new[] { 1.0, 2, 3, 5 }));
    }

    [Theory]
    [InlineData(0.0, "3 4 5 6 7 8")]
    [InlineData(0.5, null)]
    public void An_x_axis_of_whole_numbers_such_as_line_numbers_is_ticked_on_whole_numbers_only(double offset, string? expected)
    {
        // Six lines of vmstat against their line numbers (3 to 8); the same shifted by a half is ticked as usual.
        var store = new PlotStore();
        double[] xs = [3 + offset, 4 + offset, 5 + offset, 6 + offset, 7 + offset, 8 + offset];
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "us", "b-")).Append(xs, [50, 0, 0, 0, 0, 1]);
        var labels = MajorLabels(PictureExporter.Render(store, 800).Panels[0].Plot.Axes.Bottom);
        if (expected is not null) Assert.Equal(expected, string.Join(" ", labels));
        else Assert.Contains(labels, l => l.Contains('.'));
    }

    [Fact]
    public void Log_tick_labels_are_compact_as_on_the_page()
    {
        Assert.Equal(["1M", "1e-12", "1000", "0.01", "0.0001", "1e-5", "20k"], AxisTicks.Logs([1e6, 1e-12, 1000, 0.01, 1e-4, 1e-5, 2e4]));
    }

    [Fact]
    public void Values_at_or_below_zero_on_a_log_axis_are_left_out_counted_and_noted_in_the_panel()
    {
        var store = Training(steps: 200_000, nonPositiveLosses: 12);
        var figure = PictureExporter.Render(store, 800);
        var loss = figure.Panels[0];
        Assert.Equal(12, loss.NotShown);
        Assert.Equal(0, figure.Panels[1].NotShown);
        Assert.Equal("12 points ≤ 0 not shown", loss.Note);
        Assert.Null(figure.Panels[1].Note);
        // In the title row, as on the page, not over the data: the row is there even for an untitled panel.
        Assert.Empty(loss.Plot.GetPlottables().OfType<ScottPlot.Plottables.Annotation>());
        using (var bitmap = SKBitmap.Decode(figure.PngBytes()))
        {
            // Its ink: in the title row's right half, which the title "Loss" at the left leaves empty otherwise.
            int inked = 0;
            for (int y = (int)(loss.ChartRect.Top - PictureTheme.PanelTitleBandPx); y < (int)loss.ChartRect.Top; y++)
                for (int x = (int)(loss.DataRect.Left + loss.DataRect.Width / 2); x < (int)loss.DataRect.Right; x++)
                    if (bitmap.GetPixel(x, y).Red < 160) inked++;
            Assert.True(inked > 50, $"{inked} dark pixels in the title row's right half");
        }
        // Nothing drawn is a log of a value ≤ 0 (that would be NaN or -∞ and break the line).
        var drawn = loss.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().SelectMany(s => s.Data.GetScatterPoints()).ToArray();
        Assert.All(drawn, c => Assert.True(double.IsFinite(c.Y), $"y {c.Y} drawn"));
        Assert.InRange(drawn.Min(c => c.Y), Math.Log10(2.5e-4) - 0.01, Math.Log10(2.5e-4) + 0.01);
        File.WriteAllBytes(Artifact("log-with-zeros.png"), figure.PngBytes());
    }

    [Fact]
    public void The_png_of_three_panels_has_the_grown_height_and_ink_of_each_series_in_its_own_data_area()
    {
        var figure = PictureExporter.Render(Training(), 800);
        var png = figure.PngBytes();
        File.WriteAllBytes(Artifact("training.png"), png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((800, Figure.HeightFor(3)), (bitmap.Width, bitmap.Height));
        Assert.True(Figure.HeightFor(3) > Figure.HeightFor(1));
        // Blue loss in the top panel, green accuracy in the middle, red learning rate at the bottom, and not elsewhere.
        Func<SKColor, bool>[] inks = [IsBlue, IsGreen, IsRed];
        for (int panel = 0; panel < 3; panel++)
        for (int ink = 0; ink < 3; ink++)
        {
            int pixels = Count(bitmap, inks[ink], figure.Panels[panel].DataRect);
            if (ink == panel) Assert.True(pixels > 300, $"panel {panel} has only {pixels} pixels of its series");
            else Assert.True(pixels < 20, $"panel {panel} has {pixels} pixels of series {ink}");
        }
        // The title band carries the title's ink.
        Assert.True(Count(bitmap, c => c.Red < 100 && c.Green < 100 && c.Blue < 100, 0, (int)figure.TitleBandPx) > 50, "no title drawn");
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
        // The two hours edge to edge, in Unix seconds.
        Assert.Equal((t0, t0 + 7_199), (limits.Left, limits.Right));
        var labels = MajorLabels(panel.Plot.Axes.Bottom);
        var positions = MajorPositions(panel.Plot.Axes.Bottom);
        Assert.True(labels.Length >= 3, $"only {labels.Length} time ticks");
        // Each label reads as the page writes it, in UTC: the time to the minute over a two-hour span, the first
        // with the date under it.
        for (int i = 0; i < labels.Length; i++)
        {
            var at = DateTime.UnixEpoch.AddSeconds(positions[i]);
            Assert.Equal(at.ToString("HH:mm", CultureInfo.InvariantCulture) + (i == 0 ? "\nNov 26 2026" : ""), labels[i]);
            Assert.InRange(at, start, start.AddHours(2));
        }
    }

    [Theory]
    [InlineData(0.02, @"^00:00:00\.0\d\d(\nJan 1 2026)?$")]  // twenty milliseconds: the ticks carry thousandths
    [InlineData(2.0, @"^00:00:0\d\.\d(\nJan 1 2026)?$")]     // two seconds: tenths
    [InlineData(3 * 86_400.0, @"^(Jan [1-4](\n2026)?|\d\d:00(\nJan [1-4] 2026)?)$")] // three days: hours or days, each day's date once
    [InlineData(3 * 365 * 86_400.0, @"^[A-Z][a-z]{2} 20(26|27|28)$")] // three years: months
    [InlineData(30 * 365 * 86_400.0, @"^20[2-5]\d$")]           // thirty years: years, and nothing finer
    public void Time_tick_labels_adapt_to_the_span_as_on_the_page(double spanSeconds, string pattern)
    {
        var store = new PlotStore();
        double t0 = (new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "t", "b-", Flags: SeriesFlags.TimeX))
            .Append([t0, t0 + spanSeconds / 2, t0 + spanSeconds], [1, 2, 3]);
        var figure = PictureExporter.Render(store, 800);
        File.WriteAllBytes(Artifact($"timed-{spanSeconds}s.png"), figure.PngBytes());
        var labels = MajorLabels(figure.Panels[0].Plot.Axes.Bottom);
        Assert.True(labels.Length >= 3, $"only {labels.Length} time ticks");
        Assert.All(labels, l => Assert.Matches(pattern, l));
        // Within a day's steps, the first tick carries the date; a label says the date again only where the day changes.
        if (spanSeconds < 28 * 86_400)
        {
            Assert.Contains("Jan 1", labels[0]);
            var dates = labels.Where(l => l.Contains('\n')).Select(l => l.Split('\n')[1]).ToList();
            Assert.Equal(dates.Count, dates.Distinct().Count());
        }
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

    [Fact]
    public void The_legend_lists_the_series_under_a_header_per_panel_as_the_page_does()
    {
        var figure = PictureExporter.Render(Training(), 800);
        Assert.Equal(["Loss", "train", "Accuracy", "val", "Learning rate", "lr"], figure.Legend.Rows.Select(r => r.Text));
        Assert.Equal([true, false, true, false, true, false], figure.Legend.Rows.Select(r => r.IsHeader));
    }

    [Fact]
    public void The_legend_of_one_panel_is_a_plain_list_and_of_two_producers_is_grouped_by_producer()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-")).Append([0, 1], [1, 2]);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "acc", "g-")).Append([0, 1], [2, 1]);
        Assert.Equal(["loss", "acc"], PictureExporter.Render(store, 800).Legend.Rows.Select(r => r.Text));

        var runs = Training();
        var other = runs.Define(new SeriesDefinition(9, SeriesKind.Line, "train", "m-", Panel: 1), runs.AddProducer("run B", "stdin"));
        other.Append([0, 1], [1, 2]);
        var rows = PictureExporter.Render(runs, 800).Legend.Rows;
        // The first producer is unnamed here; each series says which panel it is drawn in.
        Assert.Equal(["(unnamed)", "train", "val", "lr", "run B", "train"], rows.Select(r => r.Text));
        Assert.Equal([null, "Loss", "Accuracy", "Learning rate", null, "Loss"], rows.Select(r => r.Tag));
    }

    [Fact]
    public void The_legend_sits_in_a_column_right_of_every_data_area_and_its_swatches_carry_the_series_colours()
    {
        var figure = PictureExporter.Render(Training(), 800);
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        Assert.InRange(figure.LegendLeftPx, 800 * (1 - Figure.LegendMostShare), 800 - 100);
        var column = new PixelRect(figure.LegendLeftPx, 800, bitmap.Height, figure.TitleBandPx);
        Assert.True(Count(bitmap, IsBlue, column) > 20, "no blue swatch for train");
        Assert.True(Count(bitmap, IsGreen, column) > 20, "no green swatch for val");
        Assert.True(Count(bitmap, IsRed, column) > 20, "no red swatch for lr");
    }

    [Fact]
    public void A_plot_nobody_defined_has_no_title_and_the_page_s_x_and_y_names()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "dots", "ro")).Append([1, 2], [3, 4]);
        var figure = PictureExporter.Render(store, 800);
        // The viewer's placeholder title is not the producer's: the page shows none over the plot, nor does the picture.
        Assert.Null(figure.Title);
        Assert.Equal(0, figure.TitleBandPx);
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
        // The legend names the default panel as the page does.
        Assert.Equal(["Main", "temperature"], figure.Legend.Rows.Take(2).Select(r => r.Text));
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

    // A page tick label ("0.01", "20k", "1.5M", "3e-7") as the number it stands for.
    internal static double PageNumber(string label)
    {
        int suffix = "kMGT".IndexOf(label[^1]);
        if (suffix < 0) return double.Parse(label, CultureInfo.InvariantCulture);
        return double.Parse(label[..^1], CultureInfo.InvariantCulture) * Math.Pow(1000, suffix + 1);
    }

    internal static int Count(SKBitmap bitmap, Func<SKColor, bool> ink, int fromRow, int toRow)
    {
        int count = 0;
        for (int y = Math.Max(0, fromRow); y < Math.Min(bitmap.Height, toRow); y++)
        for (int x = 0; x < bitmap.Width; x++)
            if (ink(bitmap.GetPixel(x, y))) count++;
        return count;
    }

    internal static int Count(SKBitmap bitmap, Func<SKColor, bool> ink, PixelRect rect)
    {
        int count = 0;
        for (int y = Math.Max(0, (int)rect.Top); y < Math.Min(bitmap.Height, (int)Math.Ceiling(rect.Bottom)); y++)
        for (int x = Math.Max(0, (int)rect.Left); x < Math.Min(bitmap.Width, (int)Math.Ceiling(rect.Right)); x++)
            if (ink(bitmap.GetPixel(x, y))) count++;
        return count;
    }

    // A pixel of a pure blue, green or red series line, anti-aliased onto the white background (a 1 px line shares
    // its colour between two rows): the channel stands well clear of the other two, which stay equal.
    internal static bool IsBlue(SKColor c) => c.Blue - Math.Max(c.Red, c.Green) > 60 && Math.Abs(c.Red - c.Green) < 12;

    internal static bool IsGreen(SKColor c) => c.Green - Math.Max(c.Red, c.Blue) > 40 && Math.Abs(c.Red - c.Blue) < 12;

    internal static bool IsRed(SKColor c) => c.Red - Math.Max(c.Green, c.Blue) > 60 && Math.Abs(c.Green - c.Blue) < 12;
}
