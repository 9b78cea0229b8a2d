using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// Parsing an in-memory text file into a fresh store, reported per number read (200 ns/number is 5 million
/// numbers/s), against a plain copy of the same bytes. Rows are <c>step,loss,acc,lr</c> as Python prints them:
/// an integer step and shortest round-trip doubles (up to 17 digits). The input is cut into 1 MiB segments as
/// the viewer's pipe reader hands it over, so lines straddle segments as they do live.
/// </summary>
[MemoryDiagnoser]
public class TextIngestBenchmarks
{
    private const int Rows = 250_000;
    private const int NumbersPerRow = 4;
    private const int TotalNumbers = Rows * NumbersPerRow;
    private byte[] _bytes = null!;
    private byte[] _copy = null!;
    private ReadOnlySequence<byte> _input;

    /// <summary>Delimited numbers with a header, or JSON lines with <c>--x step</c>.</summary>
    [Params("csv", "json")]
    public string Format { get; set; } = "csv";

    [GlobalSetup]
    public void Setup()
    {
        _bytes = Build(Format, Rows);
        _copy = new byte[_bytes.Length];
        _input = Segments.Split(_bytes, 1 << 20);
    }

    /// <summary>The rows, as <c>plotpipe view</c> would read them from a file.</summary>
    public static byte[] Build(string format, int rows)
    {
        var text = new StringBuilder(rows * 64);
        if (format == "csv") text.Append("step,loss,acc,lr\n");
        for (int i = 0; i < rows; i++)
        {
            double loss = Math.Exp(-i / 50_000.0), acc = 1 - loss / 2, lr = 1e-3 * Math.Cos(i * 1e-4);
            if (format == "csv") text.Append(CultureInfo.InvariantCulture, $"{i},{loss:R},{acc:R},{lr:R}\n");
            else text.Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {loss:R}, \"acc\": {acc:R}, \"lr\": {lr:R}}}\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The floor: one copy of the same bytes into a warm buffer (what <c>cat</c> does at best).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TotalNumbers)]
    public void Memcpy() => _bytes.AsSpan().CopyTo(_copy);

    /// <summary>Cut lines, parse every number and append the points to a new store, as the viewer does.</summary>
    [Benchmark(OperationsPerInvoke = TotalNumbers)]
    public long ParseIntoStore()
    {
        var store = new PlotStore();
        var series = new TextSeries(store);
        var parser = new TextParser(new TextOptions { XField = Format == "json" ? "step" : null }, series, new TextProblems(store, _ => { }));
        var buffer = _input;
        parser.Consume(ref buffer, isCompleted: true);
        series.Flush();
        return store.TotalPoints;
    }
}
