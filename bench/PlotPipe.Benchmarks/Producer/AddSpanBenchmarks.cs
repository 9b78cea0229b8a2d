using BenchmarkDotNet.Attributes;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>
/// <see cref="Series.Add(ReadOnlySpan{double}, ReadOnlySpan{double})"/> of 4,096 points, reported per point
/// (ns/point; 5 ns/point is 200 million points/s), against copying the same columns into two arrays.
/// </summary>
[MemoryDiagnoser]
public class AddSpanBenchmarks
{
    private const int Points = 4096;
    private LivePlot _plot = null!;
    private Series _series = null!;
    private readonly double[] _xs = new double[Points];
    private readonly double[] _ys = new double[Points];
    private readonly double[] _toX = new double[Points];
    private readonly double[] _toY = new double[Points];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < Points; i++)
        {
            _xs[i] = i;
            _ys[i] = Math.Sin(i);
        }
        // Block: the figure is what is delivered into the writer, never points dropped to look fast.
        _plot = LivePlot.ToStream(Stream.Null, AddLoop.FixedBuffer(WhenFull.Block));
        _series = _plot.Scatter("bench", "b.");
        for (int i = 0; i < 512; i++) _series.Add(_xs, _ys);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plot.Finish();
        _plot.Completion.Wait();
        if (_plot.Dropped != 0) throw new InvalidOperationException($"{_plot.Dropped} points dropped under Block");
    }

    /// <summary>The floor: two block copies of the columns.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public void CopyTwoArrays()
    {
        _xs.AsSpan().CopyTo(_toX);
        _ys.AsSpan().CopyTo(_toY);
    }

    /// <summary>4,096 points in one call.</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public void AddSpan4096() => _series.Add(_xs, _ys);
}
