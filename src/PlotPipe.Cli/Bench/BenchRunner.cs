using System.Diagnostics;
using System.Globalization;

namespace PlotPipe.Cli.Bench;

/// <summary>Runs every scenario in order, prints the table and writes the JSON; returns the exit code.</summary>
internal static class BenchRunner
{
    // Turns of the recording's cost: a run without and a run with in each, compared by the median of the turns' ratios.
    private const int RecordTurns = 5;

    public static int Run(BenchSettings settings)
    {
        var report = new BenchReport();
        var machine = Machine();
        Console.WriteLine($"plotpipe bench on {machine["cpu"]} ({machine["cores"]} cores, {machine["memory"]}), {machine["date"]}, load {machine["loadAverage"]}");
        Console.WriteLine($"  {settings.Seconds} s per throughput run{(settings.Points > 0 ? $", at most {settings.Points:N0} points" : "")}; series counts {string.Join(",", settings.SeriesCounts)}");
        long oneSeriesBytes = 0;
        double oneSeriesRate = 0;
        var total = Stopwatch.StartNew();
        if (settings.Runs("throughput")) Step(report, () =>
        {
            foreach (int n in settings.SeriesCounts)
            {
                foreach (bool spans in new[] { false, true })
                {
                    var (rate, bytes) = ThroughputScenario.Run(report, settings, n, spans);
                    if (n == 1 && spans)
                    {
                        oneSeriesBytes = bytes;
                        oneSeriesRate = rate;
                    }
                }
            }
        });
        if (settings.Runs("record")) Step(report, () =>
        {
            // On the disk a user records to (the note says where the files went): full batches go past the page cache
            // there. --record-folder /dev/shm measures the page cache's own cost instead.
            var folder = settings.RecordFolder is { } chosen
                ? Directory.CreateDirectory(Path.Combine(chosen, "plotpipe-bench-record-" + Guid.NewGuid().ToString("N")[..8]))
                : Directory.CreateTempSubdirectory("plotpipe-bench-record-");
            try
            {
                foreach (int n in settings.SeriesCounts)
                {
                    var runs = new BenchReport();
                    int recorded = 0;
                    var paired = PairedRuns.Run(RecordTurns,
                        () => ThroughputScenario.Run(runs, settings, n, spans: true).Rate,
                        () =>
                        {
                            var path = Path.Combine(folder.FullName, $"bench-{n}-{recorded++}.arrow");
                            double rate = ThroughputScenario.Run(runs, settings, n, spans: true, recordPath: path).Rate;
                            File.Delete(path);
                            return rate;
                        },
                        (turn, without, with) => Console.WriteLine($"  record, {n} series, turn {turn + 1}/{RecordTurns}: {without / 1e6:F1} M points/s without, {with / 1e6:F1} M with --record"));
                    foreach (var failure in runs.Failures) report.Fail(failure);
                    double ratio = paired.Ratio;
                    report.Add(new BenchRow($"block, {n} series, Add(xs,ys) 4096", "end-to-end rate without / with --record (medians)", paired.Without, "points/s",
                        Note: $"with: {paired.With / 1e6:F1} M points/s"));
                    report.Add(new BenchRow($"block, {n} series, Add(xs,ys) 4096", "with --record / without", ratio * 100, "%", ">= 80", ratio >= 0.8,
                        $"median of {RecordTurns} turns' ratios ({paired.Turns} %), each turn a run without and one with, in turns; the recording writes to " + folder.FullName));
                }
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        });
        if (settings.Runs("alerts")) Step(report, () => AlertsScenario.Run(report, settings));
        if (settings.Runs("store")) Step(report, () => StoreScenario.Run(report, settings));
        if (settings.Runs("capped")) Step(report, () =>
        {
            // What a store that keeps every point is up against: 16 bytes of never-touched memory per point.
            double fresh = Harness.FreshMemoryBytesPerSecond(256 << 20);
            report.Add(new BenchRow("fresh memory (first touch)", "bandwidth", fresh / 1e6, "MB/s", Note: "256 MiB allocated and written once per 4 KiB page in this process"));
            report.Add(new BenchRow("fresh memory (first touch)", "as stored points (16 B each)", fresh / 16, "points/s"));
            // The same pipeline with the viewer capping each series, so its store reuses memory instead of growing.
            foreach (bool spans in new[] { false, true })
                ThroughputScenario.Run(report, settings, 1, spans, maxPointsPerSeries: 1 << 22);
        });
        if (settings.Runs("pipe")) Step(report, () =>
        {
            // Same byte count as the one-series run (or 2 GiB if it did not run), into each reader.
            long bytes = oneSeriesBytes > 0 ? oneSeriesBytes : 2L << 30;
            foreach (bool dotnet in new[] { true, false })
            {
                var (reader, rate) = RawPipe.Measure(dotnet, bytes);
                string scenario = dotnet ? "raw pipe, .NET discard reader" : "raw pipe, dd reader";
                report.Add(new BenchRow(scenario, "bandwidth", rate / 1e6, "MB/s", Note: $"{bytes / 1e6:N0} MB in 1 MiB writes into {reader}"));
                report.Add(new BenchRow(scenario, "as (x, y) points", rate / 16, "points/s"));
                if (oneSeriesRate > 0)
                {
                    double ratio = oneSeriesRate * 16 / rate;
                    report.Add(new BenchRow(scenario, "end-to-end / raw (1 series, spans)", ratio * 100, "%", dotnet ? ">= 50" : null, dotnet ? ratio >= 0.5 : null));
                }
            }
        });
        if (settings.Runs("latency"))
        {
            Step(report, () => LatencyScenario.Run(report, settings, fullLoad: false));
            Step(report, () => LatencyScenario.Run(report, settings, fullLoad: true));
            Step(report, () => LatencyScenario.Run(report, settings, fullLoad: true, grownBuffer: true));
        }
        if (settings.Runs("drop")) Step(report, () => DropScenario.Run(report, settings));
        if (settings.Runs("stopped")) Step(report, () => StoppedViewerScenario.Run(report, settings));
        if (settings.Runs("tcp")) Step(report, () => TcpScenario.Run(report, settings));
        report.Add(new BenchRow("producer (whole run)", "peak working set", Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, "MiB",
            Note: "the harness process: every scenario's producer plus its own arrays and HTTP client"));
        report.Add(new BenchRow("harness", "wall time", total.Elapsed.TotalSeconds, "s"));
        report.PrintTable(Console.Out);
        if (settings.JsonPath is { } path)
        {
            report.WriteJson(path, machine);
            Console.WriteLine($"wrote {path}");
        }
        return report.Failures.Count == 0 ? 0 : 1;
    }

    // A scenario that cannot finish is a failure of the run, not of the harness: record it and go on.
    private static void Step(BenchReport report, Action scenario)
    {
        try
        {
            scenario();
            Console.WriteLine($"  (harness working set now {Environment.WorkingSet / 1048576.0:F0} MiB)");
        }
        catch (Exception e) when (e is BenchFailure or InvalidOperationException or IOException or TimeoutException or HttpRequestException or AggregateException)
        {
            report.Fail(e.Message);
        }
    }

    private static Dictionary<string, string> Machine()
    {
        string cpu = "unknown";
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) { cpu = line[(line.IndexOf(':') + 1)..].Trim(); break; }
        }
        catch (IOException)
        {
        }
        string load = "?";
        try
        {
            load = File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
        }
        var gc = GC.GetGCMemoryInfo();
        return new Dictionary<string, string>
        {
            ["cpu"] = cpu,
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["memory"] = $"{gc.TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["loadAverage"] = load,
            ["runtime"] = Environment.Version.ToString(),
        };
    }
}
