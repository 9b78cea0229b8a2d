using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// Decoding a prebuilt stream of Points frames and appending them to a fresh store, reported per point
/// (10 ns/point is 100 million points/s), against a plain copy of the same bytes. The input is cut into
/// 1 MiB segments like the viewer's pipe reader hands it over, so frames straddle segments as they do live.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int FramePoints = 8192;
    private const int Frames = 256;
    private const int TotalPoints = FramePoints * Frames;
    private byte[] _bytes = null!;
    private byte[] _copy = null!;
    private ReadOnlySequence<byte> _input;
    private readonly double[] _warmX = new double[FramePoints];
    private readonly double[] _warmY = new double[FramePoints];

    /// <summary>Scatter stores as sent; a line also checks that x does not decrease.</summary>
    [Params(SeriesKind.Scatter, SeriesKind.Line)]
    public SeriesKind Kind { get; set; }

    /// <summary>Bytes per input segment (the viewer reads with 1 MiB buffers).</summary>
    [Params(1 << 20)]
    public int SegmentBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bytes = PointsStream.Build(Kind, Frames, FramePoints, finish: true);
        _copy = new byte[_bytes.Length];
        _input = Segments.Split(_bytes, SegmentBytes);
    }

    /// <summary>The floor: one copy of the same bytes into a warm buffer.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TotalPoints)]
    public void Memcpy() => _bytes.AsSpan().CopyTo(_copy);

    /// <summary>
    /// Decode every frame and block-copy its columns into warm, reused arrays: the codec's share of ingest
    /// without the store's growth into never-touched memory (which dominates on this VM; see docs/performance.md).
    /// </summary>
    [Benchmark(OperationsPerInvoke = TotalPoints)]
    public long DecodeIntoWarmColumns()
    {
        var decoder = new FrameDecoder();
        var buffer = _input;
        long n = 0;
        while (decoder.TryReadFrame(ref buffer, out var frame))
        {
            if (frame.Type != FrameType.Points) continue;
            frame.CopyPoints(_warmX, _warmY);
            n += frame.PointCount;
        }
        return n;
    }

    /// <summary>Decode every frame and append it to a new store, the way the viewer's ingest does.</summary>
    [Benchmark(OperationsPerInvoke = TotalPoints)]
    public long DecodeAndStore()
    {
        var store = new PlotStore();
        var ingest = new FrameIngest(store, static _ => { });
        var buffer = _input;
        if (!ingest.Consume(new FrameDecoder(), ref buffer) || !buffer.IsEmpty)
            throw new InvalidOperationException("the prebuilt stream did not decode to its finish frame");
        long n = store.TotalPoints;
        if (n != TotalPoints) throw new InvalidOperationException($"stored {n} of {TotalPoints} points");
        return n;
    }
}
