using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Export;

/// <summary>
/// A whole saved picture (figure built, drawn and encoded as PNG, not written to disk) of 10^7 points: three series
/// in one panel against the same three series in three panels, the first on a log y axis; as lines and as scatters.
/// </summary>
[MemoryDiagnoser]
public class PictureExportBenchmarks
{
    private PlotStore _store = null!;
    private PlotStore _empty = null!;

    /// <summary>Points over all three series.</summary>
    [Params(10_000_000)]
    public int Points { get; set; }

    /// <summary>Panels the three series are spread over.</summary>
    [Params(1, 3)]
    public int Panels { get; set; }

    /// <summary>Lines (M4 per pixel column) or scatters (the query's density view, one marker per marker-sized cell).</summary>
    [Params(SeriesKind.Line, SeriesKind.Scatter)]
    public SeriesKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _empty = Build(0);
        _store = Build(Points);
    }

    // The same title, panels and series; with no points, what is left is the chart library's drawing and encoding.
    private PlotStore Build(int points)
    {
        var store = new PlotStore();
        store.Plot.DefinePlot([new(PlotProperties.Title, "Training")]);
        if (Panels == 3)
        {
            store.Plot.DefinePanel(1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YLabel, "cross-entropy"), new(PlotProperties.YScale, "log")]);
            store.Plot.DefinePanel(2, [new(PlotProperties.Title, "Accuracy"), new(PlotProperties.YLabel, "accuracy")]);
            store.Plot.DefinePanel(3, [new(PlotProperties.Title, "Learning rate"), new(PlotProperties.YLabel, "lr"), new(PlotProperties.XLabel, "step")]);
        }
        int each = points / 3;
        var rng = new Random(3);
        string[] names = ["train", "val", "lr"];
        for (int s = 0; s < 3; s++)
        {
            var series = store.Define(new SeriesDefinition(s, Kind, names[s], Kind == SeriesKind.Line ? "-" : ".", Panels == 3 ? s + 1 : 0));
            var xs = new double[ColumnChunk.MaxCapacity];
            var ys = new double[ColumnChunk.MaxCapacity];
            for (int done = 0; done < each; done += xs.Length)
            {
                int n = Math.Min(xs.Length, each - done);
                for (int i = 0; i < n; i++)
                {
                    double step = done + i;
                    xs[i] = Kind == SeriesKind.Line ? step : rng.NextDouble() * each;
                    double t = xs[i] / each;
                    ys[i] = s switch
                    {
                        0 => 2.5 * Math.Pow(10, -4 * t) * (1 + 0.3 * rng.NextDouble()),
                        1 => 1 - Math.Exp(-6 * t) + 0.02 * rng.NextDouble(),
                        _ => 1e-3 * (1 + Math.Cos(Math.PI * t)) / 2,
                    };
                }
                series.Append(xs.AsSpan(0, n), ys.AsSpan(0, n));
            }
        }
        return store;
    }

    [Benchmark(Baseline = true)]
    public int Png_without_points() => PictureExporter.Render(_empty, 800).PngBytes().Length;

    [Benchmark]
    public int Png() => PictureExporter.Render(_store, 800).PngBytes().Length;
}
