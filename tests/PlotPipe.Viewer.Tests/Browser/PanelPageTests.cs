using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>Panels on the live page: titles, axis labels, log and time axes, linked x, and tick labels that never collide.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PanelPageTests(BrowserFixture browser)
{
    private const int Steps = 10_000;
    private const int BadLoss = 12;

    // Loss (log y) and accuracy share x; the learning rate keeps its own. A dozen loss values are 0: a log axis cannot show them.
    private static async Task TrainingAsync(ViewerProcess viewer)
    {
        await OpenAsync(viewer, "trainer");
        var (steps, loss) = Columns(Steps, 0, 1, s => 2.5 * Math.Exp(-s / 2000.0) + 0.01);
        for (int i = 0; i < BadLoss; i++) loss[100 + i * 500] = 0;
        var (_, acc) = Columns(Steps, 0, 1, s => 1 - Math.Exp(-s / 3000.0));
        var (_, lr) = Columns(Steps, 0, 1, s => 1e-3 * (1 + Math.Cos(s / Steps * Math.PI)) / 2);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePlot(w, [new("title", "Training")]);
            FrameWriter.WriteDefinePanel(w, 1, [new("title", "Loss"), new("ylabel", "cross-entropy"), new("yscale", "log")]);
            FrameWriter.WriteDefinePanel(w, 2, [new("title", "Accuracy"), new("ylabel", "accuracy"), new("xlabel", "step")]);
            FrameWriter.WriteDefinePanel(w, 3, [new("title", "Learning rate"), new("ylabel", "lr"), new("linkx", "false")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "train loss", "b-", 1, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "val accuracy", "g--", 2, SeriesFlags.None);
            FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "learning rate", "r-", 3, SeriesFlags.None);
            Points(w, 0, steps, loss);
            Points(w, 1, steps, acc);
            Points(w, 2, steps, lr);
            FrameWriter.WriteFinish(w);
        });
    }

    // The training stream's page: the stream has ended, so it opens whole, in every panel.
    private async Task<IPage> FittedTrainingPageAsync(ViewerProcess viewer)
    {
        await TrainingAsync(viewer);
        var page = await browser.NewPageAsync(1280, 900);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, $"p => p.panels.length === 3 && p.panels.every(q => q.drawn > 0) && p.status.state === 'finished' && !p.follow && p.panels.every(q => q.xRange[0] === 0 && q.xRange[1] === {Steps - 1}) && p.panels[0].yRange[1] > 2.5");
        return page;
    }

    [Fact]
    public async Task Three_panels_show_titles_labels_a_log_loss_axis_and_zoom_x_together_except_the_unlinked_one()
    {
        using var viewer = await ViewerProcess.StartAsync();
        var page = await FittedTrainingPageAsync(viewer);
        var state = await StateAsync(page);
        var panels = state.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(["Loss", "Accuracy", "Learning rate"], panels.Select(p => p.GetProperty("title").GetString()));
        Assert.Equal(["cross-entropy", "accuracy", "lr"], panels.Select(p => p.GetProperty("ylabel").GetString()));
        Assert.Equal("step", panels[1].GetProperty("xlabel").GetString());
        // Defined panels show only the labels given: no "x" placeholder where none was.
        Assert.Equal([null, "cross-entropy"], panels[0].GetProperty("axisNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["log", "linear", "linear"], panels.Select(p => p.GetProperty("yScale").GetString()));
        Assert.Equal([true, true, false], panels.Select(p => p.GetProperty("linkX").GetBoolean()));
        Assert.Equal("Training — finished", await page.TitleAsync());
        Assert.Equal("Training", await page.TextContentAsync("#title"));

        // The log axis: a positive range, ticks at 1-2-5 steps of powers of ten, and the zeros counted, not drawn.
        var (lo, hi) = Range(panels[0].GetProperty("yRange"));
        Assert.True(lo > 0 && lo < 0.0268 && hi > 2.5 && hi < 4, $"loss y range {lo}..{hi}");
        var lossTicks = panels[0].GetProperty("yTicks").EnumerateArray().Select(t => t.GetProperty("text").GetString()).ToList();
        Assert.Contains("0.1", lossTicks);
        Assert.Contains("1", lossTicks);
        foreach (var p in panels)
        {
            AssertTicksApart(p.GetProperty("xTicks"), horizontal: true, 4, $"{p.GetProperty("title")} x");
            AssertTicksApart(p.GetProperty("yTicks"), horizontal: false, 0, $"{p.GetProperty("title")} y");
        }
        // Panels line up: one plot width for all, whatever their y labels need.
        Assert.Single(panels.Select(p => p.GetProperty("plotWidth").GetDouble()).Distinct());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "three-panels.png") });

        // A drag in the accuracy panel zooms x in the loss panel too; the learning rate keeps all of its x.
        await DragAcrossAsync(page, 2, 0.25, 0.5);
        await WaitAsync(page, "p => p.panels[1].xRange[1] < 6000 && p.panels[0].inView < 4000");
        var zoomed = (await StateAsync(page)).GetProperty("panels").EnumerateArray().ToList();
        var (z0, z1) = Range(zoomed[1].GetProperty("xRange"));
        Assert.InRange(z0, 2000, 3000);
        Assert.InRange(z1, 4500, 5500);
        Assert.Equal((z0, z1), Range(zoomed[0].GetProperty("xRange")));
        Assert.Equal((0.0, Steps - 1.0), Range(zoomed[2].GetProperty("xRange")));
        // The loss panel's view is the zoomed part: only its points were counted in view.
        Assert.InRange(zoomed[0].GetProperty("inView").GetDouble(), z1 - z0 - 2, z1 - z0 + 2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "three-panels-zoomed.png") });

        // A zoom in the unlinked panel moves only that panel.
        await DragAcrossAsync(page, 3, 0.5, 0.75);
        await WaitAsync(page, "p => p.panels[2].xRange[0] > 4000");
        var after = (await StateAsync(page)).GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal((z0, z1), Range(after[0].GetProperty("xRange")));
        Assert.Equal((z0, z1), Range(after[1].GetProperty("xRange")));
        var (u0, u1) = Range(after[2].GetProperty("xRange"));
        Assert.InRange(u0, 4500, 5500);
        Assert.InRange(u1, 7000, 8000);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Time_axis_ticks_are_dates_and_times_from_hours_down_to_fractions_of_seconds_and_never_overlap()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer, "sensor");
        // An hour of a sensor every half second, from 2026-11-26 12:00 UTC.
        double start = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var (xs, ys) = Columns(7200, start, 0.5, t => 21.5 + Math.Sin((t - start) / 300));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePlot(w, [new("title", "Sensor")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "temperature", "r.", 0, SeriesFlags.TimeX);
            Points(w, 0, xs, ys);
        });
        var page = await browser.NewPageAsync(1400, 700);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].time && p.panels[0].inView === 7200");

        var seen = new List<string>();
        foreach (int width in new[] { 1400, 900, 520 })
        {
            await page.SetViewportSizeAsync(width, 700);
            await WaitAsync(page, "(p, w) => p.panels[0].plotWidth < w - 200 && p.panels[0].xTicks.length >= 2", width);
            // Zoom in around the centre step by step: from the whole hour down to about a second, ticks a fifth of one apart.
            await page.Keyboard.PressAsync("Home");
            await WaitAsync(page, "p => p.panels[0].xRange[1] - p.panels[0].xRange[0] > 3500");
            for (int zoom = 0; zoom < 7; zoom++)
            {
                var p = (await StateAsync(page)).GetProperty("panels")[0];
                var (a, b) = Range(p.GetProperty("xRange"));
                AssertTicksApart(p.GetProperty("xTicks"), horizontal: true, 4, $"{width} px over {b - a:G4} s");
                foreach (var t in p.GetProperty("xTicks").EnumerateArray())
                {
                    var text = t.GetProperty("text").GetString()!;
                    Assert.Matches(@"^\d\d:\d\d(:\d\d(\.\d{1,3})?)?(\n[A-Z][a-z]{2} \d{1,2} \d{4})?$", text);
                    seen.Add(text);
                }
                if (zoom == 0 && width == 1400) await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "time-axis-hour.png") });
                for (int k = 0; k < 6; k++) await page.Keyboard.PressAsync("+");
                double span = (b - a) / Math.Pow(1.25, 6);
                await WaitAsync(page, "(p, s) => Math.abs((p.panels[0].xRange[1] - p.panels[0].xRange[0]) - s) < s * 1e-3", span);
            }
        }
        // The first label carries the date; deep zooms reach seconds and their fractions.
        Assert.Contains(seen, s => s.Contains("\nNov 26 2026", StringComparison.Ordinal));
        Assert.Contains(seen, s => System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d\d:\d\d:\d\d\.\d"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "time-axis.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ticks_near_ten_million_read_compact_and_never_overlap_at_any_width()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer);
        // x from 900,000 to 910,000 (the tail of 10^7 points zoomed in), y in the millions.
        var (xs, ys) = Columns(10_001, 900_000, 1, x => 1.2e6 + 3e5 * Math.Sin(x / 700));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "tail", "b.", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
        });
        var page = await browser.NewPageAsync(1400, 700);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn === 10001");
        foreach (int width in new[] { 1400, 1000, 640, 420 })
        {
            await page.SetViewportSizeAsync(width, 600);
            // Under 500 px the legend folds behind a button, so the plot takes the width less its y axis.
            await WaitAsync(page, "(p, w) => p.panels[0].plotWidth < w - (w < 500 ? 40 : 200) && p.panels[0].drawn === 10001", width);
            var p = (await StateAsync(page)).GetProperty("panels")[0];
            AssertTicksApart(p.GetProperty("xTicks"), horizontal: true, 4, $"x at {width} px");
            AssertTicksApart(p.GetProperty("yTicks"), horizontal: false, 0, $"y at {width} px");
            Assert.All(p.GetProperty("xTicks").EnumerateArray(), t => Assert.Matches(@"^\d{3}(\.\d+)?k$", t.GetProperty("text").GetString()));
            Assert.All(p.GetProperty("yTicks").EnumerateArray(), t => Assert.Matches(@"^\d(\.\d+)?M$", t.GetProperty("text").GetString()));
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "compact-ticks.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Log_panel_says_how_many_points_it_cannot_show()
    {
        using var viewer = await ViewerProcess.StartAsync();
        var page = await FittedTrainingPageAsync(viewer);
        await WaitAsync(page, $"p => p.panels[0].notShown === {BadLoss}");
        Assert.Equal($"{BadLoss} points ≤ 0 not shown", (await page.Locator("section.panel[data-panel=\"1\"] .not-shown").TextContentAsync())?.Trim());
        Assert.True(await page.Locator("section.panel[data-panel=\"1\"] .not-shown").IsVisibleAsync());
        Assert.False(await page.Locator("section.panel[data-panel=\"2\"] .not-shown").IsVisibleAsync());
        await AssertNoteAboveDataAsync(page, 1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_untitled_log_panel_shows_its_note_in_a_title_row_of_its_own_above_the_data()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer);
        var (xs, ys) = Columns(1_000, 0, 1, x => 1e6 * (1 + x));
        ys[10] = 0;
        ys[20] = -5;
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePanel(w, 1, [new("yscale", "log")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "free", "r-", 1, SeriesFlags.None);
            Points(w, 0, xs, ys);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1000, 600);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].notShown === 2");
        Assert.Equal("2 points ≤ 0 not shown", (await page.Locator("section.panel .not-shown").TextContentAsync())?.Trim());
        await AssertNoteAboveDataAsync(page, 1);
        // The chart gave the row its height: it still ends inside its panel.
        Assert.True(await page.EvaluateAsync<bool>("() => { const s = document.querySelector('section.panel').getBoundingClientRect(), c = document.querySelector('section.panel .uplot').getBoundingClientRect(); return c.bottom <= s.bottom + 0.5; }"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "untitled-log-note.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_x_axis_of_line_numbers_is_ticked_on_whole_lines_and_a_zoom_between_two_of_them_is_ticked_as_usual()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await OpenAsync(viewer);
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "us", "b-", 0, SeriesFlags.None);
            Points(w, 0, [3, 4, 5, 6, 7, 8], [50, 0, 0, 0, 0, 1]);
            FrameWriter.WriteFinish(w);
        });
        var page = await browser.NewPageAsync(1000, 600);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].drawn === 6");
        var ticks = (await StateAsync(page)).GetProperty("panels")[0].GetProperty("xTicks").EnumerateArray().Select(t => t.GetProperty("text").GetString()).ToList();
        Assert.Equal(["3", "4", "5", "6", "7", "8"], ticks);
        // Between two lines there is no whole number to tick twice: the usual steps come back.
        await DragAcrossAsync(page, 0, 0.3, 0.45);
        await WaitAsync(page, "p => p.panels[0].xRange[1] - p.panels[0].xRange[0] < 1 && p.panels[0].xTicks.length >= 2");
        var zoomed = (await StateAsync(page)).GetProperty("panels")[0].GetProperty("xTicks").EnumerateArray().Select(t => t.GetProperty("text").GetString()).ToList();
        Assert.Contains(zoomed, t => t!.Contains('.'));
        await page.Context.CloseAsync();
    }

    // The note sits in the panel's title row, right-aligned, wholly above the data area (not over its top line).
    private static async Task AssertNoteAboveDataAsync(IPage page, int panel)
    {
        var box = await page.EvaluateAsync<double[]>($$"""
            () => {
              const s = document.querySelector('section.panel[data-panel="{{panel}}"]');
              const n = s.querySelector('.not-shown').getBoundingClientRect(), d = s.querySelector('.u-over').getBoundingClientRect();
              return [n.bottom, d.top, n.right, d.right, n.width];
            }
            """);
        Assert.True(box[4] > 0, "the note has no width");
        Assert.True(box[0] <= box[1] + 0.5, $"the note's bottom {box[0]} is below the data area's top {box[1]}");
        Assert.InRange(box[2], box[3] - 260, box[3] + 10);
        // Beside a line panel's smoothing slider, not under it.
        Assert.True(await page.EvaluateAsync<bool>($$"""
            () => {
              const s = document.querySelector('section.panel[data-panel="{{panel}}"]'), slider = s.querySelector('.smooth');
              if (!slider) return true;
              const n = s.querySelector('.not-shown').getBoundingClientRect(), b = slider.getBoundingClientRect();
              return n.right <= b.left || n.bottom <= b.top || n.top >= b.bottom;
            }
            """), "the note overlaps the smoothing slider");
    }
}
