using BenchmarkDotNet.Attributes;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>
/// Cost of one <see cref="Series.Add(DateTime, double)"/> in a hot loop against <see cref="Series.Add(double, double)"/>
/// in the same run: time on x must cost no more than the conversion to Unix seconds. Set up as
/// <see cref="AddPointBenchmarks"/>: a plot into <see cref="Stream.Null"/> under Block, warmed to steady state.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AddTimeBenchmarks
{
    private const int Adds = 1 << 16;
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private LivePlot _plot = null!;
    private Series _numbers = null!;
    private Series _times = null!;
    private double _x;
    private DateTime _t = Start;

    [GlobalSetup]
    public void Setup()
    {
        _plot = LivePlot.ToStream(Stream.Null, new LivePlotOptions { WhenFull = WhenFull.Block });
        _numbers = _plot.Scatter("numbers", "b.");
        _times = _plot.Line("times", "r-");
        for (int i = 0; i < 4 * (1 << 18); i++)
        {
            _numbers.Add(i, i);
            _times.Add(_t, i);
            _t = _t.AddTicks(10);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plot.Finish();
        _plot.Completion.Wait();
        if (_plot.Dropped != 0) throw new InvalidOperationException($"{_plot.Dropped} points dropped under Block");
    }

    /// <summary>The baseline: one point with a double x through the public API.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Adds)]
    public void AddPoint()
    {
        _x = AddLoop.Ramp(_numbers, _x, Adds);
    }

    /// <summary>One point with a UTC <see cref="DateTime"/> x, a microsecond after the last.</summary>
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
