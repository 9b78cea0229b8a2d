using System.Globalization;
using System.Text;
using PlotPipe.Viewer.Tests.Support;
using Xunit;
using static PlotPipe.Viewer.Tests.Derive.DeriveCheck;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary><c>--derive</c> in the real viewer process: the derived series' exact points, its listing, its refusal.</summary>
public sealed class DeriveViewerTests
{
    // A loss falling from 2 with noise up to 0.1, at uneven steps.
    private static (double[] X, double[] Y) Loss(int n) => DeriveCheck.Loss(n, seed: 7, top: 2, noise: 0.1);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Ema_and_rate_series_hold_the_documented_values_of_every_point_exactly()
    {
        const int n = 5000;
        var (xs, ys) = Loss(n);
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--max-points", "4096", "--derive", "s = ema(loss, 0.9)", "--derive", "r = rate(loss)");
        var text = new StringBuilder("step,loss\n");
        for (int i = 0; i < n; i++) text.Append(R(xs[i])).Append(',').Append(R(ys[i])).Append('\n');
        await viewer.WriteAsync(text.ToString());
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");

        // docs/markers-alerts-derived.md#functions: m_i = w·m_(i−1) + (1 − w)·y_i from m_0 = 0, p_i = w·p_(i−1) from p_0 = 1, ema_i = m_i / (1 − p_i).
        double m = 0, p = 1;
        var ema = new double[n];
        for (int i = 0; i < n; i++)
        {
            m = m * 0.9 + (1 - 0.9) * ys[i];
            p *= 0.9;
            ema[i] = m / (1 - p);
        }
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        // Derived from every point received, though the store keeps the last 4,096 to 5,120 of each (chunks of 1,024).
        Assert.Equal(series["loss"].GetProperty("count").GetInt64(), series["s"].GetProperty("count").GetInt64());
        Assert.True(series["s"].GetProperty("derived").GetBoolean());
        Assert.Equal("ema(loss, 0.9)", series["s"].GetProperty("expression").GetString());
        Assert.False(series["loss"].GetProperty("derived").GetBoolean());
        var smoothed = await ExportAsync(viewer, "s");
        int first = n - smoothed.Count;
        Assert.True(smoothed.Count >= 4096, $"{smoothed.Count} points kept");
        for (int k = 0; k < smoothed.Count; k++) Assert.Equal((xs[first + k], ema[first + k]), smoothed[k]);

        // rate has no point for the first: n − 1 points, each (y_i − y_(i−1)) / (x_i − x_(i−1)) at x_i.
        var rate = await ExportAsync(viewer, "r");
        Assert.Equal(series["r"].GetProperty("count").GetInt64(), rate.Count);
        first = n - rate.Count;
        for (int k = 0; k < rate.Count; k++)
        {
            int i = first + k;
            Assert.Equal((xs[i], (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])), rate[k]);
        }
    }

    [Fact]
    public async Task Every_point_is_derived_when_nothing_is_capped()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--derive", "s = ema(loss, 0.9)", "--derive", "r = rate(loss)", "--derive", "top = max(loss, 3)");
        await viewer.WriteAsync("step,loss\n1,4\n2,1\n3,2\n4,8\n5,0\n");
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        // The first values are debiased as TensorBoard's are: the first equals the first loss, not a tenth of it.
        double m = 0, p = 1;
        var ema = new List<double>();
        foreach (var y in new double[] { 4, 1, 2, 8, 0 })
        {
            m = m * 0.9 + (1 - 0.9) * y;
            p *= 0.9;
            ema.Add(m / (1 - p));
        }
        Assert.Equal(4.0, ema[0]);
        Assert.Equal(ema, (await ExportAsync(viewer, "s")).Select(q => q.Y));
        Assert.Equal(4, await viewer.CountAsync("r"));
        Assert.Equal([4.0, 4, 4, 8, 8], (await ExportAsync(viewer, "top")).Select(p => p.Y));
    }

    [Fact]
    public async Task A_smoothing_of_one_series_names_it_and_draws_it_faint_under_the_smoothed_curve_in_pictures()
    {
        var (xs, ys) = Loss(3000);
        var csv = new StringBuilder("step,loss\n");
        for (int i = 0; i < xs.Length; i++) csv.Append(R(xs[i])).Append(',').Append(R(ys[i])).Append('\n');
        var dir = Directory.CreateTempSubdirectory("plotpipe-smooths-");
        try
        {
            int Opaque(string png, string css)
            {
                // Pixels of exactly the loss' own colour: a faint line has none.
                var c = SkiaSharp.SKColor.Parse(css);
                using var bitmap = SkiaSharp.SKBitmap.Decode(png);
                int n = 0;
                for (int y = 0; y < bitmap.Height; y++)
                    for (int x = 0; x < bitmap.Width; x++)
                        if (bitmap.GetPixel(x, y) == c) n++;
                return n;
            }
            string plain = Path.Combine(dir.FullName, "plain.png"), smoothed = Path.Combine(dir.FullName, "smoothed.png");
            string color;
            // A viewer that exits when its input ends saves its picture first.
            using (var viewer = await CommandLineViewer.StartAsync("--stdin", "--png", plain, "--exit-on-finish", "--derive", "twice = loss * 2"))
            {
                await viewer.WriteAsync(csv.ToString());
                await viewer.WaitForAsync(async () => await viewer.CountAsync("twice") == xs.Length, "every point derived");
                var rows = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
                color = rows.Single(r => r.GetProperty("name").GetString() == "loss").GetProperty("color").GetString()!;
                Assert.All(rows, r => Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("smooths").ValueKind));
                viewer.CloseInput();
                Assert.Equal(0, await viewer.WaitForExitAsync());
            }
            using (var viewer = await CommandLineViewer.StartAsync("--stdin", "--png", smoothed, "--exit-on-finish", "--derive", "s = ema(loss, 0.9)", "--derive", "m = mean(loss, 20)", "--derive", "r = rate(loss)"))
            {
                await viewer.WriteAsync(csv.ToString());
                await viewer.WaitForAsync(async () => await viewer.CountAsync("m") == xs.Length, "every point derived");
                var smooths = (await viewer.GetAsync("api/series")).EnumerateArray()
                    .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("smooths").ValueKind == System.Text.Json.JsonValueKind.Null ? null : r.GetProperty("smooths").GetString());
                Assert.Equal(new Dictionary<string, string?> { ["loss"] = null, ["s"] = "loss", ["m"] = "loss", ["r"] = null }, smooths);
                viewer.CloseInput();
                Assert.Equal(0, await viewer.WaitForExitAsync());
            }
            Assert.True(Opaque(plain, color) > 100, "the loss is drawn in its own colour without a smoothing");
            Assert.True(Opaque(smoothed, color) < 10, "the loss is drawn faint under its smoothing");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_recording_keeps_the_received_points_and_the_rule_and_opening_it_shows_the_derived_series_again()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-derive-");
        try
        {
            var file = Path.Combine(dir.FullName, "run.arrow");
            using (var viewer = await CommandLineViewer.StartAsync("--stdin", "--record", file, "--derive", "twice = loss * 2", "--exit-on-finish"))
            {
                await viewer.WriteAsync("step,loss\n1,4\n2,1\n");
                viewer.CloseInput();
                Assert.Equal(0, await viewer.WaitForExitAsync());
            }
            // What was received, as received; the rule as a definition, not as points.
            await using (var read = File.OpenRead(file))
            {
                var reader = new PlotPipe.Viewer.Recording.RecordingReader(read);
                while (reader.Next())
                {
                }
                Assert.Equal(["loss"], reader.Labels);
                Assert.Equal(["loss"], reader.Plot!.Series.Select(s => s.Name));
                Assert.Equal([new PlotPipe.Viewer.Recording.RecordedRule("twice", "loss * 2")], reader.Plot.Derived!);
            }
            using var opened = await CommandLineViewer.StartAsync(file);
            await opened.WaitForStateAsync("finished");
            var series = (await opened.GetAsync("api/series")).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
            Assert.Equal(["loss", "twice"], series.Keys.Order());
            Assert.True(series["twice"].GetProperty("derived").GetBoolean());
            Assert.Equal([(1.0, 8.0), (2.0, 2.0)], await ExportAsync(opened, "twice"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_expression_is_refused_at_start_in_one_line_naming_it_and_the_position()
    {
        var (exit, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--derive", "s = ema(loss, 0.9", "--derive", "ok = rate(loss)");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("plotpipe: --derive \"s = ema(loss, 0.9\": at position 18: expected ) to close ema( but the expression ends", errors);
    }
}
