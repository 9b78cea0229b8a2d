using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace PlotPipe.PageBench;

/// <summary>
/// Add → pixels: the producer stamps each point with the time of its <c>Add</c> (its x is seconds on the harness's
/// clock), the page logs the newest x of every draw (<c>window.plotpipe.drawLog[].newestX</c>, with the canvas
/// raster), and a point's latency is the end of the first draw that shows it. The page's clock is tied to the
/// harness's by the quickest of 20 round trips; half of that round trip is the figures' uncertainty.
/// </summary>
internal static class AddToPixels
{
    private const int SampleEveryMs = 250;
    private const int Calibrations = 20;

    public static async Task<PageBenchResult.LatencyPhase> RunAsync(IBrowser browser, PageBenchSettings settings, TextWriter log)
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ViewerLinger = TimeSpan.FromSeconds(5) });
        IBrowserContext? context = null;
        try
        {
            var series = new Series[settings.LatencySeries];
            for (int s = 0; s < series.Length; s++) series[s] = plot.Line($"stamped {s}", "-");
            var clock = Stopwatch.StartNew();
            foreach (var s in series) s.Add(clock.Elapsed.TotalSeconds, 0);
            (context, var page) = await PageBenchRun.OpenAsync(browser, settings, plot.Url);
            await page.WaitForFunctionAsync("() => { const p = window.plotpipe; return p && p.follow && p.drawn > 0; }");

            // Harness milliseconds = page milliseconds + offset, from the quickest round trip.
            double offsetMs = 0, bestRoundTripMs = double.PositiveInfinity;
            for (int i = 0; i < Calibrations; i++)
            {
                double t0 = clock.Elapsed.TotalMilliseconds;
                double pageNow = await page.EvaluateAsync<double>("() => performance.now()");
                double t1 = clock.Elapsed.TotalMilliseconds;
                if (t1 - t0 >= bestRoundTripMs) continue;
                bestRoundTripMs = t1 - t0;
                offsetMs = (t0 + t1) / 2 - pageNow;
            }

            log.WriteLine($"add -> pixels: {settings.LatencySeries} series, {settings.LatencyRate:N0} stamped points/s for {settings.LatencySeconds} s after {settings.LatencyWarmUpSeconds} s of warm-up...");
            var stamps = new double[(int)(settings.LatencyRate * (settings.LatencyWarmUpSeconds + settings.LatencySeconds)) + 1];
            int added = 0;
            var producer = new Thread(() =>
            {
                // A tick a millisecond adds the points due then, each stamped as it goes in: a steady light load.
                double start = clock.Elapsed.TotalSeconds;
                while (added < stamps.Length)
                {
                    long due = Math.Min(stamps.Length, (long)((clock.Elapsed.TotalSeconds - start) * settings.LatencyRate));
                    while (added < due)
                    {
                        double x = clock.Elapsed.TotalSeconds;
                        series[added % series.Length].Add(x, Math.Sin(x) + added % series.Length);
                        Volatile.Write(ref stamps[added], x);
                        added++;
                    }
                    Thread.Sleep(1);
                }
            }) { IsBackground = true, Name = "stamping producer" };

            var taken = new PageBenchRun.Taken();
            var draws = new List<(double AtMs, double NewestX, double ViewAtMs)>();
            producer.Start();
            // The same stream before the timing starts, its draws taken off the page and left out.
            for (var warmUp = Stopwatch.StartNew(); warmUp.Elapsed.TotalSeconds < settings.LatencyWarmUpSeconds;)
            {
                await Task.Delay(SampleEveryMs);
                await PageBenchRun.DrainAsync(page);
            }
            var first = await PageBenchRun.DrainAsync(page);
            // A point added from now on is first shown by a draw logged after this drain, so none of its draws was left out.
            double timedFrom = clock.Elapsed.TotalSeconds;
            var phaseClock = Stopwatch.StartNew();
            var last = first;
            // Until every stamped point is in and half a second more, so the last ones are drawn too.
            double endAt = double.PositiveInfinity;
            while (phaseClock.Elapsed.TotalSeconds < endAt)
            {
                await Task.Delay(SampleEveryMs);
                last = await PageBenchRun.DrainAsync(page);
                taken.Add(last);
                for (int i = 0; i < last.Log.GetArrayLength(); i++)
                {
                    var row = last.Log[i];
                    if (row[4].ValueKind != JsonValueKind.Number) continue;
                    draws.Add((row[0].GetDouble() + offsetMs, row[4].GetDouble(), row[5].GetDouble() + offsetMs));
                }
                if (double.IsPositiveInfinity(endAt) && !producer.IsAlive) endAt = phaseClock.Elapsed.TotalSeconds + 0.5;
            }

            // Each point is shown by the first draw whose newest x reaches its x (draws come in order; a draw of an
            // older view never lowers what has been shown).
            var toPixels = new List<double>(stamps.Length);
            var toView = new List<double>(stamps.Length);
            int d = 0;
            double shown = double.NegativeInfinity;
            int shownAt = -1;
            long timed = 0;
            foreach (double x in stamps) if (x >= timedFrom) timed++;
            foreach (double x in stamps)
            {
                if (x < timedFrom) continue;
                while (shown < x && d < draws.Count)
                {
                    if (draws[d].NewestX > shown)
                    {
                        shown = draws[d].NewestX;
                        shownAt = d;
                    }
                    d++;
                }
                if (shown < x) break;
                toPixels.Add(draws[shownAt].AtMs - x * 1000);
                toView.Add(draws[shownAt].ViewAtMs - x * 1000);
            }
            var phase = PageBenchRun.PhaseOf(phaseClock.Elapsed.TotalSeconds, timed, first, last, taken);
            return new PageBenchResult.LatencyPhase
            {
                Series = settings.LatencySeries,
                PointsPerSecond = settings.LatencyRate,
                Stamped = timed,
                WarmUpSeconds = settings.LatencyWarmUpSeconds,
                Measured = toPixels.Count,
                AddToPixelsMs = Stats.Of(toPixels),
                AddToViewReceivedMs = Stats.Of(toView),
                ClockUncertaintyMs = bestRoundTripMs / 2,
                Page = phase,
            };
        }
        finally
        {
            if (context is not null) await context.CloseAsync();
            plot.CloseViewer();
            await plot.DisposeAsync();
        }
    }
}
