using PlotPipe.TestSupport;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

public class ExtremeValuesTests
{
    private static readonly double[] Nasty =
    [
        double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, double.NaN,
        double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 2.2250738585072014E-308 / 3, 1e-300, 1e300, 1.7e308, -1.7e308, 1, 5,
    ];

    [Fact]
    public void A_line_from_plus_to_minus_1_7e308_saves_a_png_that_shows_it()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "wild", "r-")).Append([0, 1], [1.7e308, -1.7e308]);
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}.png");
        try
        {
            PictureExporter.Save(store, path, 400, 300);
            using var bitmap = SKBitmap.Decode(path);
            Assert.NotNull(bitmap);
            Assert.True(RedDots.Pixels(bitmap) > 100, "the red line from top left to bottom right is missing");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(SeriesKind.Line)]
    [InlineData(SeriesKind.Scatter)]
    public void A_single_point_and_equal_points_are_drawn_in_the_middle_of_a_real_range(SeriesKind kind)
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, kind, "one", "ro")).Append([3, 3, 3], [7, 7, 7]);
        var plot = PictureExporter.Render(store, 400).Panels[0].Plot;
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Left < 3 && 3 < limits.Right, $"x limits {limits.Left}..{limits.Right} miss 3");
        Assert.True(limits.Bottom < 7 && 7 < limits.Top, $"y limits {limits.Bottom}..{limits.Top} miss 7");
    }

    [Fact]
    public void Infinite_and_nan_values_are_left_out_of_the_axes()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "dots", "ro"))
            .Append([1, 2, double.PositiveInfinity, double.NaN, 3], [10, double.NegativeInfinity, 5, 6, 20]);
        var limits = PictureExporter.Render(store, 400).Panels[0].Plot.Axes.GetLimits();
        // The finite points span x 1..3 and y 10..20; the axes hold them with a margin and nothing more.
        Assert.InRange(limits.Left, 0.5, 0.99);
        Assert.InRange(limits.Right, 3.01, 3.5);
        Assert.InRange(limits.Bottom, 8, 9.99);
        Assert.InRange(limits.Top, 20.01, 22);
    }

    [Fact]
    public void An_empty_plot_saves()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "nothing yet", "b-"));
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}.svg");
        try
        {
            PictureExporter.Save(store, path, 320, 240);
            Assert.Contains("</svg>", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Property-style: random mixes of the values that break arithmetic, in both series kinds and in long runs
    // (long runs go through decimation and the per-pixel thinning), never make saving throw.
    [Fact]
    public void Random_extreme_values_in_any_panels_axes_and_times_never_make_saving_throw()
    {
        var random = new Random(20261126);
        var dir = Directory.CreateTempSubdirectory("plotpipe-extreme");
        try
        {
            for (int round = 0; round < 120; round++)
            {
                var store = new PlotStore();
                int seriesCount = 1 + random.Next(3);
                // Half the rounds spread the series over panels with random log axes, links and time on x.
                bool panels = round % 2 == 1;
                if (panels)
                {
                    for (int p = 1; p <= 2; p++)
                    {
                        store.Plot.DefinePanel(p,
                        [
                            new(PlotProperties.XScale, random.Next(3) == 0 ? "log" : "linear"),
                            new(PlotProperties.YScale, random.Next(2) == 0 ? "log" : "linear"),
                            new(PlotProperties.LinkX, random.Next(3) == 0 ? "false" : "true"),
                        ]);
                    }
                }
                for (int s = 0; s < seriesCount; s++)
                {
                    var kind = random.Next(2) == 0 ? SeriesKind.Line : SeriesKind.Scatter;
                    int n = random.Next(4) switch { 0 => 1, 1 => random.Next(2, 20), 2 => random.Next(20, 5_000), _ => random.Next(5_000, 70_000) };
                    var xs = new double[n];
                    var ys = new double[n];
                    bool equal = random.Next(6) == 0;
                    for (int i = 0; i < n; i++)
                    {
                        xs[i] = equal ? Nasty[round % Nasty.Length] : Pick(random);
                        ys[i] = equal ? Nasty[(round + 3) % Nasty.Length] : Pick(random);
                    }
                    // Half the lines keep their x in order so their points are stored rather than rejected.
                    if (kind == SeriesKind.Line && random.Next(2) == 0) Array.Sort(xs);
                    int panel = panels ? random.Next(3) : 0;
                    var flags = panels && random.Next(2) == 0 ? SeriesFlags.TimeX : SeriesFlags.None;
                    store.Define(new SeriesDefinition(s, kind, $"s{s}", kind == SeriesKind.Line ? "b-" : "ro", panel, flags)).Append(xs, ys);
                }
                var path = Path.Combine(dir.FullName, round % 4 == 0 ? "p.svg" : "p.png");
                var e = Record.Exception(() => PictureExporter.Save(store, path, 320, 240));
                Assert.True(e is null, $"round {round}: {e}");
                Assert.True(new FileInfo(path).Length > 0, $"round {round} wrote an empty file");
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static double Pick(Random random) => random.Next(3) switch
    {
        0 => Nasty[random.Next(Nasty.Length)],
        1 => BitConverter.Int64BitsToDouble(random.NextInt64()),
        _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-320, 309)),
    };
}
