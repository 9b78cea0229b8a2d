using BenchmarkDotNet.Attributes;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Benchmarks.Codec;

/// <summary>
/// The store's encoding of one full chunk's column (<see cref="ColumnChunk.MaxCapacity"/> values) on the chunk
/// thread, per value, beside copying the column: the x and y of the named streams, and the halves (y = x / 2) that
/// <c>plotpipe bench --only throughput</c> sends with <c>Add(x, y)</c>.
/// </summary>
[MemoryDiagnoser]
public class ColumnEncodeBenchmarks
{
    private readonly ColumnEncoder _encoder = new();
    private double[] _column = [];
    private readonly double[] _copy = new double[ColumnChunk.MaxCapacity];

    /// <summary>The column: a stream's x or y.</summary>
    [Params("ramp x", "ADC y", "sine y", "temperature y", "halves y")]
    public string Column { get; set; } = "ramp x";

    [GlobalSetup]
    public void Setup()
    {
        int n = ColumnChunk.MaxCapacity;
        var xs = new double[n];
        var ys = new double[n];
        switch (Column)
        {
            case "ramp x":
                SampleStreams.Fill(SampleStream.RampSine, 1 << 20, xs, ys);
                _column = xs;
                break;
            case "ADC y":
                SampleStreams.Fill(SampleStream.RampAdc12, 1 << 20, xs, ys);
                _column = ys;
                break;
            case "sine y":
                SampleStreams.Fill(SampleStream.RampSine, 1 << 20, xs, ys);
                _column = ys;
                break;
            case "temperature y":
                SampleStreams.Fill(SampleStream.JitteredTemperature, 1 << 20, xs, ys);
                _column = ys;
                break;
            default:
                for (int i = 0; i < n; i++) ys[i] = ((1 << 20) + i) * 0.5;
                _column = ys;
                break;
        }
    }

    /// <summary>The floor: copying the column.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = ColumnChunk.MaxCapacity)]
    public void Copy() => _column.AsSpan().CopyTo(_copy);

    /// <summary>One chunk's column encoded.</summary>
    [Benchmark(OperationsPerInvoke = ColumnChunk.MaxCapacity)]
    public long Encode() => _encoder.Encode(_column).HeldBytes;
}
