using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// Decode + store ingest into a series capped at 1 Mi points whose evicted chunks are reused: the viewer's own
/// cost per point once the store's memory is warm, without this VM's first-touch page faults that dominate
/// <see cref="IngestBenchmarks.DecodeAndStore"/>. Against a plain copy of the same bytes. With
/// <see cref="AtMemoryBudget"/>, the store is instead uncapped and full to a 64 MiB memory budget: every new chunk
/// first evicts the oldest, whose memory goes back to the runtime (the memory guard's cost while it works).
/// </summary>
[MemoryDiagnoser]
public class SteadyStateIngestBenchmarks
{
    private const int FramePoints = 8192;
    private const int Frames = 256;
    private const int TotalPoints = FramePoints * Frames;
    private byte[] _bytes = null!;
    private byte[] _copy = null!;
    private ReadOnlySequence<byte> _input;
    private PlotStore _store = null!;
    private FrameIngest _ingest = null!;

    /// <summary>Evict for a memory budget instead of a points cap.</summary>
    [Params(false, true)]
    public bool AtMemoryBudget { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bytes = PointsStream.Build(SeriesKind.Scatter, Frames, FramePoints, finish: false);
        _copy = new byte[_bytes.Length];
        _input = Segments.Split(_bytes, 1 << 20);
        _store = AtMemoryBudget ? new PlotStore(maxMemoryBytes: 64L << 20) : new PlotStore(maxPointsPerSeries: 1 << 20);
        _ingest = new FrameIngest(_store, static _ => { });
        if (AtMemoryBudget)
        {
            // 2 Mi points a pass (32 MiB): two passes fill the budget, the third evicts.
            for (int i = 0; i < 3; i++) Ingest();
            if (_store.TotalEvicted == 0) throw new InvalidOperationException("the warm-up did not reach the budget");
            return;
        }
        // Warm up: fill past the cap so every later chunk comes from the reuse queue, which waits for nothing here.
        Ingest();
        _store.Find(0)!.ReuseAfterTicks = 0;
        Ingest();
    }

    /// <summary>The floor: one copy of the same bytes into a warm buffer.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TotalPoints)]
    public void Memcpy() => _bytes.AsSpan().CopyTo(_copy);

    /// <summary>Decode every frame and append it to the capped, warm store.</summary>
    [Benchmark(OperationsPerInvoke = TotalPoints)]
    public long DecodeAndStoreWarm() => Ingest();

    private long Ingest()
    {
        var buffer = _input;
        _ingest.Consume(new FrameDecoder(), ref buffer);
        if (!buffer.IsEmpty) throw new InvalidOperationException("the prebuilt stream did not decode whole");
        return _store.Find(0)!.Received;
    }
}
