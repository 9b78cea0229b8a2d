using System.Runtime.CompilerServices;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Computes the derived series (<c>--derive</c>) from every point their sources receive, before any cap or
/// decimation, and appends them to the store only: beside the store and the recording in the composed sink, so
/// the recording keeps what was received and nothing derived. Each producer gets its own derived series, made when
/// the leading source's first points arrive; a derived series may read another.
/// </summary>
internal sealed class DeriveSink : IPointSink
{
    // Points taken from a frame or handed on at a time: the buffers a source and a derived series keep.
    private const int Batch = 4096;
    private static readonly object NoProducer = new();
    private readonly PlotStore _store;
    private readonly IReadOnlyList<DeriveRule> _rules;
    private readonly ConditionalWeakTable<SeriesStore, Source> _sources = new();
    private readonly Dictionary<(object Producer, int Rule), Run> _runs = [];

    /// <summary>Derives <paramref name="rules"/> into <paramref name="store"/>.</summary>
    public DeriveSink(PlotStore store, IReadOnlyList<DeriveRule> rules)
    {
        _store = store;
        _rules = rules;
    }

    /// <summary>The rules it derives, in the order given.</summary>
    public IReadOnlyList<DeriveRule> Rules => _rules;

    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame)
    {
        var source = SourceOf(series);
        if (source.Uses.Length == 0) return;
        source.Columns ??= (new double[Batch], new double[Batch]);
        var (xs, ys) = source.Columns.Value;
        int total = frame.PointCount;
        for (int done = 0; done < total; done += Batch)
        {
            int n = Math.Min(Batch, total - done);
            Frame.CopyColumn(frame.XBytes.Slice(done * 8L, n * 8L), xs.AsSpan(0, n));
            Frame.CopyColumn(frame.YBytes.Slice(done * 8L, n * 8L), ys.AsSpan(0, n));
            Feed(source, xs.AsSpan(0, n), ys.AsSpan(0, n));
        }
    }

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        var source = SourceOf(series);
        if (source.Uses.Length == 0) return;
        for (int done = 0; done < xs.Length; done += Batch)
        {
            int n = Math.Min(Batch, xs.Length - done);
            Feed(source, xs.Slice(done, n), ys.Slice(done, n));
        }
    }

    private void Feed(Source source, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length == 0) return;
        foreach (var (run, slot) in source.Uses)
        {
            if (slot > 0)
            {
                run.Evaluator.Hold(slot, ys[^1]);
                continue;
            }
            int n = 0;
            var outX = run.Xs;
            var outY = run.Ys;
            for (int i = 0; i < xs.Length; i++)
            {
                if (!run.Evaluator.TryNext(xs[i], ys[i], out double y)) continue;
                outX[n] = xs[i];
                outY[n] = y;
                n++;
            }
            if (n == 0) continue;
            run.Series!.Append(outX.AsSpan(0, n), outY.AsSpan(0, n));
            // A derived series may lead or feed another.
            Append(run.Series, outX.AsSpan(0, n), outY.AsSpan(0, n));
        }
    }

    // Once per series (the first time it appends): which derived series it feeds, in which place.
    private Source SourceOf(SeriesStore series)
    {
        if (_sources.TryGetValue(series, out var known)) return known;
        lock (_runs)
        {
            if (_sources.TryGetValue(series, out known)) return known;
            var uses = new List<(Run, int)>();
            object producer = series.DerivedFrom ?? OwnerOf(series) ?? NoProducer;
            for (int r = 0; r < _rules.Count; r++)
            {
                var rule = _rules[r];
                int slot = -1;
                for (int k = 0; k < rule.Sources.Count; k++)
                {
                    if (rule.Sources[k] == series.Name) slot = k;
                }
                if (slot < 0) continue;
                if (!_runs.TryGetValue((producer, r), out var run))
                {
                    run = new Run(new DeriveEvaluator(rule));
                    _runs.Add((producer, r), run);
                }
                // The leading source's first points make the derived series, in its panel and with its kind of x.
                if (slot == 0 && run.Series is null)
                {
                    var from = series.Definition;
                    run.Series = _store.DefineDerived(new SeriesDefinition(-1, from.Kind, rule.Name, from.Kind == SeriesKind.Line ? "-" : "o", from.Panel, from.Flags),
                        producer as ProducerStore, rule.Expression);
                }
                uses.Add((run, slot));
            }
            var source = new Source([.. uses]);
            _sources.Add(series, source);
            return source;
        }
    }

    private ProducerStore? OwnerOf(SeriesStore series)
    {
        foreach (var p in _store.ProducerStates)
        {
            if (p.Owns(series)) return p;
        }
        return null;
    }

    // One source series: the derived series it feeds and, for frames, the columns it is read into.
    private sealed class Source((Run Run, int Slot)[] uses)
    {
        public (Run Run, int Slot)[] Uses { get; } = uses;

        public (double[] Xs, double[] Ys)? Columns { get; set; }
    }

    // One rule for one producer: its state, its series, and the columns its points are gathered in.
    private sealed class Run(DeriveEvaluator evaluator)
    {
        public DeriveEvaluator Evaluator { get; } = evaluator;

        public SeriesStore? Series { get; set; }

        public double[] Xs { get; } = new double[Batch];

        public double[] Ys { get; } = new double[Batch];
    }
}
