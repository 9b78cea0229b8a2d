using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// One derived series, <c>s = ema(loss, 0.9)</c>, computed from Points frames of 4,096 points and appended to a
/// capped, warm store: the cost <c>--derive</c> adds to ingest per point, which must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class DeriveBenchmarks
{
    private const int FramePoints = 4096;
    private PlotStore _store = null!;
    private SeriesStore _loss = null!;
    private DeriveSink _sink = null!;
    private Frame _frame;
    private SeriesStore _stored = null!;
    private DeriveEvaluator _evaluator = null!;
    private double[] _xs = null!;
    private double[] _ys = null!;

    [GlobalSetup]
    public void Setup()
    {
        var xs = new double[FramePoints];
        var ys = new double[FramePoints];
        var random = new Random(1);
        for (int i = 0; i < FramePoints; i++)
        {
            xs[i] = i;
            ys[i] = random.NextDouble();
        }
        var written = new ArrayBufferWriter<byte>();
        FrameWriter.WritePoints(written, 0, xs, ys);
        _frame = new Frame(FrameType.Points, 0, new ReadOnlySequence<byte>(written.WrittenMemory[ProtocolLimits.HeaderBytes..]), 0);
        _store = new PlotStore(maxPointsPerSeries: 1 << 16);
        // Scatter: the same x again each frame is kept as it comes.
        _loss = _store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "loss", "o"));
        _sink = new DeriveSink(_store, DeriveRule.TryParseAll(["s = ema(loss, 0.9)"], out var problem) ?? throw new InvalidOperationException(problem));
        _stored = _store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "stored", "o"));
        _evaluator = new DeriveEvaluator(_sink.Rules[0]);
        (_xs, _ys) = (xs, ys);
        // Warm up past the cap, so every later chunk of the derived series comes from the reuse queue.
        Derive();
        foreach (var s in _store.Series) s.ReuseAfterTicks = 0;
        for (int i = 0; i < 64; i++)
        {
            Derive();
            Store();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    /// <summary>The floor: the store keeping one frame's points in a capped, warm series (sealing chunks included).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = FramePoints)]
    public void Store() => _stored.Append(_frame);

    /// <summary>Derive one frame's points and append them to the derived series.</summary>
    [Benchmark(OperationsPerInvoke = FramePoints)]
    public void Derive() => _sink.Append(_loss, _frame);

    /// <summary>The derive's own work: the compiled program over one frame's points, without the store.</summary>
    [Benchmark(OperationsPerInvoke = FramePoints)]
    public double Evaluate()
    {
        double last = 0;
        var xs = _xs;
        var ys = _ys;
        for (int i = 0; i < xs.Length; i++)
        {
            if (_evaluator.TryNext(xs[i], ys[i], out double y)) last = y;
        }
        return last;
    }
}
