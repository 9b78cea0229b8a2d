using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace PlotPipe.PageBench;

/// <summary>One run: the line phases (follow, gestures, naive baseline) on one viewer, then the scatter on another.</summary>
internal static class PageBenchRun
{
    private const int SampleEveryMs = 250;
    private const int WarmUpMs = 1000;
    private const double SocketSeconds = 3;
    // Longer than the page's local hold (250 ms), so each gesture starts from a settled view.
    private const int SettleMs = 350;

    public static async Task<PageBenchResult> RunAsync(PageBenchSettings settings, TextWriter log)
    {
        var total = Stopwatch.StartNew();
        using var playwright = await Playwright.CreateAsync();
        // Debian's Chromium only; the harness never downloads a browser.
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var result = new PageBenchResult
        {
            Settings = settings,
            Machine = MachineInfo(),
            Browser = "Chromium " + browser.Version,
            StartedUtc = DateTime.UtcNow,
        };
        result.LoadAverageAtStart = LoadAverage();
        if (settings.LatencySeconds > 0) result.AddToPixels = await AddToPixels.RunAsync(browser, settings, log);
        await LinesAsync(browser, settings, result, log);
        if (settings.ScatterPoints > 0) await ScatterAsync(browser, settings, result, log);
        result.LoadAverageAtEnd = LoadAverage();
        result.TotalSeconds = total.Elapsed.TotalSeconds;
        return result;
    }

