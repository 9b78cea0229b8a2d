using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Benchmarks.Decimate;

/// <summary>
/// A 1,000-px line view (M4) over 10^8 points whose y the store keeps encoded (the named streams of
/// <c>plotpipe bench --only store</c>), beside the same view over the noisy line of <see cref="LineViewBenchmarks"/>,
/// whose y stays plain.
/// </summary>
[MemoryDiagnoser]
public class EncodedViewBenchmarks
{
    private SeriesSnapshot _snapshot;
    private readonly SeriesView _view = new();
    private Viewport _viewport;

    /// <summary>The named stream: a full-precision sine, a 12-bit ADC, a clock with a temperature.</summary>
    [Params("RampSine", "RampAdc12", "JitteredTemperature")]
    public string Stream { get; set; } = "RampSine";

    private const long Points = 100_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var stream = Enum.Parse<SampleStream>(Stream);
        var store = new SeriesStore(new SeriesDefinition(1, SeriesKind.Line, "line", "b-"), 0);
        var xs = new double[ColumnChunk.MaxCapacity];
        var ys = new double[ColumnChunk.MaxCapacity];
        for (long done = 0; done < Points; done += xs.Length)
        {
            SampleStreams.Fill(stream, done, xs, ys);
            store.Append(xs, ys);
        }
        _snapshot = store.Snapshot();
        _viewport = new Viewport(_snapshot.X(0), _snapshot.X(Points - 1), -1, 5000, 1000, 600);
        Console.WriteLine($"// {SampleStreams.Name(stream)}: {store.HeldBytes / (double)Points:F2} B/point held");
    }

    [Benchmark]
    public int M4_view()
    {
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport, _view);
        return _view.Count;
    }

    [Benchmark]
    public int M4_view_of_the_middle_tenth()
    {
        double span = _viewport.XMax - _viewport.XMin;
        ViewBuilder.Build(SeriesKind.Line, _snapshot, _viewport with { XMin = _viewport.XMin + span * 0.45, XMax = _viewport.XMin + span * 0.55 }, _view);
        return _view.Count;
    }
}
