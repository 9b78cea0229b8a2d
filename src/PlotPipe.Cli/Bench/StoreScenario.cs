using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// The store's size in this process, without a viewer: the bytes a point each named stream holds once encoded, and
/// the resident memory of a store of many ADC points (10⁸, or <c>--points</c>).
/// </summary>
internal static class StoreScenario
{
    private const long StreamPoints = 1L << 23;

    public static void Run(BenchReport report, BenchSettings settings)
    {
        foreach (var stream in SampleStreams.All)
        {
            var watch = Stopwatch.StartNew();
            var store = Fill(stream, StreamPoints);
            double seconds = watch.Elapsed.TotalSeconds;
            var snap = store.Snapshot();
            long inChunks = 0;
            for (int k = 0; k < snap.ChunkCount; k++) inChunks += snap.Chunks[k].HeldBytes;
            double perPoint = inChunks / (double)snap.Count;
            double bound = Bound(stream);
            string scenario = "store, " + SampleStreams.Name(stream);
            report.Add(new BenchRow(scenario, "bytes held a point", perPoint, "B/point", $"<= {bound:0}", perPoint <= bound,
                $"{snap.Count:N0} points: encoded columns and summaries over the points (16 B/point plain)"));
            report.Add(new BenchRow(scenario, "append rate, generating included", snap.Count / seconds, "points/s", Note: "one thread, in process: generate, append, encode each full chunk"));
        }

        long points = settings.Points > 0 ? settings.Points : 100_000_000;
        long residentBefore = ProcessMemory.Resident(Environment.ProcessId);
        var adc = Fill(SampleStream.RampAdc12, points);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long resident = ProcessMemory.Resident(Environment.ProcessId);
        long limit = points <= 100_000_000 ? 600_000_000 : 4_000_000_000;
        string name = $"store, {points:N0} ADC points";
        report.Add(new BenchRow(name, "bytes the store holds", adc.HeldBytes / 1e6, "MB", Note: $"{adc.HeldBytes / (double)points:F2} B/point, as the memory budget counts them"));
        report.Add(new BenchRow(name, "process resident (VmRSS)", resident / 1e6, "MB", $"<= {limit / 1e6:N0}", resident >= 0 && resident <= limit,
            $"the whole bench process after a full collection; {residentBefore / 1e6:N0} MB before the store was filled"));
        GC.KeepAlive(adc);
    }

    private static double Bound(SampleStream stream) => stream switch
    {
        SampleStream.RampAdc12 => 3,
        SampleStream.RampSine or SampleStream.JitteredTemperature => 6,
        _ => 17,
    };

    private static SeriesStore Fill(SampleStream stream, long points)
    {
        var store = new SeriesStore(new SeriesDefinition(0, SampleStreams.IsLine(stream) ? SeriesKind.Line : SeriesKind.Scatter, "bench", "-"), 0);
        var xs = new double[4096];
        var ys = new double[4096];
        for (long done = 0; done < points; done += xs.Length)
        {
            int n = (int)Math.Min(xs.Length, points - done);
            SampleStreams.Fill(stream, done, xs.AsSpan(0, n), ys.AsSpan(0, n));
            store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
        }
        if (store.Count != points) throw new BenchFailure($"the store holds {store.Count:N0} of {points:N0} {SampleStreams.Name(stream)} points");
        return store;
    }
}
