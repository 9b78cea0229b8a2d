using System.Globalization;

namespace PlotPipe.PageBench;

/// <summary>Prints a run as plain-text tables, with the targets checked.</summary>
internal static class Report
{
    private const double RedrawTargetMs = 16;
    private const double AnswerTargetMs = 100;
    private const double FrameTargetMs = 33;
    private const double LongTaskTargetMs = 100;
    private const double AddToPixelsTargetMs = 50;

    public static void Print(PageBenchResult r, TextWriter o)
    {
        var s = r.Settings;
        o.WriteLine();
        o.WriteLine($"PlotPipe page bench: {s.Series} lines x {s.Points:N0} points, streaming {s.Rate:N0} points/s, page {s.PageWidth}x{s.PageHeight}");
        o.WriteLine($"{r.Browser} headless; {r.Machine}; {r.StartedUtc:yyyy-MM-dd HH:mm} UTC; run took {r.TotalSeconds:F0} s");
        o.WriteLine($"load average (1, 5, 15 min) at start {r.LoadAverageAtStart}, at end {r.LoadAverageAtEnd}");
        o.WriteLine($"preload: {r.PreloadSeconds:F1} s ({r.PreloadPointsPerSecond / 1e6:F1} M points/s into the viewer)");
        o.WriteLine();
        if (r.SocketOnly is { } k)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "viewer alone (plain WebSocket, follow view, no browser): {0:F1} views/s, {1:N0} bytes each, {2:F1} MB/s; interval ms p50 {3:F1} p99 {4:F1}; lag ms p50 {5:F0} p99 {6:F0}",
                k.ViewsPerSecond, k.BytesPerView, k.MegabytesPerSecond, k.IntervalMs.P50, k.IntervalMs.P99, k.LagMs.P50, k.LagMs.P99));
            o.WriteLine();
        }
        o.WriteLine("phase                         redraw ms p50    p99    max | series ms p50    p99 | added/s   views/s draws/s | drawn   in view    lag ms p50   p99  behind p50");
        Row(o, "follow, streaming", r.Follow);
        Row(o, "zoom/pan, streaming", r.Interacting);
        if (r.Scatter is not null) Row(o, $"scatter {s.ScatterPoints:N0} (density)", r.Scatter);
        o.WriteLine(s.JsOnly
            ? "(redraw: uPlot's scales, axes and grid plus the series, JavaScript only; series: the series part alone, window.plotpipe.drawTimes;"
            : "(redraw: uPlot's scales, axes and grid plus the series, with the canvas raster; series: the series part's JavaScript, window.plotpipe.drawTimes;");
        o.WriteLine(" lag: newest x added minus newest x on screen, in time; behind: points sent that the viewer's status does not count yet)");
        o.WriteLine();
        o.WriteLine("phase                         frame ms p50    p99    max | long tasks  max ms | long frames | cores: harness viewer browser");
        FrameRow(o, "follow, streaming", r.Follow);
        FrameRow(o, "zoom/pan, streaming", r.Interacting);
        if (r.Scatter is not null) FrameRow(o, "scatter (density)", r.Scatter);
        if (r.AddToPixels is not null) FrameRow(o, "add -> pixels (light load)", r.AddToPixels.Page);
        o.WriteLine("(frame: interval between the page's animation frames; long tasks: over 50 ms on the page's thread; cores: CPU seconds per second)");
        foreach (var (name, phase) in new[] { ("follow", r.Follow), ("zoom/pan", r.Interacting) })
        {
            if (phase.LongFrames == 0) continue;
            o.WriteLine($"where the {phase.LongFrames} long frames of {name} went (ms, summed):");
            foreach (var (what, ms) in phase.LongFrameTimeMs) o.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,9:F1}  {1}", ms, what));
        }
        if (r.Trace is { } t)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "trace of the page's thread (follow and zoom/pan): {0:N0} tasks, CPU per task p99 {1:F1} max {2:F1} ms; {3} tasks over 50 ms: wall p50 {4:F1} max {5:F1} ms, of which CPU p50 {6:F1} max {7:F1} ms",
                t.Tasks, t.TaskCpuMs.P99, t.TaskCpuMs.Max, t.LongTasks, t.LongTaskWallMs.P50, t.LongTaskWallMs.Max, t.LongTaskCpuMs.P50, t.LongTaskCpuMs.Max));
            o.WriteLine("(a long task with little CPU is the page's thread waiting for a core, not the page's work)");
        }
        o.WriteLine();
        if (r.AddToPixels is { } l)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "add -> pixels, {0} series at {1:N0} points/s: {2:N0} of {3:N0} stamped points timed after {10:0.#} s of warm-up; p50 {4:F1} p99 {5:F1} max {6:F1} ms (add -> its view received p50 {7:F1} p99 {8:F1}); clocks tied within {9:F2} ms",
                l.Series, l.PointsPerSecond, l.Measured, l.Stamped, l.AddToPixelsMs.P50, l.AddToPixelsMs.P99, l.AddToPixelsMs.Max,
                l.AddToViewReceivedMs.P50, l.AddToViewReceivedMs.P99, l.ClockUncertaintyMs, l.WarmUpSeconds));
            o.WriteLine();
        }
        o.WriteLine("gesture (while streaming)       n   first redraw ms p50    p99 | answer drawn ms p50    p99    max | unanswered");
        foreach (var (name, g) in r.Gestures)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-28}{1,4}{2,21:F1}{3,7:F1} |{4,20:F1}{5,7:F1}{6,7:F1} | {7}",
                name, g.AnswerDrawnMs.Count, g.FirstRedrawMs.P50, g.FirstRedrawMs.P99, g.AnswerDrawnMs.P50, g.AnswerDrawnMs.P99, g.AnswerDrawnMs.Max, g.Unanswered));
        }
        o.WriteLine("(from the input event's timestamp to the end of the first redraw, and of the first redraw of a view whose ranges are the ones requested)");
        o.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "answer, split (p50 / p99 ms): input to request sent {0:F1} / {1:F1}; request to its view received {2:F1} / {3:F1}; view to drawn {4:F1} / {5:F1}",
            r.GestureInputToRequestMs.P50, r.GestureInputToRequestMs.P99, r.GestureRequestToViewMs.P50, r.GestureRequestToViewMs.P99,
            r.GestureViewToDrawnMs.P50, r.GestureViewToDrawnMs.P99));
        foreach (var (name, g) in r.Gestures)
        {
            if (name == "all" || g.InputToRequestMs.Count == 0) continue;
            o.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-22} input to request {1,5:F1} / {2,5:F1}; request to view {3,5:F1} / {4,5:F1} (built {7,4:F1} / {8,5:F1}, mark taken {9,5:F1} / {10,5:F1}); view to drawn {5,5:F1} / {6,5:F1}",
                name + ":", g.InputToRequestMs.P50, g.InputToRequestMs.P99, g.RequestToViewMs.P50, g.RequestToViewMs.P99, g.ViewToDrawnMs.P50, g.ViewToDrawnMs.P99,
                g.BuildMs.P50, g.BuildMs.P99, g.RequestToMarkMs.P50, g.RequestToMarkMs.P99));
        }
        if (r.GestureViewerBuildMs.Count > 0)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "  of request to view, in the viewer: waiting for the view before it {0:F1} / {1:F1}; building its view {2:F1} / {3:F1}; then held for the view before it to reach the page {4:F1} / {5:F1}",
                r.GestureViewerWaitMs.P50, r.GestureViewerWaitMs.P99, r.GestureViewerBuildMs.P50, r.GestureViewerBuildMs.P99,
                r.GestureViewerHeldMs.P50, r.GestureViewerHeldMs.P99));
        }
        if (r.GestureRequestToMarkMs.Count > 0)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "  of request to view, at the page: request to the answer mark taken {0:F1} / {1:F1}; the mark to its view taken {2:F1} / {3:F1}",
                r.GestureRequestToMarkMs.P50, r.GestureRequestToMarkMs.P99, r.GestureMarkToViewMs.P50, r.GestureMarkToViewMs.P99));
        }
        o.WriteLine();
        double p50 = r.Follow.RedrawMs.P50;
        o.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "naive lines, {0:N0} points stroked: {1:F0} ms to build and stroke the paths, {2:F0} ms with the raster (median of {3}); x{4:F0} / x{5:F0} PlotPipe's redraw p50",
            r.NaiveLinesPoints, r.NaiveLinesPathMs.P50, r.NaiveLinesRasterMs.P50, r.NaiveLinesPathMs.Count, r.NaiveLinesPathMs.P50 / p50, r.NaiveLinesRasterMs.P50 / p50));
        if (r.Scatter is not null)
        {
            o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "naive scatter, {0:N0} markers filled: {1:F0} ms to build and fill, {2:F0} ms with the raster; x{3:F0} PlotPipe's scatter redraw p50",
                r.NaiveScatterPoints, r.NaiveScatterPathMs, r.NaiveScatterRasterMs, r.NaiveScatterRasterMs / r.Scatter.RedrawMs.P50));
        }
        o.WriteLine();
        var all = r.Gestures.TryGetValue("all", out var a) ? a : null;
        o.WriteLine($"target redraw <= {RedrawTargetMs} ms p50 and p99 (follow, streaming): {Verdict(r.Follow.RedrawMs.P50 <= RedrawTargetMs && r.Follow.RedrawMs.P99 <= RedrawTargetMs)}");
        if (all is not null)
            o.WriteLine($"target zoom/pan answered <= {AnswerTargetMs} ms (p99 over all gestures): {Verdict(all.Unanswered == 0 && all.AnswerDrawnMs.P99 <= AnswerTargetMs)}");
        bool framesMet = r.Follow.FrameMs.P99 <= FrameTargetMs && r.Interacting.FrameMs.P99 <= FrameTargetMs;
        o.WriteLine($"target frames p99 <= {FrameTargetMs} ms while streaming (follow and zoom/pan): {Verdict(framesMet)}");
        bool noLong = !(r.Follow.LongTaskMs.Max > LongTaskTargetMs) && !(r.Interacting.LongTaskMs.Max > LongTaskTargetMs);
        o.WriteLine($"target no long task over {LongTaskTargetMs} ms while streaming: {Verdict(noLong)}");
        if (r.AddToPixels is { } a2p)
            o.WriteLine($"target add -> pixels p99 <= {AddToPixelsTargetMs} ms at light load: {Verdict(a2p.AddToPixelsMs.P99 <= AddToPixelsTargetMs)}");
    }

    private static void FrameRow(TextWriter o, string name, PageBenchResult.Phase p) =>
        o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-28}{1,14:F1}{2,7:F1}{3,7:F1} |{4,11}{5,8:F1} |{6,12} |{7,15:F2}{8,7:F2}{9,8:F2}",
            name, p.FrameMs.P50, p.FrameMs.P99, p.FrameMs.Max, p.LongTaskMs.Count, p.LongTaskMs.Count > 0 ? p.LongTaskMs.Max : 0, p.LongFrames,
            p.HarnessCores, p.ViewerCores, p.BrowserCores));

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static void Row(TextWriter o, string name, PageBenchResult.Phase p) =>
        o.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,-28}{1,15:F2}{2,7:F2}{3,7:F1} |{4,14:F2}{5,7:F2} |{6,8:F2}M{7,9:F1}{8,8:F1} |{9,6:N0}{10,10:N0}{11,14:F0}{12,6:F0}{13,12:N0}",
            name, p.RedrawMs.P50, p.RedrawMs.P99, p.RedrawMs.Max, p.SeriesDrawMs.P50, p.SeriesDrawMs.P99,
            p.PointsAddedPerSecond / 1e6, p.ViewsPerSecond, p.DrawsPerSecond, p.PointsDrawn, p.PointsInView, p.DrawnAgeMs.P50, p.DrawnAgeMs.P99, p.ViewerBehindPoints.P50));
}
