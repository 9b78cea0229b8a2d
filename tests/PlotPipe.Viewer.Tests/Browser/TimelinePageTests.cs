using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Tests.Recording;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>
/// The page's timeline of an opened recording (play, pause, seek, speed) and baselines drawn under a live run, on
/// the real viewer in real Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TimelinePageTests(BrowserFixture browser) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-timeline-page-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_opened_recording_pauses_seeks_to_the_middle_and_resumes_with_the_counts_following_the_slider()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 40);
        long start = TimedRecording.Batches(path)[0].Micros;
        using var viewer = await CommandLineViewer.StartAsync(path);
        var page = await browser.NewPageAsync();
        var problems = ConsoleProblems.Watch(page);
        await page.GotoAsync(viewer.Url.ToString());
        // Opened whole, with the timeline at its end.
        await WaitAsync(page, "p => p.timeline && p.timeline.lengthSeconds > 0 && p.timeline.headSeconds === p.timeline.lengthSeconds && p.status.points === 4000 && p.status.state === 'finished'");
        Assert.True(await page.IsVisibleAsync("#timeline"));
        Assert.False((await viewer.GetAsync("api/timeline")).GetProperty("atOnce").GetBoolean());

        await page.SelectOptionAsync("#timeline-speed", "0.1");
        await WaitAsync(page, "p => p.timeline.speed === 0.1");
        await page.ClickAsync("#timeline-play");
        // At the end, play starts again from the start.
        await WaitAsync(page, "p => p.timeline.playing && p.timeline.headSeconds < p.timeline.lengthSeconds");
        await page.ClickAsync("#timeline-play");
        await WaitAsync(page, "p => !p.timeline.playing");

        // A click in the slider's middle seeks there, as a user would.
        await page.ClickAsync("#timeline-slider");
        await WaitAsync(page, "p => !p.timeline.playing && Math.abs(p.timeline.headSeconds - p.timeline.lengthSeconds / 2) < p.timeline.lengthSeconds / 5");
        var timeline = (await StateAsync(page)).GetProperty("timeline");
        double head = timeline.GetProperty("headSeconds").GetDouble();
        long expected = TimedRecording.ReceivedBy(path, start + (long)Math.Round(head * 1e6));
        Assert.InRange(expected, 1_000, 3_000);
        await WaitAsync(page, "(p, n) => p.status.points === n", expected);
        Assert.Contains($"{expected.ToString("N0", CultureInfo.InvariantCulture)} points", await page.TextContentAsync("#status"));
        // Paused, the status says so instead of a rate.
        await WaitAsync(page, "() => document.getElementById('status').textContent.startsWith('paused · ')");
        Assert.DoesNotContain("points/s", await page.TextContentAsync("#status"));
        Assert.Equal(expected, (await viewer.GetAsync("api/status")).GetProperty("points").GetInt64());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "timeline-light.png") });
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "timeline-dark.png") });

        // Resumed, it plays on from the middle to the end.
        await page.SelectOptionAsync("#timeline-speed", "10");
        await page.ClickAsync("#timeline-play");
        await WaitAsync(page, "(p, h) => p.timeline.headSeconds > h", head);
        await WaitAsync(page, "p => !p.timeline.playing && p.timeline.headSeconds === p.timeline.lengthSeconds && p.status.points === 4000 && p.status.state === 'finished'");
        await page.Context.CloseAsync();
        problems.AssertNone();
    }

    [Fact]
    public async Task Replay_into_a_fresh_viewer_waits_for_a_page_with_no_browser_then_plays_to_the_end()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 20);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { PlotPipeCli.CliDll, "replay", path, "--no-browser", "--speed", "2", "--port", "0" }) info.ArgumentList.Add(a);
        using var replay = Process.Start(info)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            while ((line = await replay.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            var url = new Uri(line["PlotPipe viewer: ".Length..]);
            using var http = new HttpClient { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Uri.UnescapeDataString(url.Query.Split("token=")[1]));
            // No page yet: the head stays at the start and nothing is shown as received.
            var before = JsonDocument.Parse(await http.GetStringAsync("api/timeline")).RootElement;
            Assert.Equal(0, before.GetProperty("headSeconds").GetDouble());
            Assert.False(before.GetProperty("playing").GetBoolean());
            Assert.Equal(2_000, before.GetProperty("totalPoints").GetInt64());
            Assert.Equal(0, JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement.GetProperty("points").GetInt64());

            var page = await browser.NewPageAsync();
            await page.GotoAsync(url.ToString());
            await WaitAsync(page, "p => p.timeline && !p.timeline.playing && p.timeline.headSeconds === p.timeline.lengthSeconds && p.status.points === 2000 && p.status.state === 'finished'");
            await page.Context.CloseAsync();
        }
        finally
        {
            replay.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Replay_to_a_listening_viewer_waits_for_its_page_before_the_first_point()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 10);
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { PlotPipeCli.CliDll, "replay", path, "--speed", "max", "--to", $"127.0.0.1:{viewer.ProducerPort}", "--wait-for-page", viewer.Url.ToString() }) info.ArgumentList.Add(a);
        info.Environment["PLOTPIPE_TOKEN"] = viewer.Token;
        using var replay = Process.Start(info)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            while ((line = await replay.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("Waiting for a page", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            // Connected and waiting: nothing streamed yet.
            var status = await viewer.GetAsync("api/status");
            Assert.Equal(0, status.GetProperty("points").GetInt64());
            Assert.Equal(0, status.GetProperty("pages").GetInt32());

            var page = await browser.NewPageAsync();
            await page.GotoAsync(viewer.Url.ToString());
            await WaitAsync(page, "p => p.status.points === 1000 && p.status.pages === 1");
            await replay.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, replay.ExitCode);
            await page.Context.CloseAsync();
        }
        finally
        {
            if (!replay.HasExited) replay.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_recording_paused_after_a_seek_back_is_shown_whole_up_to_the_head_not_followed()
    {
        // Lines only: a live stream of them is followed, so only the pause can keep the page from following.
        var path = Path.Combine(_dir, "lines.arrow");
        await TimedRecording.WriteAsync(path, batches: 40, lineOnly: true);
        using var viewer = await CommandLineViewer.StartAsync(path);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.timeline && p.status.state === 'finished' && p.status.points === 4000 && !p.follow && p.xRange[0] === 0 && p.xRange[1] === 3999");

        // A click in the slider's middle seeks back there, paused: the plot is the run as it was then, all of it.
        await page.ClickAsync("#timeline-slider");
        await WaitAsync(page, "p => !p.timeline.playing && p.status.state === 'streaming' && p.status.points < 4000");
        await WaitAsync(page, "p => !p.follow && p.xRange[0] === 0 && p.xRange[1] === p.status.points - 1");
        Assert.False(await page.IsCheckedAsync("#follow"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_recording_received_at_once_says_so_on_its_timeline_instead_of_offering_nothing_to_play()
    {
        var path = Path.Combine(_dir, "at-once.arrow");
        await TimedRecording.WriteTwoRunsAsync(path);
        using var viewer = await CommandLineViewer.StartAsync(path);
        var page = await browser.NewPageAsync();
        var problems = ConsoleProblems.Watch(page);
        await page.GotoAsync(viewer.Url.ToString());
        // The opening line on the error output says the same as the page.
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains($"opened {path}: 10 points, received at once: nothing to replay")), "the opening line");
        await WaitAsync(page, "p => p.timeline && p.status.state === 'finished' && p.status.points === 10");
        Assert.True(await page.IsVisibleAsync("#timeline"));
        Assert.Equal("Received at once: nothing to replay", await page.TextContentAsync("#timeline .timeline-label"));
        foreach (var control in new[] { "#timeline-play", "#timeline-slider", "#timeline-speed", "#timeline .timeline-at" })
            Assert.False(await page.IsVisibleAsync(control), control);
        // The viewer decides it, and the page follows.
        Assert.True((await viewer.GetAsync("api/timeline")).GetProperty("atOnce").GetBoolean());
        // Space does not start a replay of nothing.
        await page.Keyboard.PressAsync("Space");
        Assert.False((await viewer.GetAsync("api/timeline")).GetProperty("playing").GetBoolean());
        await page.Context.CloseAsync();
        problems.AssertNone();
    }

    [Fact]
    public async Task A_baseline_is_listed_with_its_recorded_counts_drawn_muted_under_the_live_run_and_aligned_on_its_start()
    {
        var path = Path.Combine(_dir, "monday.arrow");
        await TimedRecording.WriteAsync(path, batches: 6, x0: 1_700_000_000, timeX: true);
        var recorded = Path.Combine(_dir, "today.arrow");
        using (var viewer = await ViewerProcess.StartAsync("--baseline", path, "--record", recorded))
        {
            await OpenAsync(viewer, "today");
            var (xs, ys) = Columns(500, 1_800_000_000, 1, x => Math.Cos((x - 1_800_000_000) / 40));
            await SendAsync(viewer, w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "live", "g-", 0, SeriesFlags.TimeX);
                Points(w, 0, xs, ys);
            });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(viewer.Url.ToString());
            await WaitAsync(page, "p => p.status.points === 500 && p.baselines && p.baselines.length === 1 && p.baselines[0].offsetSeconds === 100000000 && p.drawn > 0");
            var state = await StateAsync(page);
            // Loaded before the live run came, the baseline is listed (and drawn) first.
            Assert.Equal("signal=300 baseline of monday.arrow;marks=300 baseline of monday.arrow;live=500", string.Join(";", state.GetProperty("series").EnumerateArray().Select(s =>
                $"{s.GetProperty("name").GetString()}={s.GetProperty("count").GetInt64()}{(s.TryGetProperty("baseline", out var b) && b.GetBoolean() ? $" baseline of {s.GetProperty("producer").GetString()}" : "")}")));
            // Its run's header says baseline once, for both its series.
            Assert.Equal(1, await page.Locator("#legend li.producer .baseline-tag").CountAsync());
            Assert.Equal(1, await page.Locator("#legend .baseline-tag").CountAsync());
            Assert.Equal(1, await page.Locator("#baseline-list li").CountAsync());
            // Aligned: the baseline's 600 s and the live run's 500 s start together, so the whole plot spans 600 s from the live start.
            var x = Range(state.GetProperty("panels")[0].GetProperty("xRange"));
            Assert.InRange(x.Min, 1_800_000_000 - 20, 1_800_000_000);
            Assert.InRange(x.Max, 1_800_000_599, 1_800_000_599 + 20);
            var series = await Http.GetJsonAsync(viewer, "api/series");
            Assert.Equal("signal:True;marks:True;live:False", string.Join(";", series.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}:{s.GetProperty("baseline").GetBoolean()}")));
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-light.png") });
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-dark.png") });

            // The offset typed on the page moves it.
            await page.FillAsync(".baseline-offset", "99999700");
            await page.Keyboard.PressAsync("Tab");
            await WaitAsync(page, "p => p.baselines[0].offsetSeconds === 99999700 && !p.baselines[0].auto");
            await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("recording").GetProperty("points").GetInt64() == 500, "the live points recorded");
            await page.Context.CloseAsync();
            await viewer.FinishAsync();
            await Http.WaitForStateAsync(viewer, "finished");
        }
        // --record kept what was received: the live run alone.
        var rows = new Dictionary<string, long>();
        await using (var file = File.OpenRead(recorded))
        {
            var reader = new RecordingReader(file);
            while (reader.Next())
            {
                foreach (int s in reader.Series.ToArray()) rows[reader.Labels[s]] = rows.GetValueOrDefault(reader.Labels[s]) + 1;
            }
        }
        Assert.Equal("live=500", string.Join(";", rows.Select(r => $"{r.Key}={r.Value}")));
    }

    [Fact]
    public async Task On_the_dark_theme_a_baseline_and_its_swatch_are_drawn_at_the_theme_s_opacity_at_least_2_to_1_from_the_background()
    {
        var path = Path.Combine(_dir, "monday.arrow");
        await TimedRecording.WriteAsync(path, batches: 4, lineOnly: true);
        using var viewer = await ViewerProcess.StartAsync("--baseline", path);
        await OpenAsync(viewer, "today");
        var (xs, ys) = Columns(400, 0, 1, x => Math.Cos(x / 40));
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "live", "g-", 0, SeriesFlags.None);
            Points(w, 0, xs, ys);
            FrameWriter.WriteFinish(w);
        });
        // Two device pixels to a CSS pixel: the swatch's 1.5 px line then covers whole device pixels, as the plot's does.
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 }, ColorScheme = ColorScheme.Dark, DeviceScaleFactor = 2 });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.state === 'finished' && p.baselines && p.baselines.length === 1 && p.drawn === 800");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-dark-opacity.png") });
        var rows = (await StateAsync(page)).GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        var signal = rows["signal"];
        Assert.Equal(PlotPipe.Viewer.Export.PicturePalette.Dark.BaselineOpacity, signal.GetProperty("opacity").GetDouble(), 1e-6);
        Assert.Equal(1, rows["live"].GetProperty("opacity").GetDouble());

        // The live run hidden, the plot area holds the baseline's line alone.
        await page.Locator("#legend li[data-index]", new() { HasText = "live" }).ClickAsync();
        await WaitAsync(page, "p => p.hidden.length === 1 && p.drawn === 400");
        var area = await PlotAreaAsync(page, 0);
        // The colour of a line's fully covered pixels, in a box given in CSS pixels of the page (the whole canvas
        // without one), shown over the page's background: the most common among those at least 80 % as far from the background as the furthest, as
        // BaselinePictureTests reads a picture's.
        const string Strongest = """
            ([selector, box]) => {
              const canvas = document.querySelector(selector);
              const r = canvas.getBoundingClientRect(), k = canvas.width / r.width;
              const [x0, y0, x1, y1] = box ? [box[0] - r.left, box[1] - r.top, box[2] - r.left, box[3] - r.top].map(v => Math.round(v * k)) : [0, 0, canvas.width, canvas.height];
              const raw = canvas.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
              const bg = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
              // The canvas is see-through: each pixel as shown, over the page's background.
              const d = new Uint8ClampedArray(raw.length);
              for (let i = 0; i < raw.length; i += 4) {
                const a = raw[i + 3] / 255;
                for (let c = 0; c < 3; c++) d[i + c] = Math.round(raw[i + c] * a + bg[c] * (1 - a));
                d[i + 3] = 255;
              }
              const far = (i) => Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]);
              let furthest = 0;
              for (let i = 0; i < d.length; i += 4) furthest = Math.max(furthest, far(i));
              const counts = new Map();
              for (let i = 0; i < d.length; i += 4) {
                if (furthest === 0 || far(i) * 5 < furthest * 4) continue;
                const key = `rgb(${d[i]}, ${d[i + 1]}, ${d[i + 2]})`;
                counts.set(key, (counts.get(key) || 0) + 1);
              }
              return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? `rgb(${bg.join(', ')})`;
            }
            """;
        var inPlot = await page.EvaluateAsync<string>(Strongest, new object?[] { "section.panel[data-panel=\"0\"] canvas", new double[] { area.X + 2, area.Y + 2, area.X + area.Width - 2, area.Y + area.Height - 2 } });
        var inSwatch = await page.EvaluateAsync<string>(Strongest, new object?[] { "#legend li.baseline canvas", null });
        string color = signal.GetProperty("color").GetString()!;
        var expected = WcagContrast.Over(color, signal.GetProperty("opacity").GetDouble(), "#0d1117");
        foreach (var (what, painted) in new[] { ("line", inPlot), ("swatch", inSwatch) })
        {
            var (r, g, b) = WcagContrast.Rgb(painted);
            Assert.True(Math.Abs(r - expected.R) <= 6 && Math.Abs(g - expected.G) <= 6 && Math.Abs(b - expected.B) <= 6, $"the baseline's {what} is {painted}, not {color} at its opacity {expected}");
            double ratio = WcagContrast.Ratio(painted, "#0d1117");
            Assert.True(ratio >= 2, $"the baseline's {what} stands {ratio:F2}:1 from the dark background");
            Assert.True(ratio < WcagContrast.Ratio(color, "#0d1117"), $"the baseline's {what} at {ratio:F2}:1 is as loud as its live colour");
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-dark-alone.png") });
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_baseline_in_two_panels_beside_a_live_run_shows_its_series_names_whole_with_the_tag_on_its_header()
    {
        // Panels "Main" (temperature) and "loss" (loss, final): every row carries a panel tag beside its count.
        var path = Path.Combine(_dir, "yesterday.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        using var viewer = await ViewerProcess.StartAsync("--baseline", path);
        await OpenAsync(viewer, "today");
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefinePanel(w, 1, [new(PlotProperties.Title, "loss")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "loss", "ro", 1, SeriesFlags.None);
            Points(w, 0, [1.0, 2.0, 3.0], [3.0, 2.0, 1.0]);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.points === 3 && p.baselines && p.baselines.length === 1 && p.drawn > 0");
        await page.Locator("#legend li.baseline").Last.WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-two-panels.png") });
        var baselineNames = await page.Locator("#legend li.baseline .name").AllTextContentsAsync();
        Assert.Contains("loss", baselineNames);
        Assert.Contains("final", baselineNames);
        // Short names fit the column whole, in the baseline's rows as in the live run's: a tag on each row left them no room.
        var cut = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('#legend li[data-index] .name')]
            .filter(n => n.textContent.length <= 5 && (n.clientWidth === 0 || n.scrollWidth > n.clientWidth))
            .map(n => `${n.closest('li').classList.contains('baseline') ? 'baseline ' : ''}${n.textContent}: ${n.clientWidth} of ${n.scrollWidth} px`)");
        Assert.Empty(cut);
        Assert.Equal(1, await page.Locator("#legend li.producer .baseline-tag").CountAsync());
        Assert.Equal(1, await page.Locator("#legend .baseline-tag").CountAsync());

        // The saved picture has no tags: its legend says baseline in words, on the run's header.
        await page.Keyboard.PressAsync("s");
        await WaitAsync(page, "p => p.saved && p.saved.legend");
        var legend = (await StateAsync(page)).GetProperty("saved").GetProperty("legend").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal("yesterday.arrow (baseline)", legend[0]);
        Assert.Contains("today", legend);
        Assert.DoesNotContain("today (baseline)", legend);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_baseline_of_two_recorded_runs_lists_each_run_under_its_whole_name_beside_a_live_run_drawn_solid()
    {
        var path = Path.Combine(_dir, "lr-sweep-2026-12-06.arrow");
        await TimedRecording.WriteTwoRunsAsync(path);
        using var viewer = await ViewerProcess.StartAsync("--baseline", path);
        await OpenAsync(viewer, "train.py");
        await SendAsync(viewer, w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-", 0, SeriesFlags.None);
            Points(w, 0, [0.0, 1.0, 2.0], [2.5, 1.5, 0.8]);
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.points === 3 && p.baselines && p.baselines.length === 1 && p.drawn > 0");
        await page.Locator("#legend li.producer").Nth(2).WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "baseline-two-runs.png") });

        // A header per recorded run, each tagged, its name whole (wrapped, not cut): the runs differ only at its end.
        var headers = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('#legend li.producer')]
            .map(h => { const n = h.querySelector('.name'); return `${n.textContent}|${h.querySelector('.baseline-tag') ? 'baseline' : 'live'}|${n.scrollWidth <= n.clientWidth}`; })");
        Assert.Equal(["lr-sweep-2026-12-06.arrow · train.py|baseline|true", "lr-sweep-2026-12-06.arrow · train.py (2)|baseline|true", "train.py|live|true"], headers);
        // The live run keeps its solid line; the second recorded run is dashed; "loss" has one colour everywhere.
        var looks = (await Http.GetJsonAsync(viewer, "api/series")).EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == "loss")
            .Select(s => $"{s.GetProperty("producer").GetString()}:{s.GetProperty("dash").GetString()}:{s.GetProperty("color").GetString()}").ToList();
        string colour = looks[0].Split(':')[^1];
        Assert.Equal([$"lr-sweep-2026-12-06.arrow · train.py:solid:{colour}", $"lr-sweep-2026-12-06.arrow · train.py (2):dashed:{colour}", $"train.py:solid:{colour}"], looks);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_recording_sent_from_the_page_becomes_a_baseline_and_a_file_that_is_not_one_is_refused_on_the_page()
    {
        var path = Path.Combine(_dir, "sent.arrow");
        await TimedRecording.WriteAsync(path, batches: 4);
        var notOne = Path.Combine(_dir, "notes.arrow");
        await File.WriteAllTextAsync(notOne, "a text file named as a recording\n");
        using var viewer = await ViewerProcess.StartAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.baselines && p.connected");
        await page.SetInputFilesAsync("#baseline-file", notOne);
        await page.Locator(".baseline-problem").Filter(new() { HasText = "not a recording" }).WaitForAsync();
        await page.SetInputFilesAsync("#baseline-file", path);
        await WaitAsync(page, "p => p.baselines.length === 1 && p.baselines[0].name === 'sent.arrow' && p.baselines[0].points === 400 && p.series.filter(s => s.baseline).length === 2");
        Assert.True(await page.Locator(".baseline-problem").IsHiddenAsync());
        Assert.Equal(0, (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("points").GetInt64());
        await page.Context.CloseAsync();
    }
}
