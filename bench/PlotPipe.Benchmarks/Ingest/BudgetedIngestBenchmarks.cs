using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// Decode + store ingest into a store already full to its memory budget (64 MiB, no points cap): every new chunk
/// first evicts the oldest one, which goes back to the runtime. The cost of the memory guard while it works,
/// against the capped, warm store that reuses its chunks (<see cref="SteadyStateIngestBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
public class BudgetedIngestBenchmarks
{
    private const int FramePoints = 8192;
    private const int Frames = 256;
    private const int TotalPoints = FramePoints * Frames;
    private byte[] _bytes = null!;
    private byte[] _copy = null!;
    private ReadOnlySequence<byte> _input;
    private PlotStore _store = null!;
    private FrameIngest _ingest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = PointsStream.Build(SeriesKind.Scatter, Frames, FramePoints, finish: false);
        _copy = new byte[_bytes.Length];
        _input = Segments.Split(_bytes, 1 << 20);
        _store = new PlotStore(maxMemoryBytes: 64L << 20);
        _ingest = new FrameIngest(_store, static _ => { });
        // 2 Mi points a pass (32 MiB): two passes fill the budget, the third starts evicting.
        for (int i = 0; i < 3; i++) Ingest();
        if (_store.TotalEvicted == 0) throw new InvalidOperationException("the warm-up did not reach the budget");
    }

    /// <summary>The floor: one copy of the same bytes into a warm buffer.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TotalPoints)]
    public void Memcpy() => _bytes.AsSpan().CopyTo(_copy);

    /// <summary>Decode every frame and append it to the store at its budget, evicting as it goes.</summary>
    [Benchmark(OperationsPerInvoke = TotalPoints)]
    public long DecodeAndStoreAtBudget() => Ingest();

    private long Ingest()
    {
        var buffer = _input;
        _ingest.Consume(new FrameDecoder(), ref buffer);
        if (!buffer.IsEmpty) throw new InvalidOperationException("the prebuilt stream did not decode whole");
        return _store.Find(0)!.Received;
    }
}
