using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// Recordings made by the real recorder whose batches were received at distinct times (each block of rows waits
/// until the clock has moved on), and what a reader of the file says was received by a given time.
/// </summary>
internal static class TimedRecording
{
    /// <summary>
    /// Writes <paramref name="batches"/> batches of 100 rows alternating between a line "signal" and a scatter "marks"
    /// (all to "signal" with <paramref name="lineOnly"/>), x from <paramref name="x0"/> in steps of 1 (Unix seconds
    /// with <paramref name="timeX"/>), y = sin.
    /// </summary>
    public static async Task WriteAsync(string path, int batches, double x0 = 0, bool timeX = false, bool lineOnly = false)
    {
        var store = new PlotStore();
        await using var recorder = Recorder.Start(path, store, _ => { }, blockRows: 100, maxBlocks: 100_000);
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        var producer = store.AddProducer("bench", "stdin");
        var flags = timeX ? SeriesFlags.TimeX : SeriesFlags.None;
        var line = store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-", 0, flags), producer);
        var marks = lineOnly ? line : store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "marks", "ro", 0, flags), producer);
        var xs = new double[100];
        var ys = new double[100];
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < 100; i++)
            {
                xs[i] = x0 + b * 100 + i;
                ys[i] = Math.Sin(xs[i] / 40);
            }
            // Each block of 100 rows fills one batch, stamped when its first row arrived: the clock moves between them.
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMilliseconds(3)) Thread.SpinWait(100);
            sink.Append(b % 2 == 0 ? line : marks, xs, ys);
        }
    }

    /// <summary>
    /// Writes the recording of two runs of one script, "train.py" and "train.py (2)", each with a line "loss" (3 points)
    /// and a line "acc" (2 points), as a viewer records two producers of the same series.
    /// </summary>
    public static async Task WriteTwoRunsAsync(string path)
    {
        var store = new PlotStore();
        await using var recorder = Recorder.Start(path, store, _ => { }, blockRows: 100);
        foreach (var run in new[] { "train.py", "train.py (2)" })
        {
            var producer = store.AddProducer(run, "stdin");
            var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), producer);
            var acc = store.Define(new SeriesDefinition(1, SeriesKind.Line, "acc", "-"), producer);
            recorder.Add(loss, [0.0, 1.0, 2.0], [3.0, 2.0, 1.0]);
            recorder.Add(acc, [0.0, 1.0], [0.5, 0.9]);
        }
    }

    /// <summary>Every batch's first receive time and rows, as the file says.</summary>
    public static List<(long Micros, int Rows)> Batches(string path)
    {
        using var file = File.OpenRead(path);
        var reader = new RecordingReader(file);
        var batches = new List<(long, int)>();
        while (reader.Next())
        {
            if (reader.Rows > 0) batches.Add((reader.FirstReceivedMicros, reader.Rows));
        }
        return batches;
    }

    /// <summary>Rows of the batches received up to <paramref name="micros"/>.</summary>
    public static long ReceivedBy(string path, long micros) => Batches(path).Where(b => b.Micros <= micros).Sum(b => (long)b.Rows);
}
