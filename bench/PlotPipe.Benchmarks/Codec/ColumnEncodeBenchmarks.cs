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
        if (Column == "halves y")
        {
            for (int i = 0; i < n; i++) ys[i] = ((1 << 20) + i) * 0.5;
            _column = ys;
            return;
        }
        var (stream, y) = Column switch
        {
            "ramp x" => (SampleStream.RampSine, false),
            "ADC y" => (SampleStream.RampAdc12, true),
            "sine y" => (SampleStream.RampSine, true),
            _ => (SampleStream.JitteredTemperature, true),
        };
        SampleStreams.Fill(stream, 1 << 20, xs, ys);
        _column = y ? ys : xs;
    }

    /// <summary>The floor: copying the column.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = ColumnChunk.MaxCapacity)]
    public void Copy() => _column.AsSpan().CopyTo(_copy);

    /// <summary>One chunk's column encoded.</summary>
    [Benchmark(OperationsPerInvoke = ColumnChunk.MaxCapacity)]
    public long Encode() => _encoder.Encode(_column).HeldBytes;
}
