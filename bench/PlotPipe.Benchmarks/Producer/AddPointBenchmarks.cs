using BenchmarkDotNet.Attributes;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>
/// Cost of one <see cref="Series.Add(double, double)"/> in a hot loop, against the floor of storing the same
/// values into two plain arrays, and of <see cref="Series.Add(DateTime, double)"/> beside it. The plot writes into
/// <see cref="Stream.Null"/>, so only the producer side is measured; the background writer drains it on the other core.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AddPointBenchmarks
{
    private const int Adds = 1 << 16;
    private LivePlot _plot = null!;
    private Series _series = null!;
    private Series _times = null!;
    private DateTime _t = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly double[] _xs = new double[Adds];
    private readonly double[] _ys = new double[Adds];
    private double _x;

    [GlobalSetup]
    public void Setup()
    {
        // Block rather than the default Drop: if the writer ever fell behind, dropping would make Add look
        // cheaper than delivering; with Stream.Null it never does, so this is the never-waiting path.
        _plot = LivePlot.ToStream(Stream.Null, AddLoop.FixedBuffer(WhenFull.Block));
        _series = _plot.Scatter("bench", "b.");
        // Cycle the whole buffer a few times so every chunk exists before measuring: steady state.
        for (int i = 0; i < 8 * (1 << 18); i++) _series.Add(i, i);
        _times = _plot.Line("times", "r-");
        AddDateTime();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plot.Finish();
        _plot.Completion.Wait();
        if (_plot.Dropped != 0) throw new InvalidOperationException($"{_plot.Dropped} points dropped under Block");
    }

    /// <summary>The floor: the same stores into two preallocated arrays.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Adds)]
    public void TwoArrays()
    {
        var xs = _xs;
        var ys = _ys;
        double x = _x;
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = x;
            ys[i] = x * 0.5;
            x += 1;
        }
        _x = x;
    }

    /// <summary>A second floor: the same stores guarded by one uncontended compare-exchange, as Add's fast path is.</summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void TwoArraysUnderCompareExchange()
    {
        var xs = _xs;
        var ys = _ys;
        double x = _x;
        for (int i = 0; i < xs.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _gate, 1, 0) == 0)
            {
                xs[i] = x;
                ys[i] = x * 0.5;
                Volatile.Write(ref _gate, 0);
            }
            x += 1;
        }
        _x = x;
    }

    private int _gate;

    /// <summary>One point at a time through the public API.</summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void AddPoint()
    {
        _x = AddLoop.Ramp(_series, _x, Adds);
    }

    /// <summary>One point with a UTC time on x, a microsecond after the last: the conversion to Unix seconds on top of AddPoint.</summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void AddDateTime()
    {
        var series = _times;
        var t = _t;
        for (int i = 0; i < Adds; i++)
        {
            series.Add(t, 0.5);
            t = t.AddTicks(10);
        }
        _t = t;
    }
}
