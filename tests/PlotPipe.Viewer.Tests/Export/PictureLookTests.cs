using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Recording;
using PlotPipe.Viewer.Tests.Support;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>A picture looks as the page does: its font, fit, tick labels, colours; and the export command's own options.</summary>
public sealed class PictureLookTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-look-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PlotStore Line(double[] xs, Func<double, double> f, string format = "b-", SeriesKind kind = SeriesKind.Line)
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, kind, "line", format)).Append(xs, xs.Select(f).ToArray());
        return store;
    }

    private static double[] Range(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => (double)i).ToArray();

    [Fact]
    public void Every_text_of_a_picture_is_in_the_shipped_dejavu_sans_and_not_a_system_font()
    {
        var figure = PictureExporter.Render(PanelPictureTestsStore(), 800);
        foreach (var panel in figure.Panels)
        {
            foreach (IAxis axis in new IAxis[] { panel.Plot.Axes.Bottom, panel.Plot.Axes.Left })
            {
                Assert.Equal(PictureFont.Name, axis.TickLabelStyle.FontName);
                Assert.Equal(PictureFont.Name, axis.Label.FontName);
            }
        }
        // The chart library resolves the name to the typeface shipped inside the viewer, ahead of any system font.
        var regular = Fonts.GetTypeface(PictureFont.Name, false, false);
        var bold = Fonts.GetTypeface(PictureFont.Name, true, false);
        Assert.Same(PictureFont.Typeface(false), regular);
        Assert.Same(PictureFont.Typeface(true), bold);
        Assert.Equal("DejaVu Sans", regular.FamilyName);
        Assert.DoesNotContain("Serif", regular.FamilyName);
        Assert.True(bold.IsBold);
        var fonts = Path.Combine(BrowserFeed.RepoDir(), "src", "PlotPipe.Viewer", "Export", "Fonts");
        Assert.Equal(Hash(File.ReadAllBytes(Path.Combine(fonts, "DejaVuSans.ttf"))), Hash(Bytes(regular)));
        Assert.Equal(Hash(File.ReadAllBytes(Path.Combine(fonts, "DejaVuSans-Bold.ttf"))), Hash(Bytes(bold)));
        // The SVG names it for every text, titles and legend included.
        var families = Regex.Matches(System.Text.Encoding.UTF8.GetString(figure.SvgBytes()), "font-family=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.True(families.Count > 30, $"only {families.Count} texts");
        Assert.All(families, f => Assert.Equal("DejaVu Sans", f));
    }

    [Fact]
    public void The_same_plot_gives_the_same_png_and_svg_every_time()
    {
        var first = PictureExporter.Render(PanelPictureTestsStore(), 800);
        var second = PictureExporter.Render(PanelPictureTestsStore(), 800);
        Assert.Equal(Hash(first.PngBytes()), Hash(second.PngBytes()));
        // The SVG writer numbers its clip paths across a process: the same but for those numbers.
        static string Svg(Figure f) => Regex.Replace(System.Text.Encoding.UTF8.GetString(f.SvgBytes()), @"cl_[0-9a-z]+", "cl_");
        Assert.Equal(Svg(first), Svg(second));
    }

    [Fact]
    public async Task A_machine_without_any_font_exports_the_very_same_picture()
    {
        var recording = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(recording);
        // A fontconfig that knows no font at all: a bare machine.
        var bare = Path.Combine(_dir, "no-fonts.conf");
        await File.WriteAllTextAsync(bare, $"<?xml version=\"1.0\"?>\n<fontconfig><cachedir>{_dir}/fc-cache</cachedir></fontconfig>\n");
        var noFonts = new Dictionary<string, string> { ["FONTCONFIG_FILE"] = bare };
        var (_, listed, _) = await ChildProcess.RunAsync("fc-list", [], environment: noFonts);
        Assert.True(listed.Trim().Length == 0, $"the bare configuration still lists fonts: {listed}");

        string withFonts = Path.Combine(_dir, "fonts.png"), withoutFonts = Path.Combine(_dir, "bare.png");
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", recording, "--png", withFonts]);
        Assert.True(code == 0, errors);
        (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", recording, "--png", withoutFonts], environment: noFonts);
        Assert.True(code == 0, errors);

        Assert.Equal(Hash(await File.ReadAllBytesAsync(withFonts)), Hash(await File.ReadAllBytesAsync(withoutFonts)));
        // And it has text: the title's ink in the band at the top.
        using var bitmap = SKBitmap.Decode(withoutFonts);
        Assert.True(PanelPictureTests.Count(bitmap, c => c.Red < 100 && c.Green < 100 && c.Blue < 100, 0, (int)Figure.RowsTopPx(titled: true)) > 50, "no title text");
    }

    [Fact]
    public void An_exported_line_runs_from_the_left_edge_of_the_data_area_to_the_right_edge()
    {
        // What a new user piped in: x from 0 to 60, which used to be drawn on -5..65.
        var figure = PictureExporter.Render(Line(Range(0, 60), x => 10 + 5 * Math.Sin(x / 5)), 800);
        var panel = Assert.Single(figure.Panels);
        var limits = panel.Plot.Axes.GetLimits();
        Assert.Equal((0.0, 60.0), (limits.Left, limits.Right));
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        var (left, right, _, _) = InkBox(bitmap, panel.DataRect, PanelPictureTests.IsBlue);
        Assert.InRange(left, panel.DataRect.Left - 1, panel.DataRect.Left + 2);
        Assert.InRange(right, panel.DataRect.Right - 3, panel.DataRect.Right);
    }

    [Fact]
    public void The_last_time_label_at_the_data_s_right_end_stands_clear_of_the_legend_s_rule()
    {
        // Readings every ten seconds: the last tick, 10:00:20, is centred on the data area's right edge.
        double t0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "load", "-", Flags: SeriesFlags.TimeX)).Append([t0, t0 + 10, t0 + 20], [1.5, 1.7, 1.6]);
        var figure = PictureExporter.Render(store, 800);
        var panel = Assert.Single(figure.Panels);
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        int rightmostInk = -1;
        for (int x = (int)panel.DataRect.Right; x < (int)figure.LegendLeftPx; x++)
        {
            for (int y = (int)panel.DataRect.Bottom + 2; y < Math.Min(bitmap.Height, (int)panel.DataRect.Bottom + 40); y++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 150 && c.Green < 150 && c.Blue < 150) rightmostInk = x;
            }
        }
        Assert.True(rightmostInk > panel.DataRect.Right, "no label ink right of the data area: the last tick is not at the end");
        Assert.True(rightmostInk <= figure.LegendLeftPx - PictureTheme.LabelGapPx + 1, $"label ink at x = {rightmostInk}, the legend's rule at {figure.LegendLeftPx}");
    }

    [Fact]
    public void Y_is_fitted_with_the_page_s_five_percent_headroom_and_no_more()
    {
        var figure = PictureExporter.Render(Line(Range(0, 100), x => x / 100), 800);
        var panel = Assert.Single(figure.Panels);
        var limits = panel.Plot.Axes.GetLimits();
        Assert.Equal(-0.05, limits.Bottom, 1e-12);
        Assert.Equal(1.05, limits.Top, 1e-12);
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        var (_, _, top, bottom) = InkBox(bitmap, panel.DataRect, PanelPictureTests.IsBlue);
        float room = panel.DataRect.Height * 0.05f / 1.1f;
        Assert.InRange(top, panel.DataRect.Top + room - 3, panel.DataRect.Top + room + 2);
        Assert.InRange(bottom, panel.DataRect.Bottom - room - 2, panel.DataRect.Bottom - room + 3);
    }

    [Fact]
    public void A_scatter_is_padded_as_the_page_pads_it_so_its_edge_markers_show_whole()
    {
        var figure = PictureExporter.Render(Line(Range(0, 10), x => x * x, "ro", SeriesKind.Scatter), 800);
        var limits = Assert.Single(figure.Panels).Plot.Axes.GetLimits();
        Assert.Equal(-0.2, limits.Left, 1e-12);
        Assert.Equal(10.2, limits.Right, 1e-12);
    }

    [Fact]
    public void Tick_labels_are_the_page_s_compact_numbers_never_powers_written_with_E()
    {
        // Unix seconds plotted as plain numbers: what used to read 1.8E+9 on every tick.
        var figure = PictureExporter.Render(Line(Range(0, 1000).Select(i => 1.7e9 + i * 1e5).ToArray(), x => x * 2), 800);
        var plot = Assert.Single(figure.Panels).Plot;
        var labels = plot.Axes.Bottom.TickGenerator.Ticks.Concat(plot.Axes.Left.TickGenerator.Ticks).Select(t => t.Label).ToList();
        Assert.All(labels, l => Assert.Matches(@"^-?\d+(\.\d+)?[kMGT]?$", l));
        Assert.Contains(plot.Axes.Bottom.TickGenerator.Ticks, t => t.Label.EndsWith('G'));
        // Neighbouring labels differ: the digits the step needs are there.
        var x = plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label).ToList();
        Assert.Equal(x.Count, x.Distinct().Count());
    }

    [Fact]
    public void The_dark_picture_s_colours_are_the_page_s_dark_theme()
    {
        // The page's dark theme: the :root block inside its prefers-color-scheme: dark rule.
        var css = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "web", "src", "style.css"));
        int media = css.IndexOf("prefers-color-scheme: dark", StringComparison.Ordinal);
        var root = css[css.IndexOf(":root", media, StringComparison.Ordinal)..css.IndexOf('}', media)];
        string Var(string name) => Regex.Match(root, $@"--{name}:\s*(#[0-9a-fA-F]{{6}})").Groups[1].Value.ToLowerInvariant();
        var dark = PicturePalette.Dark;
        Assert.Equal(
            [Var("bg"), Var("ink"), Var("muted"), Var("line"), Var("axis"), Var("grid"), Var("tick")],
            new[] { dark.Background, dark.Ink, dark.Muted, dark.Line, dark.Axis, dark.Grid, dark.Tick }.Select(c => c.ToHex().ToLowerInvariant()));
    }

    [Fact]
    public void The_picture_s_colours_are_the_page_s_light_theme()
    {
        // The page's light theme: the first :root block of its style sheet.
        var css = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "web", "src", "style.css"));
        var root = css[css.IndexOf(":root", StringComparison.Ordinal)..css.IndexOf('}')];
        string Var(string name) => Regex.Match(root, $@"--{name}:\s*(#[0-9a-fA-F]{{6}})").Groups[1].Value.ToLowerInvariant();
        Assert.Equal(Var("bg"), PictureTheme.Background.ToHex().ToLowerInvariant());
        Assert.Equal(Var("ink"), PictureTheme.Ink.ToHex().ToLowerInvariant());
        Assert.Equal(Var("muted"), PictureTheme.Muted.ToHex().ToLowerInvariant());
        Assert.Equal(Var("line"), PictureTheme.Line.ToHex().ToLowerInvariant());
        Assert.Equal(Var("axis"), PictureTheme.Axis.ToHex().ToLowerInvariant());
        Assert.Equal(Var("grid"), PictureTheme.Grid.ToHex().ToLowerInvariant());
        Assert.Equal(Var("tick"), PictureTheme.Tick.ToHex().ToLowerInvariant());

        // And the picture is painted in them: the background, the grid lines, the tick marks.
        var figure = PictureExporter.Render(Line(Range(0, 60), x => x), 800);
        var panel = Assert.Single(figure.Panels);
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        Assert.Equal(SKColor.Parse(Var("bg")), bitmap.GetPixel(1, 1));
        var colours = new HashSet<SKColor>();
        for (int y = (int)panel.DataRect.Top; y < panel.DataRect.Bottom; y++) colours.Add(bitmap.GetPixel((int)panel.DataRect.Left + 3, y));
        Assert.Contains(SKColor.Parse(Var("grid")), colours);
        var below = new HashSet<SKColor>();
        for (int x = (int)panel.DataRect.Left; x < panel.DataRect.Right; x++) below.Add(bitmap.GetPixel(x, (int)panel.DataRect.Bottom + 4));
        Assert.Contains(SKColor.Parse(Var("tick")), below);
    }

    [Fact]
    public async Task Export_title_width_and_height_options_take_effect()
    {
        var recording = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(recording);
        string png = Path.Combine(_dir, "big.png"), svg = Path.Combine(_dir, "big.svg"), plain = Path.Combine(_dir, "plain.svg");
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet",
            [PlotPipeCli.CliDll, "export", recording, "--png", png, "--svg", svg, "--title", "Run 7", "--width", "1200", "--height", "900"]);
        Assert.True(code == 0, errors);
        using (var bitmap = SKBitmap.Decode(png)) Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
        var text = await File.ReadAllTextAsync(svg);
        Assert.Matches(@">\s*Run 7\s*<", text);
        Assert.DoesNotMatch(@">\s*a run\s*<", text);
        Assert.Contains("width=\"1200\" height=\"900\"", text);

        // No options: the recording's own title, the default size (two panels: 600 px and 270 more).
        (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", recording, "--svg", plain]);
        Assert.True(code == 0, errors);
        text = await File.ReadAllTextAsync(plain);
        Assert.Matches(@">\s*a run\s*<", text);
        Assert.Contains($"width=\"{Figure.DefaultWidthPx}\" height=\"{Figure.HeightFor(2)}\"", text);
    }

    // The Training shape of the panel tests, reused.
    private static PlotStore PanelPictureTestsStore()
    {
        var store = new PlotStore();
        store.Plot.DefinePlot([new(PlotProperties.Title, "Training")]);
        store.Plot.DefinePanel(1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YScale, "log")]);
        store.Plot.DefinePanel(2, [new(PlotProperties.Title, "Accuracy"), new(PlotProperties.XLabel, "step")]);
        var xs = Range(0, 1999);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "train", "b-", Panel: 1)).Append(xs, xs.Select(x => 2.5 * Math.Pow(10, -x / 500)).ToArray());
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "val", "g--", Panel: 2)).Append(xs, xs.Select(x => 1 - Math.Exp(-x / 300)).ToArray());
        return store;
    }

    // The leftmost, rightmost, top and bottom pixel of an ink inside a rectangle.
    private static (int Left, int Right, int Top, int Bottom) InkBox(SKBitmap bitmap, PixelRect rect, Func<SKColor, bool> ink)
    {
        int left = int.MaxValue, right = int.MinValue, top = int.MaxValue, bottom = int.MinValue;
        for (int y = Math.Max(0, (int)rect.Top - 2); y < Math.Min(bitmap.Height, (int)rect.Bottom + 2); y++)
        for (int x = Math.Max(0, (int)rect.Left - 2); x < Math.Min(bitmap.Width, (int)rect.Right + 2); x++)
        {
            if (!ink(bitmap.GetPixel(x, y))) continue;
            (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
        }
        Assert.True(left <= right, "no ink in the data area");
        return (left, right, top, bottom);
    }

    private static byte[] Bytes(SKTypeface typeface)
    {
        using var stream = typeface.OpenStream(out _);
        var bytes = new byte[stream.Length];
        stream.Read(bytes, bytes.Length);
        return bytes;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
