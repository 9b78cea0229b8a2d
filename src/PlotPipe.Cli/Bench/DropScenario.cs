using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// The default policy with a producer faster than the pipe: points are dropped and counted, never waited
/// for. Checks that what arrived plus what was dropped is what was added, and that the viewer's
/// <c>/api/status</c> dropped figure equals <see cref="LivePlot.Dropped"/>.
/// </summary>
internal static class DropScenario
{
    public static void Run(BenchReport report, BenchSettings settings)
    {
        const string scenario = "drop (default), Add(x,y) flat out";
        var (plot, client, _) = Harness.Spawn(WhenFull.Drop);
        try
        {
            var series = plot.Scatter("fast", "b.");
            long added = 0;
            double x = 0;
            long start = Stopwatch.GetTimestamp();
            long deadline = start + (long)(Math.Min(2, settings.Seconds) * Harness.TicksPerSecond);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                for (int i = 0; i < 4096; i++)
                {
                    series.Add(x, x);
                    x += 1;
                }
                added += 4096;
            }
            double seconds = Harness.Seconds(start, Stopwatch.GetTimestamp());
            plot.Finish();
            plot.Completion.Wait(TimeSpan.FromSeconds(30));
            long dropped = plot.Dropped;

            long viewerDropped = -1, viewerCount = -1;
            var until = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < until)
            {
                viewerDropped = client.Status().Dropped;
                viewerCount = client.Count("fast");
                if (viewerDropped == dropped && viewerCount == added - dropped) break;
                Thread.Sleep(2);
            }
            if (viewerDropped != dropped) report.Fail($"{scenario}: the viewer reports {viewerDropped} dropped, the producer {dropped}");
            if (viewerCount != added - dropped) report.Fail($"{scenario}: the viewer holds {viewerCount} points; added {added} - dropped {dropped} = {added - dropped}");
            report.Add(new BenchRow(scenario, "points added", added, "points"));
            report.Add(new BenchRow(scenario, "add rate (never waits)", added / seconds, "points/s"));
            report.Add(new BenchRow(scenario, "dropped (plot.Dropped)", dropped, "points"));
            report.Add(new BenchRow(scenario, "dropped (viewer /api/status)", viewerDropped, "points", "= plot.Dropped", viewerDropped == dropped));
            report.Add(new BenchRow(scenario, "delivered + dropped = added", viewerCount + viewerDropped == added ? 1 : 0, "bool", "1", viewerCount + viewerDropped == added));
        }
        finally
        {
            Harness.Close(plot, client);
        }
    }
}
