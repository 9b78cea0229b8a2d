using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using ScottPlot;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>
/// The same plot on the page (headless Chromium, in UTC) and in the picture: the same title, panel titles, axis
/// names, legend rows, ranges, and tick labels wherever the axis spans the same pixels. Both pictures are kept in
/// artifacts/look to be looked at side by side.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageAndPictureTests(BrowserFixture browser)
{
    private static readonly double T0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>The Training sample, a text stream with time on x, the demo's scatter, and the mixed step and time panels.</summary>
    public static TheoryData<string> Plots => ["training", "text-time", "scatter", "mixed"];

    [Theory]
    [MemberData(nameof(Plots))]
    public async Task The_picture_shows_the_title_names_legend_ranges_and_tick_labels_the_page_shows(string name)
    {
        var (input, args, text) = Input(name);
        var dir = Path.Combine(BrowserFixture.ArtifactsDir, "look");
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, $"{name}-picture.png");
        File.Delete(png);
        using var viewer = await ViewerProcess.StartAsync([.. args, "--png", png]);
        await viewer.Input.WriteAsync(input);
        await viewer.Input.FlushAsync();
        viewer.CloseInput();

        var page = await browser.NewPageAsync(1280, 860, timeZone: "UTC");
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.state === 'finished' && p.panels.length > 0 && p.panels.every(q => q.drawn > 0) && !p.follow");
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}-page.png") });
        await Http.WaitForAsync(() => File.Exists(png) && new FileInfo(png).Length > 0, "the viewer's picture");

        // The same bytes through the same ingest, in this process, drawn as the viewer drew its picture.
        var store = new PlotStore();
        await InputIngest.RunAsync(PipeReader.Create(new MemoryStream(input)), store, text, _ => { }, CancellationToken.None, "stdin");
        var figure = PictureExporter.Render(store, Figure.DefaultWidthPx);

        var state = await StateAsync(page);
        Assert.Equal(state.GetProperty("title") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null, figure.Title);
        var legend = await page.EvalOnSelectorAllAsync<string[]>("#legend li .name", "els => els.map(e => e.textContent)");
        Assert.Equal(legend, figure.Legend.Rows.Select(r => r.Text));

        var panels = state.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, figure.Panels.Count);
        for (int i = 0; i < panels.Count; i++)
        {
            var shown = panels[i];
            var drawn = figure.Panels[i];
            string what = $"{name}, panel {i}";
            Assert.Equal(shown.GetProperty("id").GetInt32(), drawn.Definition.Id);
            Assert.Equal(shown.GetProperty("title").ValueKind == JsonValueKind.String ? shown.GetProperty("title").GetString() : null, drawn.Title);
            var names = shown.GetProperty("axisNames");
            string? xName = names[0].ValueKind == JsonValueKind.String ? names[0].GetString() : null;
            bool time = shown.GetProperty("xKind").GetString() == "time";
            // A file has no time zone: the picture's time axis says UTC.
            Assert.Equal(time ? (xName is null ? "time (UTC)" : $"{xName} (UTC)") : xName, drawn.XName);
            Assert.Equal(names[1].ValueKind == JsonValueKind.String ? names[1].GetString() : null, drawn.YName);
            Assert.Equal(shown.GetProperty("xKind").GetString(), drawn.Axes.X.ToString().ToLowerInvariant());
            Assert.Equal(shown.GetProperty("yKind").GetString(), drawn.Axes.Y.ToString().ToLowerInvariant());

            // The page's fit is the picture's fit.
            var limits = drawn.Plot.Axes.GetLimits();
            var (x0, x1) = Range(shown.GetProperty("xRange"));
            var (y0, y1) = Range(shown.GetProperty("yRange"));
            bool logY = drawn.Axes.Y == AxisKind.Log;
            Assert.Equal(x0, limits.Left, Math.Abs(x1 - x0) * 1e-9);
            Assert.Equal(x1, limits.Right, Math.Abs(x1 - x0) * 1e-9);
            Assert.Equal(y0, logY ? Math.Pow(10, limits.Bottom) : limits.Bottom, Math.Abs(y1 - y0) * 1e-9);
            Assert.Equal(y1, logY ? Math.Pow(10, limits.Top) : limits.Top, Math.Abs(y1 - y0) * 1e-9);

            // Over the pixels the page's axes span, the picture's rules put the same labels.
            Assert.Equal(Texts(shown.GetProperty("xTicks")), Labels(drawn.Plot.Axes.Bottom, shown.GetProperty("plotWidth").GetDouble()));
            Assert.Equal(Texts(shown.GetProperty("yTicks")), Labels(drawn.Plot.Axes.Left, shown.GetProperty("plotHeight").GetDouble()));
        }
        await page.Context.CloseAsync();
    }

    private static string[] Texts(JsonElement ticks) => ticks.EnumerateArray().Select(t => t.GetProperty("text").GetString()!).ToArray();

    private static string[] Labels(IAxis axis, double lengthPx)
    {
        using var paint = Paint.NewDisposablePaint();
        axis.TickGenerator.Regenerate(axis.Range.ToCoordinateRange, axis.Edge, (float)lengthPx, paint, axis.TickLabelStyle);
        return axis.TickGenerator.Ticks.Select(t => t.Label).Where(l => l.Length > 0).ToArray();
    }

    // The bytes a producer (or a program printing text) sends, the viewer's arguments, and the text options they give.
    private static (byte[] Input, string[] Args, TextOptions Text) Input(string name)
    {
        if (name == "text-time")
        {
            // What `date -Is` in a loop prints beside the load, every second for twenty minutes.
            var lines = new StringBuilder("time,load1,load5\n");
            for (int i = 0; i < 1_200; i++)
            {
                var at = DateTimeOffset.FromUnixTimeSeconds((long)T0 + i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                lines.Append(FormattableString.Invariant($"{at},{1.5 + Math.Sin(i / 90.0):0.00},{1.2 + 0.3 * Math.Sin(i / 300.0):0.00}\n"));
            }
            return (Encoding.UTF8.GetBytes(lines.ToString()), ["--x-time"], new TextOptions { XTime = true });
        }
        var w = new ArrayBufferWriter<byte>(1 << 20);
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, name == "scatter" ? "demo" : "trainer", "");
        if (name == "training")
        {
            // The Training sample's plot: loss on a log axis with its validation, accuracy, the learning rate.
            FrameWriter.WriteDefinePlot(w, [new(PlotProperties.Title, "Training")]);
            FrameWriter.WriteDefinePanel(w, 1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YLabel, "cross-entropy"), new(PlotProperties.YScale, "log")]);
            FrameWriter.WriteDefinePanel(w, 2, [new(PlotProperties.Title, "Accuracy"), new(PlotProperties.YLabel, "accuracy")]);
            FrameWriter.WriteDefinePanel(w, 3, [new(PlotProperties.Title, "Learning rate"), new(PlotProperties.YLabel, "learning rate"), new(PlotProperties.XLabel, "step")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train loss", "b-", 1, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "validation loss", "r.-", 1, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "validation accuracy", "g.-", 2, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 3, SeriesKind.Line, "learning rate", "k-", 3, SeriesFlags.None);
            var random = new Random(42);
            var (steps, loss) = Columns(3_000, 0, 1, s => 2.5 * Math.Pow(1e-4, s / 3_000) * Math.Exp(0.25 * (random.NextDouble() - 0.5)));
            var (evals, val) = Columns(60, 0, 50, s => 3 * Math.Pow(1e-4, 0.9 * s / 3_000));
            var (_, acc) = Columns(60, 0, 50, s => Math.Min(1, 1 - 0.9 * Math.Exp(-6 * s / 3_000)));
            var (_, lr) = Columns(3_000, 0, 1, s => s < 150 ? 1e-3 * s / 150 : 5e-4 * (1 + Math.Cos(Math.PI * (s - 150) / 2_850)));
            Points(w, 0, steps, loss);
            Points(w, 1, evals, val);
            Points(w, 2, evals, acc);
            Points(w, 3, steps, lr);
        }
        else if (name == "scatter")
        {
            // plotpipe demo's points: random, as dots.
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "samples", "ro", 0, SeriesFlags.None);
            var random = new Random(7);
            var (xs, ys) = Columns(200, 0, 1, _ => random.NextDouble());
            Points(w, 0, xs.Select(_ => random.NextDouble() * 10).ToArray(), ys);
        }
        else
        {
            // The plot model's example: a temperature against time on top, loss and accuracy against the step.
            FrameWriter.WriteDefinePlot(w, [new(PlotProperties.Title, "Training")]);
            FrameWriter.WriteDefinePanel(w, 1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YLabel, "cross-entropy"), new(PlotProperties.YScale, "log")]);
            FrameWriter.WriteDefinePanel(w, 2, [new(PlotProperties.Title, "Accuracy"), new(PlotProperties.YLabel, "accuracy"), new(PlotProperties.XLabel, "step")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train", "b-", 1, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "val", "g-", 2, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "temperature", "r-", 0, SeriesFlags.TimeX);
            var (steps, loss) = Columns(3_000, 0, 1, s => 2.5 * Math.Pow(10, -3.0 * s / 3_000));
            var (_, acc) = Columns(3_000, 0, 1, s => 1 - Math.Exp(-6.0 * s / 3_000) + 0.02 * Math.Sin(s / 20));
            var (times, temperature) = Columns(600, T0, 1, t => 21.5 + Math.Sin((t - T0) / 60));
            Points(w, 0, steps, loss);
            Points(w, 1, steps, acc);
            Points(w, 2, times, temperature);
        }
        FrameWriter.WriteFinish(w);
        return (w.WrittenSpan.ToArray(), [], new TextOptions());
    }
}
