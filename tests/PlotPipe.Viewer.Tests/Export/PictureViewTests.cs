using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>
/// Pictures are drawn from the views the query stage gives a page of the picture's size: what they show is checked
/// against the stored points themselves, never against the query's own answer.
/// </summary>
public sealed class PictureViewTests
{
    private const int WidthPx = 800, HeightPx = 600;

    [Fact]
    public void A_picture_of_a_large_line_keeps_each_pixel_column_s_lowest_and_highest_stored_point()
    {
        const int n = 2_000_000;
        var xs = new double[n];
        var ys = new double[n];
        var random = new Random(11);
        for (int i = 0; i < n; i++)
        {
            xs[i] = i * 0.5;
            ys[i] = Math.Sin(i / 20_000.0) + 0.2 * random.NextDouble() + (i % 77_777 == 5 ? 3 : 0) - (i % 91_111 == 7 ? 3 : 0);
            if (i % 250_000 == 100) ys[i] = double.NaN;
        }
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "r-")).Append(xs, ys);

        var figure = PictureExporter.Render(store, WidthPx, HeightPx);
        var drawn = Drawn(figure.Panels[0].Plot);

        // Columns as the page's M4 takes them: the data's x range over the picture's width.
        double origin = xs[0], scale = WidthPx / (xs[^1] - xs[0]);
        int Column(double x) => (int)Math.Min((x - origin) * scale, WidthPx - 1);
        var want = Extremes(xs, ys, Column);
        var got = Extremes(drawn.Select(p => p.X).ToArray(), drawn.Select(p => p.Y).ToArray(), Column);
        for (int c = 0; c < WidthPx; c++)
            Assert.True(want[c] == got[c], $"column {c}: stored points span {want[c]}, the picture draws {got[c]}");
        // Every point drawn is a stored point.
        foreach (var p in drawn) Assert.Equal(ys[(int)(p.X * 2)], p.Y);

        // And the PNG's red ink reaches the rows and columns of the highest, lowest, first and last point.
        var panel = figure.Panels[0];
        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        var ink = RedInk(bitmap, panel.DataRect);
        var limits = panel.Plot.Axes.GetLimits();
        double Row(double y) => panel.DataRect.Top + (limits.Top - y) / (limits.Top - limits.Bottom) * panel.DataRect.Height;
        double Col(double x) => panel.DataRect.Left + (x - limits.Left) / (limits.Right - limits.Left) * panel.DataRect.Width;
        var finite = ys.Where(double.IsFinite).ToArray();
        Assert.InRange(ink.Top, Row(finite.Max()) - 2, Row(finite.Max()) + 2);
        Assert.InRange(ink.Bottom, Row(finite.Min()) - 2, Row(finite.Min()) + 2);
        Assert.InRange(ink.Left, Col(xs[0]) - 2, Col(xs[0]) + 2);
        Assert.InRange(ink.Right, Col(xs[^1]) - 2, Col(xs[^1]) + 2);
    }

    [Fact]
    public void A_picture_of_a_huge_scatter_puts_its_outermost_markers_on_the_outermost_stored_points()
    {
        const int n = 1_000_000;
        var random = new Random(12);
        var xs = new double[n + 4];
        var ys = new double[n + 4];
        for (int i = 0; i < n; i++)
        {
            xs[i] = random.NextDouble();
            ys[i] = random.NextDouble();
        }
        // Lone points beyond the cloud on every side: each is the extreme of its axis.
        (xs[n], ys[n]) = (-0.5, 0.3);
        (xs[n + 1], ys[n + 1]) = (1.5, 0.6);
        (xs[n + 2], ys[n + 2]) = (0.2, -0.5);
        (xs[n + 3], ys[n + 3]) = (0.7, 1.5);
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "cloud", "ro")).Append(xs, ys);

        var figure = PictureExporter.Render(store, WidthPx, HeightPx);
        var plot = figure.Panels[0].Plot;
        var drawn = Drawn(plot);
        // The cloud fills about a quarter of the data area, its 4-px cells nearly all.
        Assert.InRange(drawn.Count, 5_000, 200 * 150 / 4);
        // The density behind the markers has a cell per pixel of the picture's size: each lone point's marker sits
        // within half a cell of it.
        var limits = plot.Axes.GetLimits();
        double halfX = (limits.Right - limits.Left) / WidthPx / 2 * 1.0001, halfY = (limits.Top - limits.Bottom) / HeightPx / 2 * 1.0001;
        Assert.InRange(drawn.Min(p => p.X), xs.Min() - halfX, xs.Min() + halfX);
        Assert.InRange(drawn.Max(p => p.X), xs.Max() - halfX, xs.Max() + halfX);
        Assert.InRange(drawn.Min(p => p.Y), ys.Min() - halfY, ys.Min() + halfY);
        Assert.InRange(drawn.Max(p => p.Y), ys.Max() - halfY, ys.Max() + halfY);

        using var bitmap = SKBitmap.Decode(figure.PngBytes());
        var panel = figure.Panels[0];
        var ink = RedInk(bitmap, panel.DataRect);
        double Row(double y) => panel.DataRect.Top + (limits.Top - y) / (limits.Top - limits.Bottom) * panel.DataRect.Height;
        double Col(double x) => panel.DataRect.Left + (x - limits.Left) / (limits.Right - limits.Left) * panel.DataRect.Width;
        // A marker is 5 px across: its ink reaches about 3 px past its point.
        Assert.InRange(ink.Top, Row(ys.Max()) - 5, Row(ys.Max()) - 1);
        Assert.InRange(ink.Bottom, Row(ys.Min()) + 1, Row(ys.Min()) + 5);
        Assert.InRange(ink.Left, Col(xs.Min()) - 5, Col(xs.Min()) - 1);
        Assert.InRange(ink.Right, Col(xs.Max()) + 1, Col(xs.Max()) + 5);
    }

    [Fact]
    public async Task An_export_taken_while_points_stream_into_reused_chunks_draws_only_points_the_store_held()
    {
        var store = new PlotStore(maxPointsPerSeries: 65_536);
        var line = store.Define(new SeriesDefinition(0, SeriesKind.Line, "line", "r-"));
        var dots = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "dots", "bo"));
        line.ReuseAfterTicks = dots.ReuseAfterTicks = 0;
        static double F(double x) => x % 1000;
        long written = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            var xs = new double[1000];
            var ys = new double[1000];
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < xs.Length; i++)
                {
                    xs[i] = written + i;
                    ys[i] = F(xs[i]);
                }
                line.Append(xs, ys);
                dots.Append(xs, ys);
                Volatile.Write(ref written, written + xs.Length);
            }
        });
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref written) < 200_000 && DateTime.UtcNow < deadline) Thread.Yield();
            Assert.True(Volatile.Read(ref written) >= 200_000, "the writer did not start");
            for (int round = 0; round < 30; round++)
            {
                var plot = PictureExporter.Render(store, 400, 300).Panels[0].Plot;
                // The x range is fitted to the points held when the picture was taken, 2 % wider each side for the
                // scatter: a point of a chunk filled again while it was read would lie beyond that last point.
                var limits = plot.Axes.GetLimits();
                double pad = 0.02 * (limits.Right - limits.Left) / 1.04, first = limits.Left + pad, last = limits.Right - pad;
                foreach (var p in Drawn(plot))
                {
                    Assert.True(p.X >= first - 0.5 && p.X <= last + 0.5 && p.Y == F(p.X) && p.X == Math.Floor(p.X),
                        $"round {round}: ({p.X}, {p.Y}) is not a point the store held when the picture was taken (x {first}..{last})");
                }
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
    }

    [Fact]
    public void Series_the_export_hides_are_neither_drawn_nor_listed()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "kept", "b-")).Append([0, 1, 2], [1, 2, 3]);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "hidden", "r-")).Append([0, 1, 2], [100, 200, 300]);
        var figure = PictureExporter.Render(store, WidthPx, HeightPx, hidden: [1]);
        var drawn = Drawn(figure.Panels[0].Plot);
        Assert.Equal([1.0, 2, 3], drawn.Select(p => p.Y).Order());
        Assert.Equal(["kept"], figure.Legend.Rows.Select(r => r.Text));
        // y is fitted to what is shown.
        Assert.True(figure.Panels[0].Plot.Axes.GetLimits().Top < 100);
    }

    private static List<Coordinates> Drawn(Plot plot) =>
        plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().SelectMany(s => s.Data.GetScatterPoints())
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();

    // The lowest and highest y per column, as text so a column without points compares too.
    private static string[] Extremes(double[] xs, double[] ys, Func<double, int> column)
    {
        var lo = Enumerable.Repeat(double.PositiveInfinity, WidthPx).ToArray();
        var hi = Enumerable.Repeat(double.NegativeInfinity, WidthPx).ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(ys[i])) continue;
            int c = column(xs[i]);
            lo[c] = Math.Min(lo[c], ys[i]);
            hi[c] = Math.Max(hi[c], ys[i]);
        }
        return [.. lo.Zip(hi, (a, b) => a <= b ? $"{a:R}..{b:R}" : "none")];
    }

    // The box of the strong red pixels inside the data area.
    private static (int Left, int Top, int Right, int Bottom) RedInk(SKBitmap bitmap, PixelRect data)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = (int)data.Top; y <= (int)data.Bottom && y < bitmap.Height; y++)
        for (int x = (int)data.Left; x <= (int)data.Right && x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (!(c.Red > 200 && c.Green < 110 && c.Blue < 110)) continue;
            left = Math.Min(left, x);
            right = Math.Max(right, x);
            top = Math.Min(top, y);
            bottom = Math.Max(bottom, y);
        }
        Assert.True(right >= 0, "no red ink in the data area");
        return (left, top, right, bottom);
    }
}
