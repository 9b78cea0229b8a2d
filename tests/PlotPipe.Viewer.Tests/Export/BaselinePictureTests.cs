using System.Globalization;
using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>
/// A baseline in a picture looks as on the page: drawn first, under the live run, muted to its theme's opacity (the
/// page's), its legend saying baseline; and on the dark theme it stays visible while reading quieter than a live series.
/// </summary>
public sealed class BaselinePictureTests
{
    // What a baseline's drawn colour keeps from the dark background: visible (a grid line there is 1.3:1), yet no more
    // than three-fifths of its live colour's contrast, so the live series over it reads first.
    private const double LeastDarkBaselineContrast = 2;
    private const double MostShareOfLiveContrast = 0.6;

    // A live run "today" with a green line, and the baseline "monday.arrow" with a line and markers of its own.
    private static PlotStore LiveAndBaseline()
    {
        var store = new PlotStore();
        var xs = Enumerable.Range(0, 200).Select(i => (double)i).ToArray();
        var live = store.AddProducer("today", "stdin");
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "live", "g-"), live).Append(xs, xs.Select(x => Math.Cos(x / 20)).ToArray());
        var baseline = store.AddBaseline("monday.arrow");
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-"), baseline).Append(xs, xs.Select(x => Math.Sin(x / 20)).ToArray());
        store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "marks", "ro"), baseline).Append(xs[..40], xs[..40].Select(x => 0.5 * Math.Sin(x / 10)).ToArray());
        return store;
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public void A_baseline_is_drawn_under_the_live_run_at_its_theme_s_opacity_and_its_legend_says_baseline(string theme)
    {
        var store = LiveAndBaseline();
        var palette = PicturePalette.Named(theme);
        var figure = PictureExporter.Render(store, 800, palette: palette);
        File.WriteAllBytes(Path.Combine(BrowserFixture.ArtifactsDir, $"baseline-picture-{theme}.png"), figure.PngBytes());
        File.WriteAllBytes(Path.Combine(BrowserFixture.ArtifactsDir, $"baseline-picture-{theme}.svg"), figure.SvgBytes());

        var series = store.Series.ToDictionary(s => s.Name);
        var drawn = Assert.Single(figure.Panels).Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        // The baseline's two series first, muted; the live line last, over them, in its full colour.
        Assert.Equal(
            [palette.SeriesColor(series["signal"]).WithAlpha(palette.BaselineOpacity), palette.SeriesColor(series["marks"]).WithAlpha(palette.BaselineOpacity), palette.SeriesColor(series["live"])],
            drawn.Select(d => d.Color));
        Assert.Equal(palette.SeriesColor(series["marks"]).WithAlpha(palette.BaselineOpacity), drawn[1].MarkerStyle.FillColor);
        Assert.Equal(["today", "live", "monday.arrow (baseline)", "signal", "marks"], figure.Legend.Rows.Select(r => r.Text));
        Assert.Equal([false, false, false, true, true], figure.Legend.Rows.Select(r => r.Baseline));
    }

    [Fact]
    public void A_run_s_name_too_long_for_the_legend_wraps_onto_a_second_line_instead_of_losing_its_end()
    {
        var store = new PlotStore();
        var baseline = store.AddBaseline("lr-sweep-2026-12-06.arrow · train.py (2)");
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), baseline).Append([0, 1, 2], [3, 2, 1]);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), store.AddProducer("train.py", "stdin")).Append([0, 1, 2], [2, 1, 0.5]);
        var figure = PictureExporter.Render(store, 800);
        File.WriteAllBytes(Path.Combine(BrowserFixture.ArtifactsDir, "baseline-picture-long-run.png"), figure.PngBytes());
        Assert.Equal("lr-sweep-2026-12-06.arrow · train.py (2) (baseline)", figure.Legend.Rows[0].Text);

        // The legend's rows are 22 px from 13 px down, a header 6 px lower; text starts 16 px in, a series' swatch 12 px
        // further. The header's second line has ink where a series row (the swatch) has none.
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        int left = (int)figure.LegendLeftPx + 16, top = (int)figure.TitleBandPx + 13 + 6 + 22;
        int ink = 0;
        for (int y = top; y < top + 22; y++)
        {
            for (int x = left; x < left + 12; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 128) ink++;
            }
        }
        Assert.True(ink > 5, $"{ink} dark pixels at the start of the legend's second row: the run's name did not wrap");
    }

    [Fact]
    public void A_baseline_alone_in_a_plot_says_baseline_on_each_row()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-"), store.AddBaseline("monday.arrow")).Append([0, 1, 2], [1, 3, 2]);
        Assert.Equal(["signal (baseline)"], PictureExporter.Render(store, 800).Legend.Rows.Select(r => r.Text));
    }

    [Fact]
    public void On_a_dark_picture_the_baseline_s_pixels_stand_out_from_the_background_yet_under_its_live_colour()
    {
        var store = LiveAndBaseline();
        var signal = store.Series.First(s => s.Name == "signal");
        // The baseline's line alone, so every pixel off the background in the data area is its.
        int[] hidden = [.. store.Series.Where(s => s != signal).Select(s => s.Index).Order()];
        var figure = PictureExporter.Render(store, 800, palette: PicturePalette.Dark, hidden: hidden);
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        var background = WcagContrast.Rgb("#0d1117");
        var rect = Assert.Single(figure.Panels).DataRect;
        var pixels = new List<(int R, int G, int B)>();
        for (int y = (int)rect.Top + 1; y < (int)rect.Bottom - 1; y++)
        for (int x = (int)rect.Left + 1; x < (int)rect.Right - 1; x++)
        {
            var c = bitmap.GetPixel(x, y);
            pixels.Add((c.Red, c.Green, c.Blue));
        }
        var strongest = Strongest(pixels, background);
        // The line's fully covered pixels are its colour at the baseline's opacity over the background, as on the page.
        var expected = WcagContrast.Over(signal.DarkColor, PicturePalette.Dark.BaselineOpacity, "#0d1117");
        Assert.InRange(strongest.R, expected.R - 4, expected.R + 4);
        Assert.InRange(strongest.G, expected.G - 4, expected.G + 4);
        Assert.InRange(strongest.B, expected.B - 4, expected.B + 4);
        double drawn = WcagContrast.Ratio(strongest, background);
        Assert.True(drawn >= LeastDarkBaselineContrast, $"the baseline's line stands {drawn:F2}:1 from the dark background");
        Assert.True(drawn <= MostShareOfLiveContrast * WcagContrast.Ratio(signal.DarkColor, "#0d1117"), $"the baseline's line at {drawn:F2}:1 is as loud as a live one");
    }

    // The colour most of a line's fully covered pixels have: among the pixels at least 80 % as far from the background
    // as the furthest (leaving out the grid and the anti-aliased edges), the most common. Not the furthest itself: the
    // chart library's line pieces overlap at a few joins, where the muted colour is laid twice.
    internal static (int R, int G, int B) Strongest(List<(int R, int G, int B)> pixels, (int R, int G, int B) background)
    {
        static int Far((int R, int G, int B) c, (int R, int G, int B) bg) => Math.Abs(c.R - bg.R) + Math.Abs(c.G - bg.G) + Math.Abs(c.B - bg.B);
        int furthest = pixels.Max(p => Far(p, background));
        return pixels.Where(p => Far(p, background) * 5 >= furthest * 4).GroupBy(p => p).OrderByDescending(g => g.Count()).First().Key;
    }

    [Fact]
    public void Every_dark_series_colour_drawn_as_a_baseline_stands_at_least_2_to_1_and_at_most_three_fifths_of_its_live_contrast()
    {
        var dark = PicturePalette.Dark;
        var background = dark.Background.ToHex()[..7];
        foreach (var colour in SeriesPalette.DarkCycle.Concat(SeriesPalette.DarkLetters.Values))
        {
            double live = WcagContrast.Ratio(colour, background);
            double drawn = WcagContrast.Ratio(WcagContrast.Over(colour, dark.BaselineOpacity, background), WcagContrast.Rgb(background));
            Assert.True(drawn >= LeastDarkBaselineContrast, $"{colour} as a baseline: {drawn:F2}:1");
            Assert.True(drawn <= MostShareOfLiveContrast * live, $"{colour} as a baseline: {drawn:F2}:1 against {live:F2}:1 live");
        }
    }

    [Fact]
    public void The_page_draws_a_baseline_at_the_picture_s_opacity_on_each_theme()
    {
        var looks = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "web", "src", "looks.js"));
        var opacity = Regex.Match(looks, @"BASELINE_OPACITY = \{ light: ([0-9.]+), dark: ([0-9.]+) \}");
        Assert.True(opacity.Success, "BASELINE_OPACITY not found in web/src/looks.js");
        Assert.Equal(double.Parse(opacity.Groups[1].Value, CultureInfo.InvariantCulture), PicturePalette.Light.BaselineOpacity, 1e-6);
        Assert.Equal(double.Parse(opacity.Groups[2].Value, CultureInfo.InvariantCulture), PicturePalette.Dark.BaselineOpacity, 1e-6);
    }
}
