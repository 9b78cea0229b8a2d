using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// The viewer frozen with SIGSTOP while the producer keeps adding under the default policy: every Add is timed
/// on its own, and the producer's memory is sampled to show it stays at its bound. Then SIGCONT and finish,
/// and the counts are checked.
/// </summary>
internal static class StoppedViewerScenario
{
    public static void Run(BenchReport report, BenchSettings settings)
    {
        const string scenario = "viewer stopped (SIGSTOP), Drop";
        var (plot, client, pid) = Harness.Spawn(WhenFull.Drop, maxBufferBytes: new LivePlotOptions().BufferPoints * 16L);
        bool stopped = false;
        try
        {
            var series = plot.Scatter("stopped", "b.");
            for (int i = 0; i < 1000; i++) series.Add(i, i);
            while (client.Count("stopped") < 1000) Thread.Sleep(1);

            var timer = new LatencyHistogram(Stopwatch.Frequency / 1000);
            var latency = new LatencyHistogram(Stopwatch.Frequency / 1000);
            // Page in both histograms and measure the cost of the timestamps themselves.
            for (int i = 0; i < 100_000; i++)
            {
                long a = Stopwatch.GetTimestamp();
                long b = Stopwatch.GetTimestamp();
                timer.Record(b - a);
            }

            Harness.Signal(pid, "STOP");
            stopped = true;
            // Fill the buffer (creating every chunk up to the bound) and the pipe before timing: steady state.
            long added = 1000;
            double x = 1000;
            for (int i = 0; i < 4 << 20; i++)
            {
                series.Add(x, x);
                x += 1;
            }
            added += 4 << 20;
            var workingSet = new List<long>(1024);
            var heap = new List<long>(1024);
            bool sampling = true;
            var sampler = new Thread(() =>
            {
                while (Volatile.Read(ref sampling))
                {
                    workingSet.Add(Environment.WorkingSet);
                    heap.Add(GC.GetTotalMemory(false));
                    Thread.Sleep(100);
                }
            }) { IsBackground = true, Name = "bench memory sampler" };
            sampler.Start();

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            long deadline = start + (long)(Math.Min(3, settings.Seconds) * Harness.TicksPerSecond);
            while (true)
            {
                for (int i = 0; i < 1024; i++)
                {
                    long a = Stopwatch.GetTimestamp();
                    series.Add(x, x);
                    long b = Stopwatch.GetTimestamp();
                    latency.Record(b - a);
                    x += 1;
                }
                added += 1024;
                if (Stopwatch.GetTimestamp() > deadline) break;
            }
            double seconds = Harness.Seconds(start, Stopwatch.GetTimestamp());
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Volatile.Write(ref sampling, false);
            sampler.Join();

            Harness.Signal(pid, "CONT");
            stopped = false;
            plot.Finish();
            plot.Completion.Wait(TimeSpan.FromSeconds(30));
            long dropped = plot.Dropped;
            long viewerCount = -1, viewerDropped = -1;
            var until = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < until)
            {
                viewerCount = client.Count("stopped");
                viewerDropped = client.Status().Dropped;
                if (viewerCount == added - dropped && viewerDropped == dropped) break;
                Thread.Sleep(2);
            }
            if (viewerCount != added - dropped || viewerDropped != dropped)
                report.Fail($"{scenario}: after SIGCONT the viewer holds {viewerCount} points and reports {viewerDropped} dropped; expected {added - dropped} and {dropped}");

            double p999 = latency.PercentileUs(0.999);
            report.Add(new BenchRow(scenario, "Add calls timed", latency.Count, "calls", Note: $"{latency.Count / seconds:N0} calls/s while stopped"));
            report.Add(new BenchRow(scenario, "Add p50", latency.PercentileUs(0.5) * 1000, "ns"));
            report.Add(new BenchRow(scenario, "Add p99", latency.PercentileUs(0.99) * 1000, "ns"));
            report.Add(new BenchRow(scenario, "Add p99.9", p999 * 1000, "ns", "<= 1,000", p999 <= 1.0));
            report.Add(new BenchRow(scenario, "Add p99.99", latency.PercentileUs(0.9999) * 1000, "ns"));
            report.Add(new BenchRow(scenario, "Add max", latency.MaxUs * 1000, "ns", Note: "the longest single call; preemption by another process shows here"));
            report.Add(new BenchRow(scenario, "timestamp pair overhead p50", timer.PercentileUs(0.5) * 1000, "ns", Note: "included in every Add figure above"));
            report.Add(new BenchRow(scenario, "dropped while stopped", dropped, "points"));
            report.Add(new BenchRow(scenario, "producer bytes allocated in loop", allocated, "B", "0", allocated == 0));
            long wsFirst = workingSet.Count > 0 ? workingSet[0] : -1;
            long wsMax = workingSet.Count > 0 ? workingSet.Max() : -1;
            long wsLast = workingSet.Count > 0 ? workingSet[^1] : -1;
            long heapFirst = heap.Count > 0 ? heap[0] : -1;
            long heapMax = heap.Count > 0 ? heap.Max() : -1;
            long buffer = (long)plot.Pool.ReservedPoints * 16;
            report.Add(new BenchRow(scenario, "producer buffer memory (chunks created)", buffer / 1048576.0, "MiB", "<= 4", buffer <= 4 << 20));
            report.Add(new BenchRow(scenario, "producer working set at stop", wsFirst / 1048576.0, "MiB"));
            report.Add(new BenchRow(scenario, "producer working set max", wsMax / 1048576.0, "MiB", Note: $"last sample {wsLast / 1048576.0:F1} MiB; {workingSet.Count} samples 100 ms apart"));
            report.Add(new BenchRow(scenario, "producer GC heap growth while timed", (heapMax - heapFirst) / 1048576.0, "MiB", "flat", heapMax - heapFirst < 1 << 20,
                "after 4 Mi untimed adds filled the 4 MiB buffer; samples 100 ms apart"));
            report.Add(new BenchRow(scenario, "viewer count after SIGCONT = added - dropped", viewerCount == added - dropped ? 1 : 0, "bool", "1", viewerCount == added - dropped));
        }
        finally
        {
            if (stopped) Harness.Signal(pid, "CONT");
            Harness.Close(plot, client);
        }
    }
}
