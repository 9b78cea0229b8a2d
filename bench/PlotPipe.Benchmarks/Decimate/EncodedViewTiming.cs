using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>
/// A quick in-process timing of the views of <see cref="EncodedViewBenchmarks"/> (a 1,000-px M4 view over 10^8 points
/// of each named stream, whole and middle tenth), for comparing two builds in turns where a full BenchmarkDotNet run
/// takes too long: <c>dotnet PlotPipe.Benchmarks.dll encoded-view-timing [points] [warm-ups] [stream]</c> (a stream's name
/// or part of it, to time one). Prints the median
/// and fastest of 21 builds after the warm-ups, and a hash of the view so two builds can be seen to agree. Random
/// doubles come last as the baseline measured in the same run: their y saves nothing encoded and stays plain, their
/// ramp x is read in place, so their view costs what a view over plain columns does.
/// </summary>
public static class EncodedViewTiming
{
    /// <summary>Runs the timing; <paramref name="args"/> are the points (10^8), warm-up builds (2,000: past tiered JIT's tier-up) and a stream.</summary>
    public static void Run(string[] args)
    {
        long points = args.Length > 0 ? long.Parse(args[0]) : 100_000_000;
        int warmUps = args.Length > 1 ? int.Parse(args[1]) : 2000;
        string only = args.Length > 2 ? args[2] : "";
        foreach (var stream in new[] { SampleStream.RampAdc12, SampleStream.JitteredTemperature, SampleStream.RampSine, SampleStream.RandomDoubles })
        {
            if (!SampleStreams.Name(stream).Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
            var store = new SeriesStore(new SeriesDefinition(1, SeriesKind.Line, "line", "b-"), 0);
            var xs = new double[ColumnChunk.MaxCapacity];
            var ys = new double[ColumnChunk.MaxCapacity];
            for (long done = 0; done < points; done += xs.Length)
            {
                int n = (int)Math.Min(xs.Length, points - done);
                SampleStreams.Fill(stream, done, xs.AsSpan(0, n), ys.AsSpan(0, n));
                store.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
            }
            var snapshot = store.Snapshot();
            var whole = new Viewport(snapshot.X(0), snapshot.X(points - 1), -1, 5000, 1000, 600);
            double span = whole.XMax - whole.XMin;
            var middle = whole with { XMin = whole.XMin + span * 0.45, XMax = whole.XMin + span * 0.55 };
            var view = new SeriesView();
            Time(SampleStreams.Name(stream) + ", whole", snapshot, whole, view, warmUps);
            Time(SampleStreams.Name(stream) + ", middle tenth", snapshot, middle, view, warmUps);
        }
    }

    private static void Time(string name, in SeriesSnapshot snapshot, in Viewport viewport, SeriesView view, int warmUps)
    {
        for (int r = 0; r < warmUps; r++)
        {
            ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, view);
            // A pause half way lets the JIT's background tier-up finish before the timed builds.
            if (r == warmUps / 2) Thread.Sleep(300);
        }
        var ms = new double[21];
        for (int r = 0; r < ms.Length; r++)
        {
            // Each timed build is a new view of its window: the columns a line keeps for its next view of the same
            // window are forgotten (the whole range keeps none anyway: it starts at the first point).
            view.ColumnsKept = false;
            long start = Stopwatch.GetTimestamp();
            ViewBuilder.Build(SeriesKind.Line, snapshot, viewport, view);
            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        long hash = 17;
        for (int i = 0; i < view.Count; i++)
            hash = unchecked(hash * 31 + BitConverter.DoubleToInt64Bits(view.Xs[i]) * 7 + BitConverter.DoubleToInt64Bits(view.Ys[i]));
        Console.WriteLine($"{name,-45} median {ms[ms.Length / 2],6:F2} ms  fastest {ms[0],6:F2} ms  {view.Count} points, hash {hash:X16}");
    }
}
