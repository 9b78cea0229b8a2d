using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>
/// What <c>--alert</c> costs ingest: decode + store of Points frames of 4,096 points into a capped, warm series,
/// with no rules, with ten rules on other series (one look-up a frame), and with ten rules on this series (a loop
/// over each frame's y column per rule; none fires on the slow sine, as in a healthy run). The goal is ten rules at
/// 0.8 or more of the rate without, and nothing allocated per frame.
/// </summary>
[MemoryDiagnoser]
public class AlertBenchmarks
{
    private const int FramePoints = 4096;
    private const int Frames = 256;
    private const int TotalPoints = FramePoints * Frames;

    private static readonly string[] TenRules =
    [
        "bench > 10", "bench < -10", "bench is nan", "bench >= 2 for 5 points", "bench <= -2 for 5 points",
        "bench > 1.5 for 2s", "bench < -1.5 for 200ms", "bench > 100", "bench < -100", "bench is nan for 3 points",
    ];

    private ReadOnlySequence<byte> _input;
    private PlotStore _store = null!;
    private FrameIngest _ingest = null!;

    /// <summary>none: no rules; elsewhere: ten rules naming another series; here: ten rules on the series fed.</summary>
    [Params("none", "elsewhere", "here")]
    public string Rules { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        _input = Segments.Split(PointsStream.Build(SeriesKind.Line, Frames, FramePoints, finish: false), 1 << 20);
        _store = new PlotStore(maxPointsPerSeries: 1 << 20);
        IPointSink sink = StoreSink.Instance;
        if (Rules != "none")
        {
            var rules = TenRules.Select(r => AlertRule.Parse(Rules == "here" ? r : r.Replace("bench", "other", StringComparison.Ordinal))).ToArray();
            sink = new TeeSink(sink, new AlertSink(rules, _store, static _ => { }));
        }
        _ingest = new FrameIngest(_store, static _ => { }, sink: sink);
        // Warm up past the cap so every later chunk is a reused one.
        Ingest();
        _store.Find(0)!.ReuseAfterTicks = 0;
        Ingest();
    }

    /// <summary>Decode every frame, append it to the store and check it against the rules.</summary>
    [Benchmark(OperationsPerInvoke = TotalPoints)]
    public long Ingest()
    {
        var buffer = _input;
        _ingest.Consume(new FrameDecoder(), ref buffer);
        if (!buffer.IsEmpty) throw new InvalidOperationException("the prebuilt stream did not decode whole");
        return _store.Find(0)!.Received;
    }
}
