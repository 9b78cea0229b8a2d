using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>A 1,000 × 600 px density grid of 10^7 scatter points in view, against copying them all.</summary>
[MemoryDiagnoser]
public class ScatterViewBenchmarks
{
    private const long Points = 10_000_000;
    private SeriesSnapshot _snapshot;
    private readonly SeriesView _view = new();
    private double[] _allX = null!;
    private double[] _allY = null!;
    private readonly Viewport _all = new(0, 100, 0, 100, 1000, 600);

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = DecimateData.Scatter(Points).Snapshot();
        _allX = new double[Points];
        _allY = new double[Points];
        ViewBuilder.Build(SeriesKind.Scatter, _snapshot, _all, _view);
        Console.WriteLine($"// scatter view: {_view.Mode}, {_view.PointsInView:N0} in view");
    }

    [Benchmark(Baseline = true)]
    public long Naive_all_points_in_view() => DecimateData.CopyInX(_snapshot, _all.XMin, _all.XMax, _allX, _allY);

    [Benchmark]
    public long Density_all_in_view()
    {
        ViewBuilder.Build(SeriesKind.Scatter, _snapshot, _all, _view);
        return _view.PointsInView;
    }

    [Benchmark]
    public long Density_on_log_axes()
    {
        // Both axes log over four decades: almost all points in view, binned by log10 of x and y.
        ViewBuilder.Build(SeriesKind.Scatter, _snapshot, _all with { XMin = 0.01, YMin = 0.01, XLog = true, YLog = true }, _view);
        return _view.PointsInView;
    }

    [Benchmark]
    public long Density_view_cutting_every_block()
    {
        // Random points: every block straddles this view, so each point takes the range test.
        ViewBuilder.Build(SeriesKind.Scatter, _snapshot, new Viewport(10, 90, 10, 90, 1000, 600), _view);
        return _view.PointsInView;
    }
}
