using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// Time from Add to the point being in the viewer's store, without changing the viewer: the producer stamps
/// marked points as it adds them, another thread polls <c>GET /api/series</c> over one keep-alive connection in
/// a tight loop, and a point's latency is the time of the first answer whose count covers it. That is an upper
/// bound: it includes up to one poll round trip, reported beside the figures as the resolution.
/// </summary>
internal static class LatencyScenario
{
    private const string Name = "latency";
    private const int MaxMarks = 1 << 20;
    private const int MaxPolls = 1 << 20;

    /// <summary>
    /// Measures at 1,000 points/s, or with <paramref name="fullLoad"/> as fast as the viewer takes spans under Block;
    /// <paramref name="grownBuffer"/> lets the producer's buffer grow to 256 MiB first (MaxBufferBytes given), the lag a
    /// deep buffer costs against Block's default of waiting at BufferPoints.
    /// </summary>
    public static void Run(BenchReport report, BenchSettings settings, bool fullLoad, bool grownBuffer = false)
    {
        string scenario = fullLoad ? $"latency, full load (Block, spans{(grownBuffer ? ", MaxBufferBytes 256 MiB" : "")})" : "latency, 1,000 points/s";
        var (plot, client, _) = Harness.Spawn(fullLoad ? WhenFull.Block : WhenFull.Drop, maxBufferBytes: grownBuffer ? 256L << 20 : null);
        try
        {
            var series = plot.Line(Name, "b-");
            // A warm-up point, so the first figures do not include the JIT of either side.
            series.Add(-1, 0);
            while (client.Count(Name) < 1) Thread.Sleep(1);

            var markIndex = new long[MaxMarks];
            var markTime = new long[MaxMarks];
            var pollStart = new long[MaxPolls];
            var pollEnd = new long[MaxPolls];
            var pollCount = new long[MaxPolls];
            int polls = 0;
            long target = long.MaxValue;
            var poller = new Thread(() =>
            {
                while (polls < MaxPolls)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    long c = client.Count(Name);
                    long t1 = Stopwatch.GetTimestamp();
                    pollStart[polls] = t0;
                    pollEnd[polls] = t1;
                    pollCount[polls] = c;
                    polls++;
                    if (c >= Volatile.Read(ref target)) return;
                }
            }) { IsBackground = true, Name = "bench poller" };
            poller.Start();

            int marks = 0;
            long added = 1;
            long start = Stopwatch.GetTimestamp();
            if (fullLoad)
            {
                const int block = 4096;
                var xs = new double[block];
                var ys = new double[block];
                long deadline = start + (long)(Math.Min(settings.Seconds, 3) * Harness.TicksPerSecond);
                double x = 0;
                while (Stopwatch.GetTimestamp() < deadline && marks < MaxMarks)
                {
                    for (int i = 0; i < block; i++)
                    {
                        xs[i] = x;
                        ys[i] = Math.Sin(x * 1e-4);
                        x += 1;
                    }
                    series.Add(xs, ys);
                    added += block;
                    // Stamped when Add returns: from here the points are the pipeline's, not the caller's.
                    markIndex[marks] = added;
                    markTime[marks] = Stopwatch.GetTimestamp();
                    marks++;
                }
            }
            else
            {
                long period = Stopwatch.Frequency / 1000;
                long next = start;
                int count = (int)Math.Min(MaxMarks, Math.Max(200, settings.Seconds * 1000 * 2 / 3));
                for (int k = 0; k < count; k++)
                {
                    while (Stopwatch.GetTimestamp() < next)
                    {
                        long left = next - Stopwatch.GetTimestamp();
                        if (left > Stopwatch.Frequency / 2000) Thread.Sleep(0);
                        else Thread.SpinWait(20);
                    }
                    long t = Stopwatch.GetTimestamp();
                    series.Add(k, Math.Sin(k * 0.01));
                    added++;
                    markIndex[marks] = added;
                    markTime[marks] = t;
                    marks++;
                    next += period;
                }
            }
            long producerDone = Stopwatch.GetTimestamp();
            Volatile.Write(ref target, added);
            if (!poller.Join(TimeSpan.FromSeconds(30))) throw new BenchFailure($"{scenario}: the viewer never held all {added} points");
            plot.Finish();
            plot.Completion.Wait(TimeSpan.FromSeconds(30));

            var latency = new LatencyHistogram(Stopwatch.Frequency / 10);
            int p = 0;
            for (int m = 0; m < marks; m++)
            {
                // Counts only grow, so the first poll that covers a mark is found by walking forward.
                while (p < polls && pollCount[p] < markIndex[m]) p++;
                if (p == polls) throw new BenchFailure($"{scenario}: no poll saw mark {m}");
                latency.Record(Math.Max(0, pollEnd[p] - markTime[m]));
            }
            var roundTrip = new LatencyHistogram(Stopwatch.Frequency / 10);
            for (int i = 0; i < polls; i++) roundTrip.Record(pollEnd[i] - pollStart[i]);

            double rate = (added - 1) / Harness.Seconds(start, producerDone);
            report.Add(new BenchRow(scenario, "rate while measured", rate, "points/s"));
            report.Add(new BenchRow(scenario, "marked points", marks, "points"));
            report.Add(new BenchRow(scenario, "Add -> store p50", latency.PercentileUs(0.50) / 1000, "ms", "<= 5", latency.PercentileUs(0.50) <= 5000));
            report.Add(new BenchRow(scenario, "Add -> store p99", latency.PercentileUs(0.99) / 1000, "ms", "<= 20", latency.PercentileUs(0.99) <= 20000));
            report.Add(new BenchRow(scenario, "Add -> store max", latency.MaxUs / 1000, "ms"));
            report.Add(new BenchRow(scenario, "poll round trip p50 (resolution)", roundTrip.PercentileUs(0.50) / 1000, "ms", Note: "each latency includes up to one poll round trip"));
            report.Add(new BenchRow(scenario, "poll round trip p99", roundTrip.PercentileUs(0.99) / 1000, "ms"));
            if (plot.Dropped != 0) report.Fail($"{scenario}: {plot.Dropped} points dropped");
        }
        finally
        {
            Harness.Close(plot, client);
        }
    }
}
