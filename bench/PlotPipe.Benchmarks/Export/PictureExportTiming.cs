using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Export;

/// <summary>
/// A quick in-process timing of whole saved pictures (figure built, drawn and encoded as PNG, 800 px wide) of the
/// three series of <see cref="PictureExportBenchmarks"/>, as lines and as scatters, in one panel and in three, for
/// comparing two builds in turns where a full BenchmarkDotNet run takes too long:
/// <c>dotnet PlotPipe.Benchmarks.dll picture-export-timing [points] [rounds] [line|scatter]</c>. Prints the median and
/// fastest of the timed rounds after two warm-ups.
/// </summary>
public static class PictureExportTiming
{
    /// <summary>Runs the timing; <paramref name="args"/> are the points over all series (10^7), the timed rounds (7) and the kinds (both).</summary>
    public static void Run(string[] args)
    {
        int points = args.Length > 0 ? int.Parse(args[0]) : 10_000_000;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 7;
        var kinds = args.Length > 2 ? [Enum.Parse<SeriesKind>(args[2], ignoreCase: true)] : new[] { SeriesKind.Line, SeriesKind.Scatter };
        foreach (var kind in kinds)
        {
            foreach (int panels in new[] { 1, 3 })
            {
                var bench = new PictureExportBenchmarks { Points = points, Panels = panels, Kind = kind };
                bench.Setup();
                for (int r = 0; r < 2; r++) bench.Png();
                var ms = new double[rounds];
                int bytes = 0;
                for (int r = 0; r < rounds; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    bytes = bench.Png();
                    ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
                Array.Sort(ms);
                Console.WriteLine($"{points:N0} points, {kind}, {panels} panel(s): median {ms[rounds / 2],8:F1} ms  fastest {ms[0],8:F1} ms  ({bytes:N0} PNG bytes)");
                bench = null;
                GC.Collect();
            }
        }
    }
}
