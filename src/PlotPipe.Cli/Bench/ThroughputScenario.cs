using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// Sustained delivery under <see cref="WhenFull.Block"/>: after a short warm-up (JIT on both sides, the
/// producer's chunks created), add as fast as the pipeline takes points for a while, finish, and time until the
/// viewer's store holds every point, checked exactly per series via /api/series.
/// </summary>
internal static class ThroughputScenario
{
    private const int Block = 4096;
    private const double WarmupSeconds = 0.3;

    /// <summary>
    /// Runs one configuration, with the viewer's <c>--alert</c> <paramref name="alerts"/> if any; returns the end-to-end
    /// rate in points/s and the bytes the producer put on the wire.
    /// </summary>
    public static (double Rate, long Bytes) Run(BenchReport report, BenchSettings settings, int seriesCount, bool spans, long maxPointsPerSeries = 0, string? recordPath = null, IReadOnlyList<string>? alerts = null)
    {
        string scenario = $"block, {seriesCount} series, {(spans ? "Add(xs,ys) 4096" : "Add(x,y)")}{(maxPointsPerSeries > 0 ? ", capped" : "")}{(recordPath is not null ? ", --record" : "")}{(alerts is { Count: > 0 } ? $", {alerts.Count} --alert" : "")}";
        var (plot, client, pid) = Harness.Spawn(WhenFull.Block, maxPointsPerSeries, recordPath, alerts: alerts);
        try
        {
            var series = new Series[seriesCount];
            var names = new string[seriesCount];
            for (int k = 0; k < seriesCount; k++)
            {
                names[k] = $"s{k}";
                series[k] = plot.Scatter(names[k], "b.");
            }
            var loop = new AddLoop(series, spans);

            long warm = loop.Run(Stopwatch.GetTimestamp() + (long)(WarmupSeconds * Harness.TicksPerSecond), long.MaxValue);
            if (maxPointsPerSeries == 0 && client.WaitForCounts(Expected(names, warm, spans), TimeSpan.FromSeconds(30), out _) is null)
                throw new BenchFailure($"{scenario}: the warm-up's {warm} points did not all arrive");
            long viewerBefore = ProcessMemory.Resident(pid);
            long bytesBefore = plot.Sender.BytesWritten;

            long limit = settings.Points > 0 ? settings.Points : long.MaxValue;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            long added = loop.Run(start + (long)(settings.Seconds * Harness.TicksPerSecond), limit);
            long producerDone = Stopwatch.GetTimestamp();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            plot.Finish();
            plot.Completion.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();

            long stored;
            if (maxPointsPerSeries == 0)
            {
                var expected = Expected(names, warm + added, spans);
                var seen = client.WaitForCounts(expected, TimeSpan.FromSeconds(60), out var last);
                if (seen is null)
                {
                    long evicted = client.Status().Evicted;
                    // A long run can outgrow the viewer's memory budget, which then evicts the oldest points: a limit, said as one.
                    string why = evicted > 0 ? $" (the viewer evicted {evicted:N0} of the oldest for its memory budget: run fewer --seconds or --points)" : "";
                    report.Fail($"{scenario}: the viewer's counts are not exact: expected {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}; got {string.Join(", ", last.Select(e => $"{e.Name}={e.Count}"))}{why}");
                    return (0, 0);
                }
                stored = seen.Value;
            }
            else
            {
                // Capped: counts stop at the cap, so the stream's end is seen as the finished state.
                var until = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
                while (client.Status().State != "finished")
                {
                    if (Stopwatch.GetTimestamp() > until) throw new BenchFailure($"{scenario}: the viewer did not finish");
                    Thread.Sleep(0);
                }
                stored = Stopwatch.GetTimestamp();
            }
            if (plot.Dropped != 0) report.Fail($"{scenario}: {plot.Dropped} points dropped under WhenFull.Block");

            double seconds = Harness.Seconds(start, stored);
            long bytes = plot.Sender.BytesWritten - bytesBefore;
            double rate = added / seconds;
            long viewerPeak = ProcessMemory.Peak(pid);
            long viewerAfter = ProcessMemory.Resident(pid);
            bool oneSeries = seriesCount == 1 && maxPointsPerSeries == 0;
            report.Add(new BenchRow(scenario, maxPointsPerSeries == 0 ? "points delivered (exact)" : "points delivered", added, "points",
                Note: maxPointsPerSeries == 0 ? $"plus {warm:N0} warm-up points; every series' count checked exact" : $"viewer keeps at most {maxPointsPerSeries:N0} per series, so store memory is recycled"));
            report.Add(new BenchRow(scenario, "end-to-end rate", rate, "points/s",
                oneSeries ? ">= 30,000,000" : null, oneSeries ? rate >= 30e6 : null));
            report.Add(new BenchRow(scenario, "end-to-end bandwidth", bytes / seconds / 1e6, "MB/s"));
            report.Add(new BenchRow(scenario, "producer-side rate (until last Add)", added / Harness.Seconds(start, producerDone), "points/s"));
            report.Add(new BenchRow(scenario, "dropped", plot.Dropped, "points", "0", plot.Dropped == 0));
            report.Add(new BenchRow(scenario, "producer bytes allocated in loop", allocated, "B", "0", allocated == 0));
            long buffer = (long)plot.Pool.ReservedPoints * 16;
            report.Add(new BenchRow(scenario, "producer buffer memory (chunks created)", buffer / 1048576.0, "MiB", "<= 4", buffer <= 4 << 20,
                "under Block the buffer keeps to BufferPoints (262,144 x 16 B): chunks made on demand, then reused"));
            report.Add(new BenchRow(scenario, "viewer peak memory (VmHWM)", viewerPeak / 1048576.0, "MiB"));
            if (maxPointsPerSeries == 0)
            {
                double perPoint = (viewerAfter - viewerBefore) / (double)added;
                report.Add(new BenchRow(scenario, "viewer resident growth per point", perPoint, "B/point", "<= 17.6", perPoint <= 17.6,
                    "(VmRSS after - VmRSS before the timed part) / points: store columns, summaries and any runtime growth"));
            }
            if (alerts is { Count: > 0 })
            {
                // The rules must have been read and watching, or the rate says nothing about them.
                var (rules, fired) = client.Alerts();
                if (rules != alerts.Count) report.Fail($"{scenario}: the viewer reads {rules} --alert rules, not {alerts.Count}");
                report.Add(new BenchRow(scenario, "alerts fired", fired, "alerts", Note: $"{rules} rules watching every point"));
            }
            if (recordPath is not null)
            {
                // The display's rate is the figure; the recording must still hold every point, once its queue is written.
                long total = warm + added;
                var until = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
                var recorded = client.Recording();
                while (recorded.Points + recorded.Lost < total && Stopwatch.GetTimestamp() < until)
                {
                    Thread.Sleep(10);
                    recorded = client.Recording();
                }
                long written = Stopwatch.GetTimestamp();
                // A recording that kept fewer points than the display says nothing about recording at full speed.
                if (recorded.Points != total) report.Fail($"{scenario}: the recording holds {recorded.Points:N0} of the {total:N0} points ({recorded.Lost:N0} lost)");
                report.Add(new BenchRow(scenario, "points recorded", recorded.Points, "points", total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), recorded.Points == total,
                    $"recording lost {recorded.Lost:N0}; {recorded.Bytes / 1e6:N0} MB written"));
                report.Add(new BenchRow(scenario, "recording done after the store", Harness.Seconds(stored, written), "s"));
            }
            return (rate, bytes);
        }
        finally
        {
            Harness.Close(plot, client);
        }
    }

    private static Dictionary<string, long> Expected(string[] names, long added, bool spans)
    {
        var expected = new Dictionary<string, long>();
        for (int k = 0; k < names.Length; k++)
        {
            // Interleaved adds give series k every n-th point; spans give every series whole blocks in turn.
            long count = added / names.Length + (!spans && k < added % names.Length ? 1 : 0);
            expected[names[k]] = count;
        }
        return expected;
    }

    /// <summary>The producer's hot loop, kept across warm-up and timed part so interleaving stays continuous.</summary>
    private sealed class AddLoop(Series[] series, bool spans)
    {
        private readonly double[] _xs = Column(static i => i);
        private readonly double[] _ys = Column(static i => Math.Sin(i * 0.01));
        private double _x;
        private long _sequence;

        public long Run(long deadline, long limit)
        {
            long added = 0;
            if (spans)
            {
                while (added < limit && Stopwatch.GetTimestamp() < deadline)
                {
                    for (int k = 0; k < series.Length; k++) series[k].Add(_xs, _ys);
                    added += (long)Block * series.Length;
                }
            }
            else if (series.Length == 1)
            {
                var s = series[0];
                double x = _x;
                while (added < limit && Stopwatch.GetTimestamp() < deadline)
                {
                    for (int i = 0; i < Block; i++)
                    {
                        s.Add(x, x * 0.5);
                        x += 1;
                    }
                    added += Block;
                }
                _x = x;
            }
            else
            {
                // All series interleaved, as a loop sampling many signals at once adds them.
                double x = _x;
                long seq = _sequence;
                int n = series.Length;
                while (added < limit && Stopwatch.GetTimestamp() < deadline)
                {
                    for (int i = 0; i < Block; i++)
                    {
                        series[(int)(seq % n)].Add(x, x * 0.5);
                        seq++;
                        x += 1;
                    }
                    added += Block;
                }
                _x = x;
                _sequence = seq;
            }
            return added;
        }

        private static double[] Column(Func<int, double> f)
        {
            var c = new double[Block];
            for (int i = 0; i < Block; i++) c[i] = f(i);
            return c;
        }
    }
}
