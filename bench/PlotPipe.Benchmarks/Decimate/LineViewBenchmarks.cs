using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>
/// One 1,000-px view of a whole line (M4) against copying every point in view, the cost of drawing them all.
/// The store is built once per size (10^8 points hold 1.6 GB).
/// </summary>
[MemoryDiagnoser]
public class LineViewBenchmarks
{
    private SeriesSnapshot _snapshot;
    private readonly SeriesView _view = new();
    private double[] _allX = null!;
    private double[] _allY = null!;
    private Viewport _viewport;

    /// <summary>Points in the line, all of them in view.</summary>
    [Params(1_000_000, 100_000_000)]
    public long Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = DecimateData.Line(Points).Snapshot();
        _viewport = new Viewport(0, Points - 1, -1, 2, 1000, 600);
        _allX = new double[Points];
        _allY = new double[Points];
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport, _view);
        Console.WriteLine($"// M4 sends {_view.Count} points for {_view.PointsInView:N0} in view");
    }

    [Benchmark(Baseline = true)]
    public long Naive_all_points_in_view() => DecimateData.CopyInX(_snapshot, _viewport.XMin, _viewport.XMax, _allX, _allY);

    [Benchmark]
    public int M4_view()
    {
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport, _view);
        return _view.Count;
    }

    [Benchmark]
    public double M4_view_of_the_middle_tenth()
    {
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport with { XMin = Points * 0.45, XMax = Points * 0.55 }, _view);
        return _view.Count;
    }

    [Benchmark]
    public int M4_view_on_a_log_x_axis()
    {
        // x counts from 0; a log axis starts at the first positive x and spreads eight decades over the columns.
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport with { XMin = 1, XLog = true }, _view);
        return _view.Count;
    }

    [Benchmark]
    public double Bounds_of_line() => ViewBuilder.BoundsFor(SeriesKind.Line, _snapshot).YMax;

    [Benchmark]
    public double Bounds_any_kind() => ViewBuilder.Bounds(_snapshot).YMax;
}
