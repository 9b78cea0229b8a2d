using BenchmarkDotNet.Attributes;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>
/// <see cref="Series.Add(double, double)"/> into 1,024 series in turn, beside the same number of adds into one
/// series: many series share the buffer in smaller chunks, and the issue asks for at least half the
/// single-series throughput. Writes into <see cref="Stream.Null"/> under Block, so every point is delivered.
/// </summary>
[MemoryDiagnoser]
public class ManySeriesBenchmarks
{
    private const int SeriesCount = 1024;
    private const int Adds = 1 << 16;
    private LivePlot _plot = null!;
    private LivePlot _single = null!;
    private Series[] _many = null!;
    private Series _one = null!;
    private double _x;

    [GlobalSetup]
    public void Setup()
    {
        _plot = LivePlot.ToStream(Stream.Null, AddLoop.FixedBuffer(WhenFull.Block));
        // A plot of its own: one more would pass the 1,024-series limit.
        _single = LivePlot.ToStream(Stream.Null, AddLoop.FixedBuffer(WhenFull.Block));
        _one = _single.Scatter("one", "b.");
        _many = new Series[SeriesCount];
        for (int i = 0; i < SeriesCount; i++) _many[i] = _plot.Scatter($"s{i}", "b.");
        // Warm every size of chunk in use: steady state.
        for (int r = 0; r < 8 * (1 << 18) / SeriesCount; r++)
        for (int i = 0; i < SeriesCount; i++)
            _many[i].Add(r, i);
        for (int i = 0; i < 8 * (1 << 18); i++) _one.Add(i, i);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var plot in new[] { _plot, _single })
        {
            plot.Finish();
            plot.Completion.Wait();
            if (plot.Dropped != 0) throw new InvalidOperationException($"{plot.Dropped} points dropped under Block");
        }
    }

    /// <summary>Every add into the same series.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Adds)]
    public void OneSeries()
    {
        _x = AddLoop.Ramp(_one, _x, Adds);
    }

    /// <summary>
    /// The floor for many series: the same stores into 1,024 plain objects in turn, each with its own lock word,
    /// count and two 128-value columns, as the buffer's fast path does, without any of PlotPipe.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void RoundRobin1024PlainSlots()
    {
        var all = _slots;
        double x = _x;
        for (int i = 0; i < Adds; i++)
        {
            var slot = all[i & (SeriesCount - 1)];
            if (Interlocked.CompareExchange(ref slot.Lock, 1, 0) == 0)
            {
                int n = slot.Count;
                var xs = slot.X;
                if ((uint)n >= (uint)xs.Length) n = 0;
                xs[n] = x;
                slot.Y[n] = x * 0.5;
                slot.Count = n + 1;
                Volatile.Write(ref slot.Lock, 0);
            }
            x += 1;
        }
        _x = x;
    }

    private readonly Slot[] _slots = Enumerable.Range(0, SeriesCount).Select(_ => new Slot()).ToArray();

    private sealed class Slot
    {
        public int Lock;
        public int Count;
        public readonly double[] X = new double[128];
        public readonly double[] Y = new double[128];
    }

    /// <summary>Each add into the next of 1,024 series, round-robin.</summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void RoundRobin1024Series()
    {
        var all = _many;
        double x = _x;
        for (int i = 0; i < Adds; i++)
        {
            all[i & (SeriesCount - 1)].Add(x, x * 0.5);
            x += 1;
        }
        _x = x;
    }
}