    private static async Task LinesAsync(IBrowser browser, PageBenchSettings settings, PageBenchResult result, TextWriter log)
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Block, ViewerLinger = TimeSpan.FromSeconds(5) });
        try
        {
            var url = plot.Url;
            var series = new Series[settings.Series];
            for (int s = 0; s < series.Length; s++) series[s] = plot.Line($"line {s}", "-");
            var streamer = new Streamer(series, settings.PointsPerXUnit);

            log.WriteLine($"viewer at {url}; preloading {settings.Series} x {settings.Points:N0} points...");
            var clock = Stopwatch.StartNew();
            streamer.Preload(settings.Points);
            await WaitForPointsAsync(url, streamer.Added);
            result.PreloadSeconds = clock.Elapsed.TotalSeconds;
            result.PreloadPointsPerSecond = streamer.Added / result.PreloadSeconds;

            using var stop = new CancellationTokenSource();
            var streaming = Task.Factory.StartNew(() => streamer.Stream(settings.Rate, stop.Token), TaskCreationOptions.LongRunning);
            IBrowserContext? context = null;
            try
            {
                // The page's automatic follow span: a tenth of the x extent, rounded to 1, 2 or 5 x 10^n.
                double extent = (settings.Points - 1) / settings.PointsPerXUnit;
                double raw = extent * 0.1, p10 = Math.Pow(10, Math.Floor(Math.Log10(raw))), m = raw / p10;
                double span = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p10;
                log.WriteLine($"streaming {settings.Rate:N0} points/s, follow views over a plain WebSocket (no browser)...");
                result.SocketOnly = await SocketProbe.RunAsync(url, streamer, span, settings.PageWidth - 300, settings.PageHeight - 130, SocketSeconds);

                (context, var page) = await OpenAsync(browser, settings, url);
                await page.WaitForFunctionAsync("() => { const p = window.plotpipe; return p && p.follow && p.drawn > 0 && p.serverRange; }");
                await page.EvaluateAsync(PageScripts.WatchInput);
                await Task.Delay(WarmUpMs);
                var trace = settings.Trace is null ? null : await TraceRecorder.StartAsync(page);
                log.WriteLine($"streaming {settings.Rate:N0} points/s for {settings.Seconds} s in follow mode...");
                result.Follow = await SampleAsync(page, streamer, settings.Seconds, measureAge: true);
                log.WriteLine($"gestures, {settings.Interactions} of each kind, still streaming...");
                result.Interacting = await GesturesAsync(page, streamer, settings, result);
                if (trace is not null)
                {
                    await trace.StopAsync(settings.Trace!);
                    result.Trace = TraceSummary.Read(settings.Trace!);
                }
                await stop.CancelAsync();
                await streaming;
                await NaiveLinesAsync(page, settings, result, log);
            }
            finally
            {
                await stop.CancelAsync();
                await streaming;
                if (context is not null) await context.CloseAsync();
            }
        }
        finally
        {
            plot.CloseViewer();
            await plot.DisposeAsync();
        }
    }

    private static async Task NaiveLinesAsync(IPage page, PageBenchSettings settings, PageBenchResult result, TextWriter log)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "page-bench-lines.png") });
        int perSeries = settings.NaivePoints / settings.Series;
        log.WriteLine($"naive baseline: {settings.Series} x {perSeries:N0} points stroked in the same page...");
        var size = await page.EvaluateAsync<int[]>("() => [window.plotpipe.plotWidth, window.plotpipe.plotHeight]");
        var naive = await page.EvaluateAsync<double[][]>(PageScripts.NaiveLines,
            new object[] { settings.Series, perSeries, settings.PointsPerXUnit, size[0], size[1], settings.BaselineRepeats });
        result.NaiveLinesPoints = (long)settings.Series * perSeries;
        result.NaiveLinesPathMs = Stats.Of(naive.Select(r => r[0]).ToArray());
        result.NaiveLinesRasterMs = Stats.Of(naive.Select(r => r[1]).ToArray());
    }

    private static async Task ScatterAsync(IBrowser browser, PageBenchSettings settings, PageBenchResult result, TextWriter log)
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, WhenFull = WhenFull.Block, ViewerLinger = TimeSpan.FromSeconds(5) });
        try
        {
            var url = plot.Url;
            var cloud = plot.Scatter("cloud", ".");
            var streamer = new Streamer([cloud], settings.PointsPerXUnit, cloudWidth: 10);
            log.WriteLine($"scatter: preloading {settings.ScatterPoints:N0} points...");
            streamer.Preload(settings.ScatterPoints);
            await WaitForPointsAsync(url, streamer.Added);

            var (context, page) = await OpenAsync(browser, settings, url);
            await page.WaitForFunctionAsync($"() => {{ const p = window.plotpipe; return p && p.draws > 0 && p.inView >= {settings.ScatterPoints}; }}");
            using var stop = new CancellationTokenSource();
            var streaming = Task.Factory.StartNew(() => streamer.Stream(settings.Rate, stop.Token), TaskCreationOptions.LongRunning);
            try
            {
                await Task.Delay(WarmUpMs);
                log.WriteLine($"scatter: streaming {settings.Rate:N0} points/s for {settings.ScatterSeconds} s...");
                result.Scatter = await SampleAsync(page, streamer, settings.ScatterSeconds, measureAge: false);
            }
            finally
            {
                await stop.CancelAsync();
                await streaming;
            }

            var size = await page.EvaluateAsync<int[]>("() => [window.plotpipe.plotWidth, window.plotpipe.plotHeight]");
            int markers = Math.Min(settings.NaivePoints, settings.ScatterPoints);
            log.WriteLine($"naive baseline: {markers:N0} markers filled in the same page...");
            var naive = await page.EvaluateAsync<double[]>(PageScripts.NaiveScatter, new object[] { markers, size[0], size[1] });
            result.NaiveScatterPoints = markers;
            result.NaiveScatterPathMs = naive[0];
            result.NaiveScatterRasterMs = naive[1];
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "page-bench-scatter.png") });
            await context.CloseAsync();
        }
        finally
        {
            plot.CloseViewer();
            await plot.DisposeAsync();
        }
    }

    internal static async Task<(IBrowserContext, IPage)> OpenAsync(IBrowser browser, PageBenchSettings settings, Uri url)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = settings.PageWidth, Height = settings.PageHeight } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(url.ToString());
        // Chromium without a GPU rasterizes the canvas later on the page's thread; read a pixel back after each draw
        // so the redraw times include that work.
        if (!settings.JsOnly) await page.EvaluateAsync("() => { window.plotpipe.rasterInDrawLog = true; }");
        await page.EvaluateAsync(PageScripts.WatchFrames);
        return (context, page);
    }

    // Drains the page's draw log every 250 ms so no draw is missed (it keeps the last 200).
    private static async Task<PageBenchResult.Phase> SampleAsync(IPage page, Streamer streamer, double seconds, bool measureAge)
    {
        var taken = new Taken();
        var ageMs = new List<double>();
        var behind = new List<double>();
        var first = await DrainAsync(page);
        long addedAtStart = streamer.Added;
        var clock = Stopwatch.StartNew();
        var last = first;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await Task.Delay(SampleEveryMs);
            double before = streamer.NewestX;
            last = await DrainAsync(page);
            double after = streamer.NewestX;
            taken.Add(last);
            // Points sent that the viewer's status (sent every 250 ms) does not count yet: the ingest side of the lag.
            behind.Add(streamer.Added - last.Points);
            int n = last.Log.GetArrayLength();
            // x counts seconds of streaming, so the newest x on screen against the newest x added is the screen's lag.
            if (measureAge && n > 0 && last.Log[n - 1][3].ValueKind == JsonValueKind.Number) ageMs.Add(((before + after) / 2 - last.Log[n - 1][3].GetDouble()) * 1000);
        }
        var phase = PhaseOf(clock.Elapsed.TotalSeconds, streamer.Added - addedAtStart, first, last, taken);
        phase.DrawnAgeMs = Stats.Of(ageMs);
        phase.ViewerBehindPoints = Stats.Of(behind);
        return phase;
    }

    private static async Task<PageBenchResult.Phase> GesturesAsync(IPage page, Streamer streamer, PageBenchSettings settings, PageBenchResult result)
    {
        var box = await page.Locator("#chart .u-over").BoundingBoxAsync() ?? throw new InvalidOperationException("no plot area on the page");
        float X(double share) => (float)(box.X + box.Width * share);
        float y = (float)(box.Y + box.Height * 0.5);
        // A fit-all answer reaches at least the preloaded data's last x.
        double minRight = (settings.Points - 1) / settings.PointsPerXUnit;

        var gestures = new (string Name, string Event, Func<Task> Act)[]
        {
            ("wheel zoom", "wheel", async () =>
            {
                await page.Mouse.MoveAsync(X(0.5), y);
                await page.Mouse.WheelAsync(0, -300);
            }),
            ("shift-drag pan", "mousemove", async () =>
            {
                await page.Keyboard.DownAsync("Shift");
                await page.Mouse.MoveAsync(X(0.45), y);
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync(X(0.55), y, new() { Steps = 4 });
                await page.Mouse.UpAsync();
                await page.Keyboard.UpAsync("Shift");
            }),
            ("drag-select zoom", "mouseup", async () =>
            {
                await page.Mouse.MoveAsync(X(0.3), y);
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync(X(0.6), y + 4, new() { Steps = 5 });
                await page.Mouse.UpAsync();
            }),
            ("double-click fit all", "dblclick", async () => await page.Mouse.DblClickAsync(X(0.5), y)),
        };

        var first = gestures.ToDictionary(g => g.Name, _ => new List<double>());
        var answered = gestures.ToDictionary(g => g.Name, _ => new List<double>());
        var unanswered = gestures.ToDictionary(g => g.Name, _ => 0);
        var taken = new Taken();
        var splits = gestures.ToDictionary(g => g.Name, _ => new AnswerSplits());
        var start = await DrainAsync(page);
        long addedAtStart = streamer.Added;
        var clock = Stopwatch.StartNew();
        var last = start;
        for (int i = 0; i < settings.Interactions; i++)
        {
            foreach (var (name, eventName, act) in gestures)
            {
                await act();
                double t0 = await page.EvaluateAsync<double>(PageScripts.InputTime, eventName);
                try
                {
                    var handle = await page.WaitForFunctionAsync(PageScripts.Answer, new object[] { t0, minRight },
                        new() { PollingInterval = 10, Timeout = 3000 });
                    var a = await handle.JsonValueAsync<JsonElement>();
                    first[name].Add(a.GetProperty("firstAt").GetDouble() - t0);
                    answered[name].Add(a.GetProperty("answeredAt").GetDouble() - t0);
                    double send = a.GetProperty("sentAt").GetDouble() - t0;
                    double view = a.GetProperty("viewAt").GetDouble() - a.GetProperty("sentAt").GetDouble();
                    double draw = a.GetProperty("answeredAt").GetDouble() - a.GetProperty("viewAt").GetDouble();
                    var split = splits[name];
                    split.Send.Add(send);
                    split.View.Add(view);
                    split.Draw.Add(draw);
                    if (a.GetProperty("waitedMs").GetDouble() is >= 0 and var w) split.Waited.Add(w);
                    if (a.GetProperty("builtMs").GetDouble() is >= 0 and var b) split.Built.Add(b);
                    if (a.GetProperty("heldMs").GetDouble() is >= 0 and var h) split.Held.Add(h);
                    if (a.GetProperty("markAt").GetDouble() is >= 0 and var m)
                    {
                        split.Mark.Add(m - a.GetProperty("sentAt").GetDouble());
                        split.MarkToView.Add(a.GetProperty("viewAt").GetDouble() - m);
                    }
                }
                catch (TimeoutException)
                {
                    unanswered[name]++;
                }
                await Task.Delay(SettleMs);
                last = await DrainAsync(page);
                taken.Add(last);
            }
        }
        foreach (var (name, _, _) in gestures)
        {
            result.Gestures[name] = new PageBenchResult.Gesture
            {
                FirstRedrawMs = Stats.Of(first[name]),
                AnswerDrawnMs = Stats.Of(answered[name]),
                Unanswered = unanswered[name],
                InputToRequestMs = Stats.Of(splits[name].Send),
                RequestToViewMs = Stats.Of(splits[name].View),
                ViewToDrawnMs = Stats.Of(splits[name].Draw),
                BuildMs = Stats.Of(splits[name].Built),
                RequestToMarkMs = Stats.Of(splits[name].Mark),
            };
        }
        result.Gestures["all"] = new PageBenchResult.Gesture
        {
            FirstRedrawMs = Stats.Of(first.Values.SelectMany(v => v).ToArray()),
            AnswerDrawnMs = Stats.Of(answered.Values.SelectMany(v => v).ToArray()),
            Unanswered = unanswered.Values.Sum(),
        };
        Stats All(Func<AnswerSplits, List<double>> part) => Stats.Of(splits.Values.SelectMany(part).ToArray());
        result.GestureInputToRequestMs = All(x => x.Send);
        result.GestureRequestToViewMs = All(x => x.View);
        result.GestureViewToDrawnMs = All(x => x.Draw);
        result.GestureViewerWaitMs = All(x => x.Waited);
        result.GestureViewerBuildMs = All(x => x.Built);
        result.GestureViewerHeldMs = All(x => x.Held);
        result.GestureRequestToMarkMs = All(x => x.Mark);
        result.GestureMarkToViewMs = All(x => x.MarkToView);
        return PhaseOf(clock.Elapsed.TotalSeconds, streamer.Added - addedAtStart, start, last, taken);
    }

    // One gesture kind's answers, split: input to request sent, request to view received, view to drawn; in the viewer,
    // waiting, building and holding; request to the answer mark taken, and the mark to its view.
    private sealed class AnswerSplits
    {
        public List<double> Send { get; } = [];
        public List<double> View { get; } = [];
        public List<double> Draw { get; } = [];
        public List<double> Waited { get; } = [];
        public List<double> Built { get; } = [];
        public List<double> Held { get; } = [];
        public List<double> Mark { get; } = [];
        public List<double> MarkToView { get; } = [];
    }

    // What every phase reports: rates between the page's state at its start and at its end, the draw times logged,
    // the frames and long tasks, and where the long frames' time went.
    internal static PageBenchResult.Phase PhaseOf(double elapsed, long added, Drained start, Drained last, Taken taken)
    {
        var cpu = ProcessCpu.Now();
        var phase = Figures(elapsed, added, start, last, taken);
        phase.HarnessCores = (cpu.HarnessSeconds - taken.CpuAtStart.HarnessSeconds) / elapsed;
        phase.ViewerCores = (cpu.ViewerSeconds - taken.CpuAtStart.ViewerSeconds) / elapsed;
        phase.BrowserCores = (cpu.BrowserSeconds - taken.CpuAtStart.BrowserSeconds) / elapsed;
        return phase;
    }

    private static PageBenchResult.Phase Figures(double elapsed, long added, Drained start, Drained last, Taken taken) => new()
    {
        Seconds = elapsed,
        PointsAddedPerSecond = added / elapsed,
        ViewsPerSecond = (last.Views - start.Views) / elapsed,
        DrawsPerSecond = (last.Draws - start.Draws) / elapsed,
        DrawsNotLogged = last.Draws - start.Draws - taken.Logged,
        PointsInView = last.InView,
        PointsDrawn = last.Drawn,
        SeriesDrawMs = Stats.Of(taken.SeriesMs),
        RedrawMs = Stats.Of(taken.RedrawMs),
        FrameMs = Stats.Of(taken.FrameMs),
        LongTaskMs = Stats.Of(taken.LongTaskMs),
        LongFrames = taken.LongFrames,
        LongFrameTimeMs = taken.LongFrameTimeMs.OrderByDescending(kv => kv.Value).Take(12).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 1)),
    };

    // Everything drained from the page over one phase.
    internal sealed class Taken
    {
        public readonly List<double> SeriesMs = [];
        public readonly List<double> RedrawMs = [];
        public readonly List<double> FrameMs = [];
        public readonly List<double> LongTaskMs = [];
        public readonly Dictionary<string, double> LongFrameTimeMs = [];
        public long Logged;
        public int LongFrames;
        public readonly ProcessCpu CpuAtStart = ProcessCpu.Now();

        public void Add(Drained d)
        {
            int n = d.Log.GetArrayLength();
            for (int i = 0; i < n; i++)
            {
                SeriesMs.Add(d.Log[i][1].GetDouble());
                RedrawMs.Add(d.Log[i][2].GetDouble());
            }
            Logged += n;
            FrameMs.AddRange(d.Frames);
            LongTaskMs.AddRange(d.LongTasks);
            foreach (var frame in d.LongFrames.EnumerateArray())
            {
                LongFrames++;
                foreach (var part in frame.GetProperty("parts").EnumerateArray())
                {
                    string what = part[0].GetString() ?? "?";
                    LongFrameTimeMs[what] = LongFrameTimeMs.GetValueOrDefault(what) + part[1].GetDouble();
                }
            }
        }
    }

    internal sealed record Drained(long Draws, long Views, double Drawn, double InView, long Points, JsonElement Log, double[] Frames, double[] LongTasks, JsonElement LongFrames);

    internal static async Task<Drained> DrainAsync(IPage page)
    {
        var e = await page.EvaluateAsync<JsonElement>(PageScripts.Drain);
        return new Drained(
            e.GetProperty("draws").GetInt64(),
            e.GetProperty("views").GetInt64(),
            e.GetProperty("drawn").GetDouble(),
            e.GetProperty("inView").GetDouble(),
            e.GetProperty("points").GetInt64(),
            e.GetProperty("log").Clone(),
            e.GetProperty("frames").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("longTasks").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("longFrames").Clone());
    }

    // Waits until the viewer has taken in every point sent (its /api/status count), so streaming starts from a full store.
    // The printed address's ?token= goes along: the viewer answers nothing without it.
    private static async Task WaitForPointsAsync(Uri url, long expected)
    {
        using var http = new HttpClient { BaseAddress = url };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("api/status" + url.Query));
            if (doc.RootElement.GetProperty("points").GetInt64() >= expected) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the viewer did not take in {expected:N0} points within 2 minutes");
    }

    // Other work on the machine shows in every figure here, so the run records it.
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string MachineInfo()
    {
        string cpu = "unknown CPU";
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                cpu = line[(line.IndexOf(':') + 1)..].Trim();
                break;
            }
        }
        catch (IOException)
        {
        }
        return $"{cpu}, {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }
}
